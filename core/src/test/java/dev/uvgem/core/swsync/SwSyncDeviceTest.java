package dev.uvgem.core.swsync;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static dev.uvgem.core.testsupport.TestTask.arg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.testsupport.TestTask;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.SwSyncCreateFenceData;
import dev.uvgem.uapi.SwSyncGetDeadline;
import dev.uvgem.uapi.SwSyncIoctl;
import dev.uvgem.uapi.SyncIoctl;
import dev.uvgem.uapi.SyncSetDeadline;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SwSyncDeviceTest {
    private final VirtualClock clock = new VirtualClock();
    private final SyncDebug debug = new SyncDebug();
    private final SwSyncDevice device = new SwSyncDevice(clock, debug);
    private final TestTask task = new TestTask("sw_sync_test");

    private int openTimeline() {
        return task.install(device.open(OpenFile.O_RDWR, task), 0);
    }

    private int createFence(int tlFd, int value) {
        ByteBuffer a = arg(SwSyncCreateFenceData.SIZE);
        new SwSyncCreateFenceData(value, "ignored", -1).write(a);
        assertThat(task.ioctl(tlFd, SwSyncIoctl.CREATE_FENCE, a)).isZero();
        return SwSyncCreateFenceData.read(a).fence();
    }

    private void inc(int tlFd, int n) {
        ByteBuffer a = arg(4);
        a.putInt(0, n);
        assertThat(task.ioctl(tlFd, SwSyncIoctl.INC, a)).isZero();
    }

    private long getDeadline(int tlFd, SwSyncGetDeadline in) {
        ByteBuffer a = arg(SwSyncGetDeadline.SIZE);
        in.write(a);
        task.ioctl(tlFd, SwSyncIoctl.GET_DEADLINE, a);
        return SwSyncGetDeadline.read(a).deadlineNs();
    }

    private void setDeadline(int fenceFd, long ns) {
        ByteBuffer a = arg(SyncSetDeadline.SIZE);
        new SyncSetDeadline(ns, 0).write(a);
        assertThat(task.ioctl(fenceFd, SyncIoctl.SET_DEADLINE, a)).isZero();
    }

    @Test
    void eachOpenIsANewTimelineNamedAfterTheTask() {
        int a = openTimeline();
        int b = openTimeline();
        SwSyncTimeline ta = SwSyncDevice.fromFile(task.file(a));
        SwSyncTimeline tb = SwSyncDevice.fromFile(task.file(b));
        assertThat(ta).isNotSameAs(tb);
        assertThat(ta.name()).isEqualTo("sw_sync_test");
        assertThat(debug.timelines()).containsExactly(ta, tb);
        assertThat(task.file(a).flags() & OpenFile.O_ACCMODE).isEqualTo(OpenFile.O_RDWR);
    }

    @Test
    void createFenceInstallsACloseOnExecSyncFileOfThePoint() {
        int tl = openTimeline();
        int fd = createFence(tl, 3);
        assertThat(task.fdFlags(fd)).isEqualTo(OpenFile.O_CLOEXEC);
        SyncFile sf = SyncFile.fromFile(task.file(fd));
        assertThat(sf).isNotNull();
        assertThat(sf.fence()).isInstanceOf(SyncPoint.class);
        assertThat(((SyncPoint) sf.fence()).value()).isEqualTo(3);
        assertThat(sf.name()).isEqualTo("sw_sync-sw_sync_test" + sf.fence().context() + "-3");
    }

    @Test
    void createFenceLeavesTheRestOfTheArgumentAlone() {
        int tl = openTimeline();
        ByteBuffer a = arg(SwSyncCreateFenceData.SIZE);
        new SwSyncCreateFenceData(9, "keep me", -1).write(a);
        task.ioctl(tl, SwSyncIoctl.CREATE_FENCE, a);
        SwSyncCreateFenceData out = SwSyncCreateFenceData.read(a);
        assertThat(out.value()).isEqualTo(9);
        assertThat(out.name()).isEqualTo("keep me");
        assertThat(out.fence()).isNotNegative();
    }

    @Test
    void twoFencesOfOneValueShareTheFence() {
        int tl = openTimeline();
        int f1 = createFence(tl, 4);
        int f2 = createFence(tl, 4);
        assertThat(f1).isNotEqualTo(f2);
        assertThat(SyncFile.getFence(task, f1)).isSameAs(SyncFile.getFence(task, f2));
    }

    @Test
    void createFenceWithAFullFdTableIsEmfile() {
        TestTask small = new TestTask("small", 1, 4096);
        int tl = small.install(device.open(OpenFile.O_RDWR, small), 0);
        ByteBuffer a = arg(SwSyncCreateFenceData.SIZE);
        assertErrno(Errno.EMFILE, () -> small.ioctl(tl, SwSyncIoctl.CREATE_FENCE, a));
    }

    @Test
    void incTakesAnUnsignedCount() {
        int tl = openTimeline();
        int fd = createFence(tl, 1_000_000);
        inc(tl, -1);
        assertThat(SwSyncDevice.fromFile(task.file(tl)).value()).isEqualTo(-1);
        assertThat(SyncFile.getFence(task, fd).status()).isEqualTo(1);
    }

    @Test
    void closingTheTimelineFailsPendingFencesWithEnoent() {
        int tl = openTimeline();
        int fd = createFence(tl, 1);
        task.close(tl);
        Fence f = SyncFile.getFence(task, fd);
        assertThat(f.status()).isEqualTo(-2);
    }

    @Test
    void timelineFdSharedByTwoHoldersReleasesOnTheLastClose() {
        int tl = openTimeline();
        int fd = createFence(tl, 1);
        OpenFile extra = task.file(tl).get();
        task.close(tl);
        assertThat(SyncFile.getFence(task, fd).isSignaled()).isFalse();
        extra.put();
        assertThat(SyncFile.getFence(task, fd).status()).isEqualTo(-2);
    }

    @Test
    void unknownIoctlIsEnotty() {
        int tl = openTimeline();
        assertErrno(Errno.ENOTTY, () -> task.ioctl(tl, SwSyncIoctl.INC + 0x10, arg(4)));
        assertErrno(Errno.ENOTTY, () -> task.ioctl(tl, SyncIoctl.FILE_INFO, arg(56)));
    }

    @Test
    void getDeadlineReturnsTheEarliestHint() {
        int tl = openTimeline();
        int fd = createFence(tl, 1);
        setDeadline(fd, 3_000);
        setDeadline(fd, 2_000);
        setDeadline(fd, 5_000);
        assertThat(getDeadline(tl, new SwSyncGetDeadline(0, 0, fd))).isEqualTo(2_000);
    }

    @Test
    void getDeadlineWorksForAPointOfAnotherTimeline() {
        int tl = openTimeline();
        int other = openTimeline();
        int fd = createFence(other, 1);
        setDeadline(fd, 42);
        assertThat(getDeadline(tl, new SwSyncGetDeadline(0, 0, fd))).isEqualTo(42);
    }

    @Test
    void getDeadlineWithoutAHintIsEnoent() {
        int tl = openTimeline();
        int fd = createFence(tl, 1);
        assertErrno(Errno.ENOENT, () -> getDeadline(tl, new SwSyncGetDeadline(0, 0, fd)));
    }

    @Test
    void getDeadlineRejectsNonZeroInputs() {
        int tl = openTimeline();
        int fd = createFence(tl, 1);
        setDeadline(fd, 10);
        assertErrno(Errno.EINVAL, () -> getDeadline(tl, new SwSyncGetDeadline(1, 0, fd)));
        assertErrno(Errno.EINVAL, () -> getDeadline(tl, new SwSyncGetDeadline(0, 1, fd)));
    }

    @Test
    void getDeadlineOnSomethingOtherThanASwSyncSyncFileIsEinval() {
        int tl = openTimeline();
        assertErrno(Errno.EINVAL, () -> getDeadline(tl, new SwSyncGetDeadline(0, 0, -1)));
        assertErrno(Errno.EINVAL, () -> getDeadline(tl, new SwSyncGetDeadline(0, 0, 99)));
        assertErrno(Errno.EINVAL, () -> getDeadline(tl, new SwSyncGetDeadline(0, 0, tl)));
        Fence plain = Fence.create(clock, "drv", "tl", FenceContext.allocate(), 1);
        int fd = task.install(SyncFile.open(plain), 0);
        setDeadline(fd, 10);
        assertErrno(Errno.EINVAL, () -> getDeadline(tl, new SwSyncGetDeadline(0, 0, fd)));
    }
}
