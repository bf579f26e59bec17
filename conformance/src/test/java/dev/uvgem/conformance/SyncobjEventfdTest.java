package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSyncobj.create;
import static dev.uvgem.conformance.IgtSyncobj.destroy;
import static dev.uvgem.conformance.IgtSyncobj.eventfd;
import static dev.uvgem.conformance.IgtSyncobj.hasSyncobjTimeline;
import static dev.uvgem.conformance.IgtSyncobj.tryEventfd;
import static dev.uvgem.conformance.IgtVgem.assertErrno;
import static dev.uvgem.conformance.IgtVgem.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Uvgem;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjEventfd;
import dev.uvgem.uapi.Errno;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/syncobj_eventfd.c}, all 10 subtests: SYNCOBJ_EVENTFD's argument checks, and one-shot eventfds
 * that count once a point materialises (WAIT_AVAILABLE) or signals, for a binary syncobj (point 0) and a timeline
 * (point 1), registered before the fence is attached, after, or after it signalled. Fences come from sw_sync
 * timelines; timeline points are attached through a binary syncobj and TRANSFER, as IGT does.
 *
 * <p>The fixture is IGT's: a vgem primary node reporting DRM_CAP_SYNCOBJ_TIMELINE whose EVENTFD on handle 0
 * gives ENOENT, and sw_sync. The eventfd probes are IGT's: "unsignalled" is a 10 ms poll that finds nothing and a
 * read that fails with EAGAIN; "signalled" is a poll of up to 5 s that finds POLLIN and an 8-byte read.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class SyncobjEventfdTest extends SyncobjSuite {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int O_RDWR = 2;

    /** IGT's fixture requirements: DRM_CAP_SYNCOBJ_TIMELINE, and EVENTFD on handle 0 gives ENOENT. */
    @Override
    void require() {
        assertThat(hasSyncobjTimeline(sys, fd)).as("DRM_CAP_SYNCOBJ_TIMELINE").isTrue();
        assertThat(tryEventfd(sys, fd, 0, 0, 0, -1)).as("EVENTFD on handle 0").isEqualTo(Errno.ENOENT.negative());
    }

    // ---------------------------------------------------------------- IGT's helpers

    /** {@code eventfd(0, EFD_NONBLOCK)}. */
    private int newEventfd() {
        return (int) ok(sys.eventfd(0, EFD_NONBLOCK));
    }

    /** {@code syncobj_attach_sw_sync} on this test's device (see {@link IgtSyncobj#attachSwSync}). */
    private int attachSwSync(int handle, long point) {
        return IgtSyncobj.attachSwSync(sys, fd, handle, point);
    }

    /** The two eventfds a wait subtest registers on one point: for its signal, and for its fence (WAIT_AVAILABLE). */
    private record Registered(int evWait, int evAvail) {}

    /** The registrations every wait subtest makes: a new eventfd for each of {@link Registered}'s two. */
    private Registered register(int syncobj, long point) {
        Registered ev = new Registered(newEventfd(), newEventfd());
        eventfd(sys, fd, syncobj, point, 0, ev.evWait());
        eventfd(sys, fd, syncobj, point, DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE, ev.evAvail());
        return ev;
    }

    /**
     * The point has an unsignalled fence: only {@code evAvail} has counted, and INC of {@code timeline} makes
     * {@code evWait} count. Then the eventfds and the timeline are closed and the syncobj destroyed.
     */
    private void assertCountsOnSignal(int syncobj, int timeline, Registered ev) {
        assertUnsignaled(ev.evWait());
        assertSignaled(ev.evAvail());
        IgtSync.inc(sys, timeline, 1);
        assertSignaled(ev.evWait());
        closeAll(ev.evWait(), ev.evAvail(), timeline);
        destroy(sys, fd, syncobj);
    }

    /** {@code ev_fd_read}: 0 after an 8-byte read, or -errno. */
    private long evFdRead(int evFd) {
        byte[] value = new byte[8];
        long r = sys.read(evFd, value, 0, 8);
        if (r < 0) {
            return r;
        }
        assertThat(r).as("eventfd read size").isEqualTo(8);
        return 0;
    }

    /** {@code ev_fd_assert_unsignaled}: a 10 ms poll finds nothing, and a read would block. */
    private void assertUnsignaled(int evFd) {
        assertThat(IgtVgem.poll(sys, evFd, IgtVgem.POLLIN, 10))
                .as("poll of an unsignalled eventfd")
                .isZero();
        assertThat(evFdRead(evFd)).isEqualTo(Errno.EAGAIN.negative());
    }

    /** {@code ev_fd_assert_signaled}: a poll of up to 5 s finds POLLIN, and an 8-byte read succeeds. */
    private void assertSignaled(int evFd) {
        short[] revents = new short[1];
        long r = sys.poll(new int[] {evFd}, new short[] {IgtVgem.POLLIN}, revents, 5000);
        assertThat(r).as("poll of a signalled eventfd").isNotNegative();
        assertThat(revents[0] & IgtVgem.POLLIN).as("POLLIN").isNotZero();
        assertThat(evFdRead(evFd)).isZero();
    }

    private void closeAll(int... fds) {
        for (int f : fds) {
            ok(sys.close(f));
        }
    }

    // ---------------------------------------------------------------- invalid arguments

    @Test
    void invalidBadFlags() {
        int syncobj = create(sys, fd, DrmSyncobj.CREATE_SIGNALED);
        int evFd = newEventfd();
        assertThat(tryEventfd(sys, fd, syncobj, 0, 0xdeadbeef, evFd)).isEqualTo(Errno.EINVAL.negative());
        closeAll(evFd);
        destroy(sys, fd, syncobj);
    }

    @Test
    void invalidIllegalHandle() {
        int evFd = newEventfd();
        assertThat(tryEventfd(sys, fd, 0, 0, 0, evFd)).isEqualTo(Errno.ENOENT.negative());
        closeAll(evFd);
    }

    @Test
    void invalidIllegalEventfd() {
        int syncobj = create(sys, fd, DrmSyncobj.CREATE_SIGNALED);
        int devNull = (int) ok(sys.open(Uvgem.DEV_NULL, O_RDWR));
        assertThat(tryEventfd(sys, fd, syncobj, 0, 0, devNull)).isEqualTo(Errno.EINVAL.negative());
        closeAll(devNull);
        destroy(sys, fd, syncobj);
    }

    @Test
    void invalidBadPad() {
        int syncobj = create(sys, fd, DrmSyncobj.CREATE_SIGNALED);
        int evFd = newEventfd();
        assertErrno(tryEventfd(sys, fd, new DrmSyncobjEventfd(syncobj, 0, 0, evFd, 0xdeadbeef)), Errno.EINVAL);
        closeAll(evFd);
        destroy(sys, fd, syncobj);
    }

    // ---------------------------------------------------------------- waits

    /** {@code test_wait}: registered after an unsignalled fence was attached. */
    private void testWait(boolean useTimeline) {
        long point = useTimeline ? 1 : 0;
        int syncobj = create(sys, fd, 0);
        int timeline = attachSwSync(syncobj, point);
        assertCountsOnSignal(syncobj, timeline, register(syncobj, point));
    }

    /** {@code test_wait_before_signal}: registered on an empty syncobj, then the fence attached and signalled. */
    private void testWaitBeforeSignal(boolean useTimeline) {
        long point = useTimeline ? 1 : 0;
        int syncobj = create(sys, fd, 0);
        Registered ev = register(syncobj, point);
        assertUnsignaled(ev.evWait());
        assertUnsignaled(ev.evAvail());
        int timeline = attachSwSync(syncobj, point);
        assertCountsOnSignal(syncobj, timeline, ev);
    }

    /** {@code test_wait_signaled}: registered after the fence signalled. */
    private void testWaitSignaled(boolean useTimeline) {
        long point = useTimeline ? 1 : 0;
        int syncobj = create(sys, fd, 0);
        int timeline = attachSwSync(syncobj, point);
        IgtSync.inc(sys, timeline, 1);
        Registered ev = register(syncobj, point);
        assertSignaled(ev.evWait());
        assertSignaled(ev.evAvail());
        closeAll(ev.evWait(), ev.evAvail(), timeline);
        destroy(sys, fd, syncobj);
    }

    @Test
    void binaryWait() {
        testWait(false);
    }

    @Test
    void binaryWaitBeforeSignal() {
        testWaitBeforeSignal(false);
    }

    @Test
    void binaryWaitSignaled() {
        testWaitSignaled(false);
    }

    @Test
    void timelineWait() {
        testWait(true);
    }

    @Test
    void timelineWaitBeforeSignal() {
        testWaitBeforeSignal(true);
    }

    @Test
    void timelineWaitSignaled() {
        testWaitSignaled(true);
    }
}
