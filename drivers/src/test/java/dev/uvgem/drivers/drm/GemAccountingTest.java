package dev.uvgem.drivers.drm;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.testsupport.TestTask;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.drivers.vgem.VgemDriver;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Buffers and vgem fences are charged to the group of the process that opened the DRM file they were made through,
 * refused with the kernel's errno at each limit, and uncharged exactly once when they go.
 */
class GemAccountingTest {
    static final int PAGE = 4096;

    final DrmTestKit k = new DrmTestKit();
    final Cgroup cg = new Cgroup("1 fake", 2, 4 * PAGE, 1);

    @Test
    void aBufferStaysChargedToItsCreatorUntilItsLastReferenceGoes() {
        k.task.setCgroup(cg);
        int fd = k.openCard();
        int h = k.createBo(fd, 1024, 2, 32);
        assertThat(cg.buffers()).isEqualTo(1);
        assertThat(cg.bufferBytes()).isEqualTo(2 * PAGE);
        int dmabuf = (int) k.exportFd(fd, h, Drm.CLOEXEC);
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(cg.buffers()).as("the dma-buf still holds the object").isEqualTo(1);
        k.task.close(dmabuf);
        assertThat(cg.buffers()).isZero();
        assertThat(cg.bufferBytes()).isZero();
    }

    @Test
    void bytesAreEnomemAndBuffersEnospcExactlyAtTheirLimits() {
        k.task.setCgroup(cg);
        int fd = k.openCard();
        k.createBo(fd, 1024, 2, 32);
        k.createDumb(fd, 1024, 3, 32);
        assertThat(k.lastRet).isEqualTo(Errno.ENOMEM.negative());
        k.createBo(fd, 1024, 1, 32); // 3 of 4 pages, 2 of 2 buffers
        k.createDumb(fd, 1024, 1, 32);
        assertThat(k.lastRet).isEqualTo(Errno.ENOSPC.negative());
        assertThat(cg.buffers()).isEqualTo(2);
        assertThat(cg.bufferBytes()).isEqualTo(3 * PAGE);
        assertThat(k.device.liveObjects()).isEqualTo(2);
        k.task.close(fd);
        assertThat(cg.buffers()).isZero();
        assertThat(cg.bufferBytes()).isZero();
    }

    @Test
    void aFenceIsChargedUntilItSignalsByFenceSignalExpiryOrClose() {
        k.task.setCgroup(cg);
        int fd = k.openCard();
        int a = k.createBo(fd);
        int b = k.createBo(fd);
        long fa = k.attach(fd, a, 0);
        assertThat(cg.fences()).isEqualTo(1);
        assertThat(k.attach(fd, b, 0)).isEqualTo(Errno.ENOSPC.negative());
        assertThat(k.signal(fd, (int) fa)).isZero();
        assertThat(cg.fences()).isZero();

        long fb = k.attach(fd, b, 0);
        assertThat(fb).isPositive();
        k.clock.advance(VgemDriver.DEFAULT_FENCE_TIMEOUT.plus(Duration.ofMillis(1)));
        assertThat(cg.fences()).as("expired").isZero();
        assertThat(k.signal(fd, (int) fb)).isEqualTo(Errno.ETIMEDOUT.negative());

        assertThat(k.attach(fd, a, 0)).isPositive();
        assertThat(cg.fences()).isEqualTo(1);
        k.task.close(fd);
        assertThat(cg.fences()).as("signalled at close").isZero();
    }

    @Test
    void aForeignImportChargesTheImporterOneBufferOfNoBytes() {
        DrmDevice other = new DrmDevice(new VgemDriver(k.clock), k.allocator, k.dmaBufs, 1);
        TestTask importer = TestTask.unprivileged("importer");
        Cgroup theirs = new Cgroup("2 importer", 1, 0, 0);
        importer.setCgroup(theirs);
        k.task.setCgroup(cg);
        int fd = k.openCard();
        int dmabuf = (int) k.exportFd(fd, k.createBo(fd), Drm.CLOEXEC);
        DrmFile importing =
                (DrmFile) other.primary().open(OpenFile.O_RDWR, importer).privateData();

        int handle = DrmPrime.dmaBufToHandle(importing, k.dmaBufs.buffers().getFirst());
        assertThat(handle).isEqualTo(1);
        assertThat(theirs.buffers()).isEqualTo(1);
        assertThat(theirs.bufferBytes()).isZero();
        assertThat(cg.bufferBytes()).isEqualTo(PAGE);

        importing.handleDelete(handle);
        assertThat(theirs.buffers()).isZero();
        assertThat(other.liveObjects()).isZero();
        k.task.close(dmabuf);
    }

    @Test
    void aForeignImportOverTheBufferLimitIsEnospcAndLeavesNoAttachment() {
        DrmDevice other = new DrmDevice(new VgemDriver(k.clock), k.allocator, k.dmaBufs, 1);
        TestTask importer = TestTask.unprivileged("importer");
        importer.setCgroup(new Cgroup("2 importer", 0, 0, 0));
        int fd = k.openCard();
        k.exportFd(fd, k.createBo(fd), Drm.CLOEXEC);
        int ofd = importer.install(other.primary().open(OpenFile.O_RDWR, importer), 0);
        DrmFile importing = (DrmFile) importer.file(ofd).privateData();

        var buf = k.dmaBufs.buffers().getFirst();
        assertErrno(Errno.ENOSPC, () -> DrmPrime.dmaBufToHandle(importing, buf));
        assertThat(buf.attachmentCount()).isZero();
        assertThat(other.liveObjects()).isZero();
    }
}
