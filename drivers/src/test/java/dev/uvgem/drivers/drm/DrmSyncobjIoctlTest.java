package dev.uvgem.drivers.drm;

import static dev.uvgem.uapi.DrmSyncobj.CREATE_SIGNALED;
import static dev.uvgem.uapi.DrmSyncobj.FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
import static dev.uvgem.uapi.DrmSyncobj.FD_TO_HANDLE_FLAGS_TIMELINE;
import static dev.uvgem.uapi.DrmSyncobj.HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
import static dev.uvgem.uapi.DrmSyncobj.HANDLE_TO_FD_FLAGS_TIMELINE;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_CREATE;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_DESTROY;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_EVENTFD;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_FD_TO_HANDLE;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_FD_TO_HANDLE_V1;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_HANDLE_TO_FD;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_HANDLE_TO_FD_V1;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_QUERY;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_RESET;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_SIGNAL;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_TIMELINE_SIGNAL;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_TIMELINE_WAIT;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_TRANSFER;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_WAIT;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_WAIT_V1;
import static dev.uvgem.uapi.DrmSyncobj.QUERY_FLAGS_LAST_SUBMITTED;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_ALL;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_DEADLINE;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.testsupport.TestFences;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.EventFdContext;
import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.DrmSyncobjArray;
import dev.uvgem.uapi.DrmSyncobjCreate;
import dev.uvgem.uapi.DrmSyncobjDestroy;
import dev.uvgem.uapi.DrmSyncobjEventfd;
import dev.uvgem.uapi.DrmSyncobjHandle;
import dev.uvgem.uapi.DrmSyncobjTimelineArray;
import dev.uvgem.uapi.DrmSyncobjTimelineWait;
import dev.uvgem.uapi.DrmSyncobjTransfer;
import dev.uvgem.uapi.DrmSyncobjWait;
import dev.uvgem.uapi.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The syncobj ioctls through the DRM dispatch on a vgem device and a virtual clock: the kernel's check order and
 * errnos, handle lifetime, sync_file snapshots, waits woken by callbacks (never by the clock alone), timeouts on
 * the virtual clock, interruption, timeline points, transfers and eventfds.
 */
class DrmSyncobjIoctlTest {
    private final DrmTestKit k = new DrmTestKit();
    private final int fd = k.openRender();

    private static long err(Errno e) {
        return e.negative();
    }

    private Fence pending() {
        return Fence.create(k.clock, "test", "t", FenceContext.allocate(), 1);
    }

    // ---------------------------------------------------------------- helpers over the ioctls

    private long create(int flags) {
        var r = k.call(fd, IOCTL_CREATE, b -> new DrmSyncobjCreate(0, flags).write(b));
        return r.ret() != 0 ? r.ret() : DrmSyncobjCreate.read(r.arg()).handle();
    }

    private int create() {
        return (int) create(0);
    }

    private long destroy(int handle, int pad) {
        return k.call(fd, IOCTL_DESTROY, b -> new DrmSyncobjDestroy(handle, pad).write(b))
                .ret();
    }

    private DrmTestKit.Result handleCall(int cmd, DrmSyncobjHandle args) {
        return k.call(fd, cmd, args::write);
    }

    private long handleToFd(int handle, int flags, long point) {
        var r = handleCall(IOCTL_HANDLE_TO_FD, new DrmSyncobjHandle(handle, flags, -1, 0, point));
        return r.ret() != 0 ? r.ret() : DrmSyncobjHandle.read(r.arg()).fd();
    }

    private long fdToHandle(int syncobjFd) {
        var r = handleCall(IOCTL_FD_TO_HANDLE, new DrmSyncobjHandle(0, 0, syncobjFd, 0, 0));
        return r.ret() != 0 ? r.ret() : DrmSyncobjHandle.read(r.arg()).handle();
    }

    private long importFence(int handle, Fence fence, long point) {
        int sf = k.task.install(SyncFile.open(fence), 0);
        int flags = FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE | (point != 0 ? FD_TO_HANDLE_FLAGS_TIMELINE : 0);
        long r = handleCall(IOCTL_FD_TO_HANDLE, new DrmSyncobjHandle(handle, flags, sf, 0, point))
                .ret();
        k.task.close(sf);
        return r;
    }

