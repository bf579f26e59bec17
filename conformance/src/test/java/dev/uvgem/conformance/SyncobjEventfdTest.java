package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSyncobj.binaryToTimeline;
import static dev.uvgem.conformance.IgtSyncobj.create;
import static dev.uvgem.conformance.IgtSyncobj.destroy;
import static dev.uvgem.conformance.IgtSyncobj.eventfd;
import static dev.uvgem.conformance.IgtSyncobj.hasSyncobjTimeline;
import static dev.uvgem.conformance.IgtSyncobj.importSyncFile;
import static dev.uvgem.conformance.IgtSyncobj.tryEventfd;
import static dev.uvgem.conformance.IgtVgem.assertErrno;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriver;
import static dev.uvgem.conformance.IgtVgem.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjEventfd;
import dev.uvgem.uapi.Errno;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
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
class SyncobjEventfdTest {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    private static final int EFD_NONBLOCK = 0x800;
    private static final int O_RDWR = 2;

    private Env env;
    private Syscalls sys;
    private int fd;

    @BeforeEach
    void fixture() {
        env = backend.boot();
        sys = env.sys();
        fd = drmOpenDriver(sys);
        assertThat(hasSyncobjTimeline(sys, fd)).as("DRM_CAP_SYNCOBJ_TIMELINE").isTrue();
        assertThat(tryEventfd(sys, fd, 0, 0, 0, -1)).as("EVENTFD on handle 0").isEqualTo(Errno.ENOENT.negative());
    }

    @AfterEach
    void teardown() {
        try {
            assertThat(sys.close(fd)).isZero();
            assertThat(env.devices().vgem().liveSyncobjs())
                    .as("sync objects left")
                    .isZero();
        } finally {
            env.close();
        }
    }

    // ---------------------------------------------------------------- IGT's helpers

    /** {@code eventfd(0, EFD_NONBLOCK)}. */
    private int newEventfd() {
        return (int) ok(sys.eventfd(0, EFD_NONBLOCK));
    }

    /**
     * {@code syncobj_attach_sw_sync}: a new sw_sync timeline's point 1 as the syncobj's fence (point 0) or as its
     * timeline point {@code point} through a temporary binary syncobj; returns the timeline fd.
     */
    private int attachSwSync(int handle, long point) {
        int timeline = IgtSync.timelineCreate(sys);
        int fence = IgtSync.createFence(sys, timeline, 1);
        if (point == 0) {
            importSyncFile(sys, fd, handle, fence);
        } else {
            int tmp = create(sys, fd, 0);
            importSyncFile(sys, fd, tmp, fence);
            binaryToTimeline(sys, fd, handle, point, tmp);
            destroy(sys, fd, tmp);
        }
        ok(sys.close(fence));
        return timeline;
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
        int evWait = newEventfd();
        int evAvail = newEventfd();
        eventfd(sys, fd, syncobj, point, 0, evWait);
        eventfd(sys, fd, syncobj, point, DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE, evAvail);
        assertUnsignaled(evWait);
        assertSignaled(evAvail);
        IgtSync.inc(sys, timeline, 1);
        assertSignaled(evWait);
        closeAll(evWait, evAvail, timeline);
        destroy(sys, fd, syncobj);
    }

    /** {@code test_wait_before_signal}: registered on an empty syncobj, then the fence attached and signalled. */
    private void testWaitBeforeSignal(boolean useTimeline) {
        long point = useTimeline ? 1 : 0;
        int syncobj = create(sys, fd, 0);
        int evWait = newEventfd();
        int evAvail = newEventfd();
        eventfd(sys, fd, syncobj, point, 0, evWait);
        eventfd(sys, fd, syncobj, point, DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE, evAvail);
        assertUnsignaled(evWait);
        assertUnsignaled(evAvail);
        int timeline = attachSwSync(syncobj, point);
        assertUnsignaled(evWait);
        assertSignaled(evAvail);
        IgtSync.inc(sys, timeline, 1);
        assertSignaled(evWait);
        closeAll(evWait, evAvail, timeline);
        destroy(sys, fd, syncobj);
    }

    /** {@code test_wait_signaled}: registered after the fence signalled. */
    private void testWaitSignaled(boolean useTimeline) {
        long point = useTimeline ? 1 : 0;
        int syncobj = create(sys, fd, 0);
        int evWait = newEventfd();
        int evAvail = newEventfd();
        int timeline = attachSwSync(syncobj, point);
        IgtSync.inc(sys, timeline, 1);
        eventfd(sys, fd, syncobj, point, 0, evWait);
        eventfd(sys, fd, syncobj, point, DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE, evAvail);
        assertSignaled(evWait);
        assertSignaled(evAvail);
        closeAll(evWait, evAvail, timeline);
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
