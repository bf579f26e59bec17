package dev.uvgem.core.syncfile;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static dev.uvgem.core.testsupport.TestTask.arg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.container.FenceUnwrap;
import dev.uvgem.core.testsupport.TestFences;
import dev.uvgem.core.testsupport.TestTask;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.CString;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.SyncFenceInfo;
import dev.uvgem.uapi.SyncFileInfo;
import dev.uvgem.uapi.SyncIoctl;
import dev.uvgem.uapi.SyncMergeData;
import dev.uvgem.uapi.SyncSetDeadline;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SyncFileTest {
    private final VirtualClock clock = new VirtualClock();
    private final TestTask task = new TestTask("sync_file_test");

    private Fence fence(String driver, String timeline, long seqno) {
        return Fence.create(clock, driver, timeline, FenceContext.allocate(), seqno);
    }

    private Fence fence() {
        return fence("drv", "tl", 1);
    }

    private int install(Fence f) {
        return task.install(SyncFile.open(f), OpenFile.O_CLOEXEC);
    }

    /** FILE_INFO, first call: count only. */
    private SyncFileInfo count(int fd) {
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        assertThat(task.ioctl(fd, SyncIoctl.FILE_INFO, a)).isZero();
        return SyncFileInfo.read(a);
    }

    /** FILE_INFO, second call: room for {@code capacity} entries at a fresh user address. */
    private SyncFileInfo info(int fd, int capacity, List<SyncFenceInfo> out) {
        long ptr = task.alloc(Math.max(1, capacity) * SyncFenceInfo.SIZE);
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 0, capacity, 0, ptr).write(a);
        assertThat(task.ioctl(fd, SyncIoctl.FILE_INFO, a)).isZero();
        SyncFileInfo info = SyncFileInfo.read(a);
        ByteBuffer user = task.userBytes(ptr, capacity * SyncFenceInfo.SIZE);
        for (int i = 0; i < info.numFences(); i++) {
            out.add(SyncFenceInfo.read(
                    user.slice(i * SyncFenceInfo.SIZE, SyncFenceInfo.SIZE).order(user.order())));
        }
        return info;
    }

    private List<SyncFenceInfo> entries(int fd) {
        List<SyncFenceInfo> out = new ArrayList<>();
        SyncFileInfo c = count(fd);
        info(fd, c.numFences(), out);
        return out;
    }

    // ---- creation and lookup

    @Test
    void aSyncFileIsAReadOnlyFileHoldingItsFence() {
        Fence f = fence();
        SyncFile sf = SyncFile.create(f);
        assertThat(sf.fence()).isSameAs(f);
        assertThat(sf.file().flags() & OpenFile.O_ACCMODE).isEqualTo(OpenFile.O_RDONLY);
        assertThat(SyncFile.fromFile(sf.file())).isSameAs(sf);
        assertThat(sf.file().refCount()).isEqualTo(1);
    }

    @Test
    void fromFileAndFromFdRecogniseOnlySyncFiles() {
        OpenFile other = new OpenFile(new FileOps() {}, new Object(), OpenFile.O_RDWR);
        int otherFd = task.install(other, 0);
        assertThat(SyncFile.fromFile(other)).isNull();
        assertThat(SyncFile.fromFile(null)).isNull();
        assertThat(SyncFile.fromFd(task, otherFd)).isNull();
        assertThat(SyncFile.fromFd(task, 77)).isNull();
        assertThat(SyncFile.fromFd(task, -1)).isNull();
        Fence f = fence();
        int fd = install(f);
        assertThat(SyncFile.getFence(task, fd)).isSameAs(f);
        assertThat(SyncFile.getFence(task, otherFd)).isNull();
    }

    // ---- names

    @Test
    void nameIsDriverTimelineContextSeqno() {
        Fence f = fence("vgem", "unbound", 1);
        SyncFile sf = SyncFile.create(f);
        assertThat(sf.name()).isEqualTo("vgem-unbound" + f.context() + "-1");
    }

    @Test
    void nameOfASignalledFenceUsesTheDetachedNamesCutTo31() {
        Fence f = fence("vgem", "unbound", 1);
        SyncFile sf = SyncFile.create(f);
        f.signal();
        assertThat(sf.name()).isEqualTo("detached-driver-signaled-timeli");
        assertThat(SyncFile.create(Fence.stub()).name()).isEqualTo("detached-driver-signaled-timeli");
    }

    @Test
    void nameIsCutTo31Bytes() {
        SyncFile sf = SyncFile.create(fence("a-rather-long-driver", "and-a-long-timeline", 5));
        assertThat(sf.name()).hasSize(31).startsWith("a-rather-long-driver-and-a-long");
    }

    @Test
    void nameShowsTheSeqnoSignedAndTheContextUnsigned() {
        Fence f = Fence.create(clock, "d", "t", -1L, -2L);
        assertThat(SyncFile.create(f).name()).isEqualTo("d-t18446744073709551615--2");
    }

    @Test
    void fileInfoReportsTheName() {
        Fence f = fence("vgem", "unbound", 3);
        int fd = install(f);
        assertThat(count(fd).name()).isEqualTo("vgem-unbound" + f.context() + "-3");
    }

    @Test
    void fileInfoNameKeepsTheBytesAfterItsNul() {
        int fd = install(fence("d", "t", 1));
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        for (int i = 0; i < 32; i++) {
            a.put(i, (byte) 'z');
        }
        task.ioctl(fd, SyncIoctl.FILE_INFO, a);
        String name = SyncFileInfo.read(a).name();
        assertThat(a.get(name.length())).isZero();
        assertThat(a.get(31)).isEqualTo((byte) 'z');
    }

    // ---- FILE_INFO

    @Test
    void fileInfoCountCallReportsTheStatusAndWritesNoArray() {
        Fence f = fence();
        int fd = install(f);
        SyncFileInfo c = count(fd);
        assertThat(c.numFences()).isEqualTo(1);
        assertThat(c.status()).isZero();
        f.signalWithError(-5);
        assertThat(count(fd).status()).isEqualTo(-5);
    }

    @Test
    void fileInfoCountCallIgnoresTheArrayPointer() {
        int fd = install(fence());
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 0, 0, 0, 0xdead_0000L).write(a);
        assertThat(task.ioctl(fd, SyncIoctl.FILE_INFO, a)).isZero();
        assertThat(SyncFileInfo.read(a).syncFenceInfo()).isEqualTo(0xdead_0000L);
    }

    @Test
    void fileInfoSecondCallFillsTheEntries() {
        Fence f = fence("drv", "line", 4);
        int fd = install(f);
        List<SyncFenceInfo> out = new ArrayList<>();
        SyncFileInfo i = info(fd, 1, out);
        assertThat(i.numFences()).isEqualTo(1);
        assertThat(i.status()).isZero();
        assertThat(out).containsExactly(new SyncFenceInfo("line", "drv", 0, 0, 0));
        clock.advanceNanos(77);
        f.signal();
        out.clear();
        i = info(fd, 1, out);
        assertThat(i.status()).isEqualTo(1);
        assertThat(out)
                .containsExactly(new SyncFenceInfo("signaled-timeline", "detached-driver", 1, 0, clock.nanoTime()));
    }

    @Test
    void fileInfoWithRoomForMoreWritesOnlyTheFences() {
        int fd = install(fence());
        long ptr = task.alloc(3 * SyncFenceInfo.SIZE);
        byte[] marker = new byte[SyncFenceInfo.SIZE];
        Arrays.fill(marker, (byte) 0x5a);
        task.user().write(ptr + SyncFenceInfo.SIZE, marker);
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 0, 3, 0, ptr).write(a);
        task.ioctl(fd, SyncIoctl.FILE_INFO, a);
        assertThat(SyncFileInfo.read(a).numFences()).isEqualTo(1);
        assertThat(task.user().read(ptr + SyncFenceInfo.SIZE, SyncFenceInfo.SIZE))
                .isEqualTo(marker);
    }

    @Test
    void fileInfoNumFencesIsUnsigned() {
        int fd = install(fence());
        long ptr = task.alloc(SyncFenceInfo.SIZE);
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 0, -1, 0, ptr).write(a);
        assertThat(task.ioctl(fd, SyncIoctl.FILE_INFO, a)).isZero();
        assertThat(SyncFileInfo.read(a).numFences()).isEqualTo(1);
    }

    @Test
    void fileInfoRejectsFlagsAndPad() {
        int fd = install(fence());
        ByteBuffer flags = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 1, 0, 0, 0).write(flags);
        assertErrno(Errno.EINVAL, () -> task.ioctl(fd, SyncIoctl.FILE_INFO, flags));
        ByteBuffer pad = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 0, 0, 1, 0).write(pad);
        assertErrno(Errno.EINVAL, () -> task.ioctl(fd, SyncIoctl.FILE_INFO, pad));
    }

    @Test
    void fileInfoWithABadArrayPointerIsEfault() {
        int fd = install(fence());
        ByteBuffer nul = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 0, 1, 0, 0).write(nul);
        assertErrno(Errno.EFAULT, () -> task.ioctl(fd, SyncIoctl.FILE_INFO, nul));
        ByteBuffer wild = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 0, 1, 0, 0x7fff_0000_0000L).write(wild);
        assertErrno(Errno.EFAULT, () -> task.ioctl(fd, SyncIoctl.FILE_INFO, wild));
    }

    @Test
    void fileInfoReadsAPassedFenceAsSignalledWithItsNamesFirst() {
        AtomicLong done = new AtomicLong();
        Fence f = polledFence(done);
        int fd = install(f);
        done.set(1);
        List<SyncFenceInfo> out = new ArrayList<>();
        SyncFileInfo i = info(fd, 1, out);
        // names are read before the status read signals it
        assertThat(out.getFirst().objName()).isEqualTo("polled");
        assertThat(out.getFirst().status()).isEqualTo(1);
        assertThat(out.getFirst().timestampNs()).isEqualTo(clock.nanoTime());
        assertThat(i.status()).isEqualTo(1);
    }

    // ---- MERGE

    private int merge(int fd, int fd2, String name) {
        ByteBuffer a = arg(SyncMergeData.SIZE);
        new SyncMergeData(name, fd2, -1, 0, 0).write(a);
        assertThat(task.ioctl(fd, SyncIoctl.MERGE, a)).isZero();
        return SyncMergeData.read(a).fence();
    }

    private int merge(int fd, int fd2) {
        return merge(fd, fd2, "");
    }

    @Test
    void mergeInstallsACloseOnExecSyncFileNamedByTheCaller() {
        int a = install(fence());
        int b = install(fence());
        int m = merge(a, b, "together");
        assertThat(task.fdFlags(m)).isEqualTo(OpenFile.O_CLOEXEC);
        SyncFile sf = SyncFile.fromFd(task, m);
        assertThat(sf.userName()).isEqualTo("together");
        assertThat(sf.name()).isEqualTo("together");
        assertThat(count(m).name()).isEqualTo("together");
    }

    @Test
    void mergeForcesTheNameToEndAtByte31() {
        int a = install(fence());
        ByteBuffer arg = arg(SyncMergeData.SIZE);
        new SyncMergeData("", a, -1, 0, 0).write(arg);
        for (int i = 0; i < 32; i++) {
            arg.put(i, (byte) 'n');
        }
        task.ioctl(a, SyncIoctl.MERGE, arg);
        assertThat(arg.get(31)).isZero();
        int m = SyncMergeData.read(arg).fence();
        assertThat(SyncFile.fromFd(task, m).name()).isEqualTo("n".repeat(31));
    }

    @Test
    void mergeWithAnEmptyNameIsNamedAfterItsFence() {
        Fence f1 = fence("d", "t", 1);
        Fence f2 = fence("d", "t", 1);
        int m = merge(install(f1), install(f2));
        Fence merged = SyncFile.getFence(task, m);
        assertThat(count(m).name())
                .isEqualTo(CString.truncate("dma_fence_array-unbound" + merged.context() + "-1", 31));
    }

    @Test
    void mergeRejectsFlagsAndPad() {
        int a = install(fence());
        ByteBuffer flags = arg(SyncMergeData.SIZE);
        new SyncMergeData("", a, -1, 1, 0).write(flags);
        assertErrno(Errno.EINVAL, () -> task.ioctl(a, SyncIoctl.MERGE, flags));
        ByteBuffer pad = arg(SyncMergeData.SIZE);
        new SyncMergeData("", a, -1, 0, 1).write(pad);
        assertErrno(Errno.EINVAL, () -> task.ioctl(a, SyncIoctl.MERGE, pad));
        // flags are checked before fd2
        ByteBuffer both = arg(SyncMergeData.SIZE);
        new SyncMergeData("", -1, -1, 1, 0).write(both);
        assertErrno(Errno.EINVAL, () -> task.ioctl(a, SyncIoctl.MERGE, both));
        assertThat(task.openFds()).isEqualTo(1);
    }

    @Test
    void mergeWithSomethingOtherThanASyncFileIsEnoent() {
        int a = install(fence());
        int other = task.install(new OpenFile(new FileOps() {}, new Object(), OpenFile.O_RDWR), 0);
        int closed = install(fence());
        task.close(closed);
        for (int fd2 : new int[] {-1, other, closed, 1000}) {
            ByteBuffer arg = arg(SyncMergeData.SIZE);
            new SyncMergeData("", fd2, -1, 0, 0).write(arg);
            assertErrno(Errno.ENOENT, () -> task.ioctl(a, SyncIoctl.MERGE, arg));
        }
        assertThat(task.openFds()).isEqualTo(2);
    }

    @Test
    void mergeWithAFullFdTableIsEmfile() {
        TestTask small = new TestTask("small", 1, 4096);
        int a = small.install(SyncFile.open(fence()), 0);
        ByteBuffer arg = arg(SyncMergeData.SIZE);
        new SyncMergeData("", a, -1, 0, 0).write(arg);
        assertErrno(Errno.EMFILE, () -> small.ioctl(a, SyncIoctl.MERGE, arg));
    }

    @Test
    void mergeWithItselfHoldsOneEntry() {
        Fence f = fence();
        int a = install(f);
        int m = merge(a, a);
        assertThat(SyncFile.getFence(task, m)).isSameAs(f);
        assertThat(count(m).numFences()).isEqualTo(1);
    }

    @Test
    void mergeOfOneTimelineKeepsTheLatestPoint() {
        long ctx = FenceContext.allocate();
        Fence p1 = Fence.create(clock, "d", "t", ctx, 1);
        Fence p2 = Fence.create(clock, "d", "t", ctx, 2);
        Fence p3 = Fence.create(clock, "d", "t", ctx, 3);
        int m = merge(install(p1), install(p2));
        m = merge(install(p3), m);
        assertThat(SyncFile.getFence(task, m)).isSameAs(p3);
        p1.signal();
        p2.signal();
        assertThat(entries(m)).extracting(SyncFenceInfo::status).containsExactly(0);
        p3.signal();
        assertThat(entries(m)).extracting(SyncFenceInfo::status).containsExactly(1);
    }

    @Test
    void mergeAcrossTimelinesIsSortedByContext() {
        Fence a = fence("d", "a", 5);
        Fence b = fence("d", "b", 5);
        Fence c = fence("d", "c", 5);
        int m = merge(install(c), install(b));
        m = merge(install(a), m);
        assertThat(entries(m)).extracting(SyncFenceInfo::objName).containsExactly("a", "b", "c");
        assertThat(FenceUnwrap.leaves(SyncFile.getFence(task, m))).containsExactly(a, b, c);
        b.signal();
        assertThat(entries(m)).extracting(SyncFenceInfo::status).containsExactly(0, 1, 0);
        a.signal();
        c.signal();
        assertThat(entries(m)).extracting(SyncFenceInfo::status).containsExactly(1, 1, 1);
    }

    @Test
    void mergeOfSignalledFencesIsASignalledStub() {
        Fence a = fence();
        Fence b = fence();
        clock.advanceNanos(10);
        a.signal();
        clock.advanceNanos(10);
        long latest = clock.nanoTime();
        b.signal();
        clock.advanceNanos(10);
        int m = merge(install(a), install(b));
        Fence merged = SyncFile.getFence(task, m);
        assertThat(merged.context()).isZero();
        assertThat(merged.isSignaled()).isTrue();
        assertThat(merged.timestamp()).isEqualTo(latest);
        assertThat(count(m).status()).isEqualTo(1);
        assertThat(count(m).name()).isEqualTo("detached-driver-signaled-timeli");
        assertThat(entries(m)).containsExactly(new SyncFenceInfo("signaled-timeline", "detached-driver", 1, 0, latest));
    }

    @Test
    void mergeDropsSignalledMembers() {
        Fence done = fence();
        Fence pending = fence();
        done.signal();
        int m = merge(install(done), install(pending));
        assertThat(SyncFile.getFence(task, m)).isSameAs(pending);
    }

    @Test
    void fileInfoWithTooSmallAnArrayIsEinval() {
        int m = merge(install(fence()), install(fence()));
        assertThat(count(m).numFences()).isEqualTo(2);
        long ptr = task.alloc(SyncFenceInfo.SIZE);
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        new SyncFileInfo("", 0, 0, 1, 0, ptr).write(a);
        assertErrno(Errno.EINVAL, () -> task.ioctl(m, SyncIoctl.FILE_INFO, a));
    }

    @Test
    void aggregateStatusIsFrozenByTheFirstMemberNotSignalledOk() {
        Fence a = fence();
        Fence b = fence();
        int m = merge(install(a), install(b));
        b.signalWithError(-5);
        List<SyncFenceInfo> out = new ArrayList<>();
        // [active, error]: the active member comes first and freezes 0
        assertThat(info(m, 2, out).status()).isZero();
        assertThat(out).extracting(SyncFenceInfo::status).containsExactly(0, -5);

        Fence c = fence();
        Fence d = fence();
        int m2 = merge(install(c), install(d));
        c.signalWithError(-62);
        out.clear();
        // [error, active]: the error comes first and stays
        assertThat(info(m2, 2, out).status()).isEqualTo(-62);
        d.signal();
        out.clear();
        assertThat(info(m2, 2, out).status()).isEqualTo(-62);
    }

    @Test
    void aggregateStatusOfAllSignalledIsOne() {
        Fence a = fence();
        Fence b = fence();
        int m = merge(install(a), install(b));
        a.signal();
        b.signal();
        assertThat(info(m, 2, new ArrayList<>()).status()).isEqualTo(1);
    }

    @Test
    void countCallReportsTheContainersOwnStatus() {
        Fence a = fence();
        Fence b = fence();
        int m = merge(install(a), install(b));
        a.signal();
        SyncFileInfo c = count(m);
        assertThat(c.numFences()).isEqualTo(2);
        assertThat(c.status()).isZero();
        b.signal();
        assertThat(count(m).status()).isEqualTo(1);
    }

    @Test
    void pollOfAMergedFileWaitsForAllMembers() {
        Fence a = fence();
        Fence b = fence();
        int m = merge(install(a), install(b));
        OpenFile file = task.file(m);
        AtomicInteger wakes = new AtomicInteger();
        assertThat(SyncFile.fromFile(file).poll(q -> q.add(wakes::incrementAndGet)))
                .isZero();
        a.signal();
        assertThat(file.ops().poll(file, null)).isZero();
        b.signal();
        assertThat(wakes).hasValue(1);
        assertThat(file.ops().poll(file, null)).isEqualTo(PollTable.POLLIN);
    }

    // ---- SET_DEADLINE

    @Test
    void setDeadlineForwardsToTheFence() {
        AtomicLong seen = new AtomicLong();
        Fence f = deadlineFence(seen);
        int fd = install(f);
        ByteBuffer a = arg(SyncSetDeadline.SIZE);
        new SyncSetDeadline(12345, 0).write(a);
        assertThat(task.ioctl(fd, SyncIoctl.SET_DEADLINE, a)).isZero();
        assertThat(seen).hasValue(12345);
    }

    @Test
    void setDeadlineOnASignalledFenceSucceedsAndDoesNothing() {
        AtomicLong seen = new AtomicLong();
        Fence f = deadlineFence(seen);
        f.signal();
        int fd = install(f);
        ByteBuffer a = arg(SyncSetDeadline.SIZE);
        new SyncSetDeadline(12345, 0).write(a);
        assertThat(task.ioctl(fd, SyncIoctl.SET_DEADLINE, a)).isZero();
        assertThat(seen).hasValue(0);
    }

    @Test
    void setDeadlineRejectsPad() {
        int fd = install(fence());
        ByteBuffer a = arg(SyncSetDeadline.SIZE);
        new SyncSetDeadline(1, 1).write(a);
        assertErrno(Errno.EINVAL, () -> task.ioctl(fd, SyncIoctl.SET_DEADLINE, a));
    }

    @Test
    void unknownIoctlIsEnotty() {
        int fd = install(fence());
        assertErrno(Errno.ENOTTY, () -> task.ioctl(fd, 0xC0303E02, arg(48)));
        assertErrno(Errno.ENOTTY, () -> task.ioctl(fd, SyncIoctl.MERGE + 0x10000, arg(49)));
    }

    // ---- poll

    @Test
    void pollIsPollinOnlyOnceSignalled() {
        Fence f = fence();
        SyncFile sf = SyncFile.create(f);
        OpenFile file = sf.file();
        assertThat(file.ops().poll(file, null)).isZero();
        f.signalWithError(-62);
        assertThat(file.ops().poll(file, null)).isEqualTo(PollTable.POLLIN);
    }

    @Test
    void pollArmsOneCallbackThatWakesTheQueue() {
        Fence f = fence();
        SyncFile sf = SyncFile.create(f);
        AtomicInteger wakes = new AtomicInteger();
        List<WaitQueue> queues = new ArrayList<>();
        PollTable table = q -> {
            queues.add(q);
            q.add(wakes::incrementAndGet);
        };
        assertThat(sf.poll(table)).isZero();
        assertThat(sf.poll(null)).isZero();
        assertThat(queues).containsExactly(sf.waitQueue());
        assertThat(f.isSignalingEnabled()).isTrue();
        f.signal();
        assertThat(wakes).hasValue(1);
        assertThat(sf.poll(null)).isEqualTo(PollTable.POLLIN);
    }

    @Test
    void firstPollOfASignalledFenceWakesAtOnce() {
        Fence f = fence();
        f.signal();
        SyncFile sf = SyncFile.create(f);
        AtomicInteger wakes = new AtomicInteger();
        assertThat(sf.poll(q -> q.add(wakes::incrementAndGet))).isEqualTo(PollTable.POLLIN);
        assertThat(wakes).hasValue(1);
    }

    @Test
    void pollOfAPassedFenceSignalsIt() {
        AtomicLong done = new AtomicLong(1);
        Fence f = polledFence(done);
        SyncFile sf = SyncFile.create(f);
        assertThat(sf.poll(null)).isEqualTo(PollTable.POLLIN);
        assertThat(f.isSignaledFlag()).isTrue();
    }

    @Test
    void releaseDisarmsThePollCallback() {
        Fence f = fence();
        SyncFile sf = SyncFile.create(f);
        AtomicInteger wakes = new AtomicInteger();
        sf.poll(q -> q.add(wakes::incrementAndGet));
        sf.file().put();
        f.signal();
        assertThat(wakes).hasValue(0);
    }

    // ---- helpers

    /** A fence whose driver reports completion through the signaled hook once {@code done} is non-zero. */
    private Fence polledFence(AtomicLong done) {
        return TestFences.fence(clock, TestFences.polled("poller", "polled", () -> done.get() != 0));
    }

    /** A fence that records the last deadline hint. */
    private Fence deadlineFence(AtomicLong seen) {
        return TestFences.fence(clock, TestFences.deadlines("dl", "dl", (fence, deadline) -> seen.set(deadline)));
    }
}