    private long handles(int... hs) {
        long a = k.task.alloc(4 * Math.max(1, hs.length));
        byte[] b = new byte[4 * hs.length];
        var bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < hs.length; i++) {
            bb.putInt(4 * i, hs[i]);
        }
        k.task.user().write(a, b);
        return a;
    }

    private long points(long... ps) {
        long a = k.task.alloc(8 * Math.max(1, ps.length));
        byte[] b = new byte[8 * ps.length];
        var bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ps.length; i++) {
            bb.putLong(8 * i, ps[i]);
        }
        k.task.user().write(a, b);
        return a;
    }

    private long array(int cmd, int pad, int... hs) {
        long ptr = handles(hs);
        return k.call(fd, cmd, b -> new DrmSyncobjArray(ptr, hs.length, pad).write(b))
                .ret();
    }

    private long timelineSignal(int[] hs, long[] ps) {
        long hp = handles(hs);
        long pp = ps == null ? 0 : points(ps);
        return k.call(fd, IOCTL_TIMELINE_SIGNAL, b -> new DrmSyncobjTimelineArray(hp, pp, hs.length, 0).write(b))
                .ret();
    }

    private long query(int handle, int flags) {
        long hp = handles(handle);
        long pp = points(0);
        long r = k.call(fd, IOCTL_QUERY, b -> new DrmSyncobjTimelineArray(hp, pp, 1, flags).write(b))
                .ret();
        return r != 0 ? r : k.task.userBytes(pp, 8).getLong(0);
    }

    /** The WAIT result: 0 or -errno, and first_signaled as left. */
    private record Waited(long ret, int first) {}

    private Waited await(long timeoutNsec, int flags, int... hs) {
        long hp = handles(hs);
        var r = k.call(fd, IOCTL_WAIT, b -> new DrmSyncobjWait(hp, timeoutNsec, hs.length, flags, -7, 0, 0).write(b));
        return new Waited(r.ret(), DrmSyncobjWait.read(r.arg()).firstSignaled());
    }

    private long timelineWait(long timeoutNsec, int flags, int[] hs, long[] ps) {
        long hp = handles(hs);
        long pp = points(ps);
        return k.call(
                        fd,
                        IOCTL_TIMELINE_WAIT,
                        b -> new DrmSyncobjTimelineWait(hp, pp, timeoutNsec, hs.length, flags, 0, 0, 0).write(b))
                .ret();
    }

    private long transfer(int src, long srcPoint, int dst, long dstPoint, int flags, int pad) {
        return k.call(
                        fd,
                        IOCTL_TRANSFER,
                        b -> new DrmSyncobjTransfer(src, dst, srcPoint, dstPoint, flags, pad).write(b))
                .ret();
    }

    private long eventfd(int handle, long point, int flags, int efd, int pad) {
        return k.call(fd, IOCTL_EVENTFD, b -> new DrmSyncobjEventfd(handle, flags, point, efd, pad).write(b))
                .ret();
    }

    private long inMs(int ms) {
        return k.clock.nanoTime() + Duration.ofMillis(ms).toNanos();
    }

    private DrmSyncobj syncobj(int handle) {
        DrmSyncobj s = k.drmFile(fd).syncobjs().find(handle);
        s.put();
        return s;
    }

    /** A counting eventfd installed as an fd, as the syscall layer's eventfd looks to a driver. */
    private static final class Counter implements EventFdContext, FileOps {
        final AtomicLong count = new AtomicLong();

        @Override
        public long signal(long n) {
            count.addAndGet(n);
            return n;
        }
    }

    private int eventfdFd(Counter c) {
        return k.task.install(new OpenFile(c, c, OpenFile.O_RDWR), 0);
    }

    // ---------------------------------------------------------------- create / destroy / fds

    @Test
    void handlesStartAtOneAndFreedNumbersAreReused() {
        assertThat(create()).isEqualTo(1);
        assertThat(create()).isEqualTo(2);
        assertThat(destroy(1, 0)).isZero();
        assertThat(create()).isEqualTo(1);
        assertThat(k.device.liveSyncobjs()).isEqualTo(2);
    }

    @Test
    void createAndDestroyCheckFlagsPadThenHandle() {
        assertThat(create(0xdeadbeef)).isEqualTo(err(Errno.EINVAL));
        int h = create();
        assertThat(destroy(h, 1)).isEqualTo(err(Errno.EINVAL));
        assertThat(destroy(h + 1, 0)).as("unknown handle: EINVAL, not ENOENT").isEqualTo(err(Errno.EINVAL));
        assertThat(destroy(h, 0)).isZero();
        assertThat(k.device.liveSyncobjs()).isZero();
    }

    @Test
    void anOpaqueFdKeepsTheSyncobjAliveAndEachImportIsANewHandle() {
        int h = (int) create(CREATE_SIGNALED);
        int sfd = (int) handleToFd(h, 0, 0);
        assertThat(k.task.fdFlags(sfd)).isEqualTo(OpenFile.O_CLOEXEC);
        assertThat(destroy(h, 0)).isZero();
        assertThat(k.device.liveSyncobjs()).isEqualTo(1);
        long h2 = fdToHandle(sfd);
        long h3 = fdToHandle(sfd);
        assertThat(h2).isPositive().isNotEqualTo(h3);
        assertThat(syncobj((int) h2)).isSameAs(syncobj((int) h3));
        assertThat(await(0, 0, (int) h2).ret())
                .as("the same object, still signalled")
                .isZero();
        k.task.close(sfd);
        assertThat(destroy((int) h2, 0)).isZero();
        assertThat(destroy((int) h3, 0)).isZero();
        assertThat(k.device.liveSyncobjs()).isZero();
    }

    @Test
    void handleToFdAndFdToHandleCheckPadFlagsAndPoint() {
        int h = create();
        assertThat(handleCall(IOCTL_HANDLE_TO_FD, new DrmSyncobjHandle(h, 0, 0, 1, 0))
                        .ret())
                .isEqualTo(err(Errno.EINVAL));
        assertThat(handleToFd(h, 4, 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(handleToFd(h, HANDLE_TO_FD_FLAGS_TIMELINE, 1))
                .as("a point without export")
                .isEqualTo(err(Errno.EINVAL));
        assertThat(handleToFd(99, 0, 0)).as("opaque export of nothing: EINVAL").isEqualTo(err(Errno.EINVAL));
        assertThat(handleToFd(99, HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, 0))
                .as("sync_file export of nothing: ENOENT")
                .isEqualTo(err(Errno.ENOENT));
        assertThat(handleToFd(h, HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, 0))
                .as("no fence to export")
                .isEqualTo(err(Errno.EINVAL));
        assertThat(handleCall(IOCTL_FD_TO_HANDLE, new DrmSyncobjHandle(0, 0, -1, 0, 0))
                        .ret())
                .isEqualTo(err(Errno.EINVAL));
        assertThat(fdToHandle(fd)).as("a DRM fd is not a syncobj fd").isEqualTo(err(Errno.EINVAL));
        assertThat(handleCall(
                                IOCTL_FD_TO_HANDLE,
                                new DrmSyncobjHandle(h, FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE, fd, 0, 0))
                        .ret())
                .as("not a sync_file")
                .isEqualTo(err(Errno.EINVAL));
        assertThat(importFence(99, pending(), 0)).isEqualTo(err(Errno.ENOENT));
    }

    @Test
    void theOlderSixteenByteHandleStructIsAccepted() {
        int h = (int) create(CREATE_SIGNALED);
        ByteBuffer b = DrmTestKit.arg(IOCTL_HANDLE_TO_FD_V1);
        new DrmSyncobjHandle(h, 0, -1, 0, 0).write(b);
        assertThat(k.ioctl(fd, IOCTL_HANDLE_TO_FD_V1, b)).isZero();
        int sfd = DrmSyncobjHandle.read(b).fd();
        ByteBuffer in = DrmTestKit.arg(IOCTL_FD_TO_HANDLE_V1);
        new DrmSyncobjHandle(0, 0, sfd, 0, 0).write(in);
        assertThat(k.ioctl(fd, IOCTL_FD_TO_HANDLE_V1, in)).isZero();
        assertThat(DrmSyncobjHandle.read(in).handle()).isEqualTo(h + 1);
    }

    @Test
    void syncFilesAreSnapshotsBothWays() {
        int h = create();
        Fence f = pending();
        assertThat(importFence(h, f, 0)).isZero();
        int sf = (int) handleToFd(h, HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, 0);
        assertThat(k.task.fdFlags(sf)).isEqualTo(OpenFile.O_CLOEXEC);
        assertThat(array(IOCTL_SIGNAL, 0, h)).isZero();
        assertThat(SyncFile.fromFile(k.task.file(sf)).fence())
                .as("the export kept the old fence")
                .isSameAs(f);
        assertThat(f.isSignaled()).isFalse();
        assertThat(array(IOCTL_RESET, 0, h)).isZero();
        assertThat(syncobj(h).fence()).isNull();
        assertThat(await(0, 0, h).ret()).isEqualTo(err(Errno.EINVAL));
    }

    @Test
    void closingTheFileReleasesEveryHandle() {
        int other = k.openCard();
        for (int i = 0; i < 3; i++) {
            create();
        }
        assertThat(k.device.liveSyncobjs()).isEqualTo(3);
        k.task.close(fd);
        assertThat(k.device.liveSyncobjs()).isZero();
        k.task.close(other);
    }

    // ---------------------------------------------------------------- arrays

    @Test
    void arraysCheckPadThenCountThenEveryHandleBeforeDoingAnything() {
        int a = create();
        int b = create();
        assertThat(array(IOCTL_SIGNAL, 1, 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(array(IOCTL_SIGNAL, 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(array(IOCTL_SIGNAL, 0, a, 0, b)).isEqualTo(err(Errno.ENOENT));
        assertThat(syncobj(a).fence()).as("nothing signalled").isNull();
        long bad = Long.MAX_VALUE;
        assertThat(k.call(fd, IOCTL_RESET, x -> new DrmSyncobjArray(bad, 1, 0).write(x))
                        .ret())
                .isEqualTo(err(Errno.EFAULT));
        assertThat(k.call(fd, IOCTL_RESET, x -> new DrmSyncobjArray(handles(a), -1, 0).write(x))
                        .ret())
                .as("an array the kernel could not allocate")
                .isEqualTo(err(Errno.ENOMEM));
        assertThat(array(IOCTL_SIGNAL, 0, a, b)).isZero();
        assertThat(array(IOCTL_RESET, 0, a, 0)).isEqualTo(err(Errno.ENOENT));
        assertThat(syncobj(a).fence()).as("nothing reset").isNotNull();
    }

    @Test
    void driversWithoutTheFeaturesGetEopnotsupp() {
        DrmDevice plain = new DrmDevice(
                new NoSyncobjDriver(EnumSet.of(DrmFeature.GEM, DrmFeature.RENDER)), k.allocator, k.dmaBufs, 1);
        int pfd = k.task.install(plain.render().open(OpenFile.O_RDWR, k.task), 0);
        for (int cmd : new int[] {
            IOCTL_CREATE,
            IOCTL_DESTROY,
            IOCTL_HANDLE_TO_FD,
            IOCTL_FD_TO_HANDLE,
            IOCTL_WAIT,
            IOCTL_RESET,
            IOCTL_SIGNAL,
            IOCTL_TIMELINE_WAIT,
            IOCTL_QUERY,
            IOCTL_TRANSFER,
            IOCTL_TIMELINE_SIGNAL,
            IOCTL_EVENTFD
        }) {
            assertThat(k.ioctl(pfd, cmd, DrmTestKit.arg(cmd)))
                    .as("ioctl %x", cmd)
                    .isEqualTo(err(Errno.EOPNOTSUPP));
        }
        DrmDevice binary = new DrmDevice(
                new NoSyncobjDriver(EnumSet.of(DrmFeature.GEM, DrmFeature.RENDER, DrmFeature.SYNCOBJ)),
                k.allocator,
                k.dmaBufs,
                2);
        int bfd = k.task.install(binary.render().open(OpenFile.O_RDWR, k.task), 0);
        assertThat(k.ioctl(bfd, IOCTL_CREATE, DrmTestKit.arg(IOCTL_CREATE))).isZero();
        for (int cmd :
                new int[] {IOCTL_TIMELINE_WAIT, IOCTL_QUERY, IOCTL_TRANSFER, IOCTL_TIMELINE_SIGNAL, IOCTL_EVENTFD}) {
            assertThat(k.ioctl(bfd, cmd, DrmTestKit.arg(cmd)))
                    .as("ioctl %x", cmd)
                    .isEqualTo(err(Errno.EOPNOTSUPP));
        }
        k.task.close(bfd);
        assertThat(binary.liveSyncobjs()).isZero();
    }

    /** A driver with the given features and the kit's clock. */
    private final class NoSyncobjDriver implements DrmDriver {
        private final Set<DrmFeature> features;

        NoSyncobjDriver(Set<DrmFeature> features) {
            this.features = features;
        }

        @Override
        public String name() {
            return "plain";
        }

        @Override
        public String desc() {
            return "test";
        }

        @Override
        public String date() {
            return "0";
        }

        @Override
        public int major() {
            return 1;
        }

        @Override
        public int minor() {
            return 0;
        }

        @Override
        public Clock clock() {
            return k.clock;
        }

        @Override
        public Set<DrmFeature> features() {
            return features;
        }
    }

    // ---------------------------------------------------------------- waits

    @Test
    void waitChecksFlagsBeforeCountAndZeroHandlesSucceed() {
        assertThat(await(0, 0xdeadbeef).ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(await(0, WAIT_FLAGS_WAIT_AVAILABLE).ret())
                .as("AVAILABLE is timeline-only")
                .isEqualTo(err(Errno.EINVAL));
        assertThat(await(0, 0).ret()).isZero();
        assertThat(await(0, 0, 0).ret()).isEqualTo(err(Errno.ENOENT));
    }

    @Test
    void waitAnyWakesOnTheSignalAndReportsItsIndex() throws Exception {
        int a = create();
        int b = create();
        Fence fa = pending();
        Fence fb = pending();
        importFence(a, fa, 0);
        importFence(b, fb, 0);
        var r = Threads.start(() -> await(inMs(10_000), 0, a, b));
        Threads.awaitParked(r);
        fb.signal();
        assertThat(r.get()).isEqualTo(new Waited(0, 1));
        assertThat(syncobj(a).waiterCount()).isZero();
    }

    @Test
    void waitAllReturnsOnceEveryFenceSignalled() throws Exception {
        int a = create();
        int b = (int) create(CREATE_SIGNALED);
        Fence fa = pending();
        importFence(a, fa, 0);
        var r = Threads.start(() -> await(inMs(10_000), WAIT_FLAGS_WAIT_ALL, a, b));
        Threads.awaitParked(r);
        fa.signalWithError(Errno.EIO.negative());
        assertThat(r.get())
                .as("a fence error satisfies the wait; first = the one signalled up front")
                .isEqualTo(new Waited(0, 1));
    }

    @Test
    void anUnsubmittedHandleIsEinvalUnlessWaitingForSubmit() throws Exception {
        int a = create();
        assertThat(await(0, 0, a)).isEqualTo(new Waited(err(Errno.EINVAL), -7));
        assertThat(await(0, WAIT_FLAGS_WAIT_FOR_SUBMIT, a).ret()).isEqualTo(err(Errno.ETIME));
        var r = Threads.start(() -> await(inMs(10_000), WAIT_FLAGS_WAIT_FOR_SUBMIT, a));
        Threads.awaitParked(r);
        Fence f = pending();
        importFence(a, f, 0);
        Threads.awaitParked(r);
        assertThat(r.result()).isNotDone();
        // A reset does not un-capture the fence the waiter already took.
        array(IOCTL_RESET, 0, a);
        f.signal();
        assertThat(r.get().ret()).isZero();
    }

    @Test
    void waitsTimeOutWithEtimeAtTheAbsoluteDeadlineRoundedUpByAJiffy() throws Exception {
        int a = create();
        importFence(a, pending(), 0);
        assertThat(await(0, 0, a).ret()).as("0 polls").isEqualTo(err(Errno.ETIME));
        assertThat(await(-1, 0, a).ret())
                .as("the past (UINT64_MAX as s64) polls")
                .isEqualTo(err(Errno.ETIME));
        var r = Threads.start(() -> await(inMs(10), 0, a));
        Threads.awaitParked(r);
        k.clock.advance(Duration.ofMillis(12));
        Threads.awaitParked(r);
        assertThat(r.result()).as("10 ms is 3 jiffies, plus one").isNotDone();
        k.clock.advance(Duration.ofMillis(4));
        assertThat(r.get().ret()).isEqualTo(err(Errno.ETIME));
        assertThat(DrmSyncobjArrayWait.deadline(k.clock, Long.MAX_VALUE)).isEqualTo(Clock.FOREVER);
    }

    @Test
    void anInterruptedWaitFailsWithEintrAndUnregisters() throws Exception {
        int a = create();
        Fence f = pending();
        importFence(a, f, 0);
        int b = create();
        var r = Threads.start(() -> await(inMs(10_000), WAIT_FLAGS_WAIT_FOR_SUBMIT, a, b));
        Threads.awaitParked(r);
        assertThat(syncobj(b).waiterCount()).isEqualTo(1);
        r.thread().interrupt();
        assertThat(r.get().ret()).isEqualTo(err(Errno.EINTR));
        assertThat(syncobj(b).waiterCount()).isZero();
        f.signal();
    }

    @Test
    void theDeadlineHintReachesTheFences() {
        List<Long> hints = new ArrayList<>();
        Fence f = TestFences.fence(k.clock, TestFences.deadlines("d", "t", (x, ns) -> hints.add(ns)));
        int a = create();
        importFence(a, f, 0);
        long hp = handles(a);
        var r = k.call(
                fd, IOCTL_WAIT, b -> new DrmSyncobjWait(hp, 0, 1, WAIT_FLAGS_WAIT_DEADLINE, 0, 0, 12345).write(b));
        assertThat(r.ret()).isEqualTo(err(Errno.ETIME));
        assertThat(hints).containsExactly(12345L);
        // The older 32-byte struct has no deadline: it reads as 0.
        var old = k.call(
                fd, IOCTL_WAIT_V1, b -> new DrmSyncobjWait(hp, 0, 1, WAIT_FLAGS_WAIT_DEADLINE, 0, 0, 0).write(b));
        assertThat(old.ret()).isEqualTo(err(Errno.ETIME));
        assertThat(hints).containsExactly(12345L, 0L);
    }

    // ---------------------------------------------------------------- timelines

    @Test
    void timelineSignalQueryAndWaitAvailable() throws Exception {
        int t = create();
        assertThat(query(t, 0)).isZero();
        Fence f1 = pending();
        assertThat(importFence(t, f1, 1)).isZero();
        assertThat(query(t, 0)).isZero();
        assertThat(query(t, QUERY_FLAGS_LAST_SUBMITTED)).isEqualTo(1);
        assertThat(timelineWait(0, WAIT_FLAGS_WAIT_AVAILABLE, new int[] {t}, new long[] {1}))
                .isZero();
        assertThat(timelineWait(0, 0, new int[] {t}, new long[] {1})).isEqualTo(err(Errno.ETIME));
        assertThat(timelineWait(0, 0, new int[] {t}, new long[] {2})).isEqualTo(err(Errno.EINVAL));
        var r = Threads.start(
                () -> timelineWait(inMs(10_000), WAIT_FLAGS_WAIT_FOR_SUBMIT, new int[] {t}, new long[] {3}));
        Threads.awaitParked(r);
        assertThat(timelineSignal(new int[] {t}, new long[] {3})).isZero();
        Threads.awaitParked(r);
        assertThat(r.result()).as("point 3 waits for point 1").isNotDone();
        f1.signal();
        assertThat(r.get()).isZero();
        assertThat(query(t, 0)).isEqualTo(3);
    }

    @Test
    void timelineSignalAndQueryChecks() {
        int t = create();
        long hp = handles(t);
        assertThat(k.call(fd, IOCTL_TIMELINE_SIGNAL, b -> new DrmSyncobjTimelineArray(hp, 0, 1, 1).write(b))
                        .ret())
                .isEqualTo(err(Errno.EINVAL));
        assertThat(timelineSignal(new int[] {}, null)).isEqualTo(err(Errno.EINVAL));
        assertThat(timelineSignal(new int[] {t, 9}, null)).isEqualTo(err(Errno.ENOENT));
        assertThat(timelineSignal(new int[] {t}, null))
                .as("NULL points: point 0")
                .isZero();
        assertThat(await(0, 0, t).ret()).as("point 0 acts as a binary signal").isZero();
        assertThat(query(t, 2)).isEqualTo(err(Errno.EINVAL));
        assertThat(k.call(fd, IOCTL_QUERY, b -> new DrmSyncobjTimelineArray(hp, 0, 1, 0).write(b))
                        .ret())
                .as("no room for the answer")
                .isEqualTo(err(Errno.EFAULT));
    }

    @Test
    void anExportedPointImportsAsAPointOfAnotherTimeline() {
        int src = create();
        int dst = create();
        Fence f = pending();
        importFence(src, f, 1);
        int sf = (int) handleToFd(src, HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE | HANDLE_TO_FD_FLAGS_TIMELINE, 1);
        int flags = FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE | FD_TO_HANDLE_FLAGS_TIMELINE;
        assertThat(handleCall(IOCTL_FD_TO_HANDLE, new DrmSyncobjHandle(dst, flags, sf, 0, 7))
                        .ret())
                .isZero();
        assertThat(query(dst, QUERY_FLAGS_LAST_SUBMITTED)).isEqualTo(7);
        assertThat(query(dst, 0)).isZero();
        f.signal();
        assertThat(query(dst, 0)).isEqualTo(7);
    }

    @Test
    void transferChecksPadThenDestinationThenFlagsThenSource() {
        int t = create();
        int b = (int) create(CREATE_SIGNALED);
        assertThat(transfer(b, 0, t, 1, 0, 1)).isEqualTo(err(Errno.EINVAL));
        assertThat(transfer(99, 0, 98, 1, 0xff, 0)).as("destination first").isEqualTo(err(Errno.ENOENT));
        assertThat(transfer(99, 0, t, 1, 0xff, 0)).as("flags before the source").isEqualTo(err(Errno.EINVAL));
        assertThat(transfer(99, 0, t, 1, 0, 0)).isEqualTo(err(Errno.ENOENT));
        assertThat(transfer(t, 1, b, 0, 0, 0)).as("an unsubmitted source point").isEqualTo(err(Errno.EINVAL));
        assertThat(transfer(b, 0, t, 1, 0, 0)).isZero();
        assertThat(query(t, 0)).isEqualTo(1);
        assertThat(transfer(t, 1, t, 3, 0, 0)).isZero();
        assertThat(query(t, 0)).isEqualTo(3);
        int bin = create();
        assertThat(transfer(t, 3, bin, 0, 0, 0)).isZero();
        assertThat(await(0, 0, bin).ret()).isZero();
    }

    // ---------------------------------------------------------------- eventfd

    @Test
    void eventfdChecksAndFiresOnce() {
        Counter wait = new Counter();
        Counter avail = new Counter();
        int efWait = eventfdFd(wait);
        int efAvail = eventfdFd(avail);
        int h = create();
        assertThat(eventfd(h, 0, 0xdeadbeef, efWait, 0)).isEqualTo(err(Errno.EINVAL));
        assertThat(eventfd(h, 0, 0, efWait, 1)).isEqualTo(err(Errno.EINVAL));
        assertThat(eventfd(0, 0, 0, efWait, 0)).isEqualTo(err(Errno.ENOENT));
        assertThat(eventfd(h, 0, 0, 999, 0)).isEqualTo(err(Errno.EBADF));
        assertThat(eventfd(h, 0, 0, fd, 0)).as("not an eventfd").isEqualTo(err(Errno.EINVAL));
        assertThat(eventfd(h, 1, 0, efWait, 0)).isZero();
        assertThat(eventfd(h, 1, WAIT_FLAGS_WAIT_AVAILABLE, efAvail, 0)).isZero();
        Fence f = pending();
        importFence(h, f, 1);
        assertThat(avail.count.get()).isEqualTo(1);
        assertThat(wait.count.get()).isZero();
        f.signal();
        assertThat(wait.count.get()).isEqualTo(1);
        timelineSignal(new int[] {h}, new long[] {2});
        assertThat(wait.count.get() + avail.count.get()).as("one-shot").isEqualTo(2);
    }
}
