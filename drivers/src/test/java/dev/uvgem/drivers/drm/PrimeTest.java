package dev.uvgem.drivers.drm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.dmabuf.DmaBuf;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.drivers.vgem.VgemDriver;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import org.junit.jupiter.api.Test;

class PrimeTest {
    private final DrmTestKit k = new DrmTestKit();

    private DmaBuf buf(long fd) {
        return DmaBuf.fromFile(k.task.file((int) fd));
    }

    @Test
    void exportFlagsAreChecked() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        assertThat(k.exportFd(fd, h, 0x1)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.exportFd(fd, h, OpenFile.O_NONBLOCK)).isEqualTo(Errno.EINVAL.negative());
        // Flags are checked before the handle.
        assertThat(k.exportFd(fd, 99, 0x4)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.exportFd(fd, 99, Drm.CLOEXEC)).isEqualTo(Errno.ENOENT.negative());
    }

    @Test
    void exportFileFlagsAreTheAccessModeOnly() {
        int fd = k.openCard();
        long ro = k.exportFd(fd, k.createBo(fd), Drm.CLOEXEC);
        long rw = k.exportFd(fd, k.createBo(fd), Drm.CLOEXEC | Drm.RDWR);
        long plain = k.exportFd(fd, k.createBo(fd), 0);
        assertThat(k.task.file((int) ro).flags()).isEqualTo(OpenFile.O_RDONLY);
        assertThat(k.task.file((int) rw).flags()).isEqualTo(OpenFile.O_RDWR);
        assertThat(k.task.fdFlags((int) ro)).isEqualTo(OpenFile.O_CLOEXEC);
        assertThat(k.task.fdFlags((int) plain)).isZero();
        assertThat(buf(ro).exporterName()).isEqualTo("drm");
        assertThat(buf(ro).size()).isEqualTo(4096);
    }

    @Test
    void reExportReturnsTheSameDmaBuf() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        long a = k.exportFd(fd, h, Drm.CLOEXEC);
        long b = k.exportFd(fd, h, Drm.CLOEXEC | Drm.RDWR);
        assertThat(a).isNotEqualTo(b);
        assertThat(k.task.file((int) a)).isSameAs(k.task.file((int) b));
        // The access mode stays the first export's.
        assertThat(k.task.file((int) b).flags()).isEqualTo(OpenFile.O_RDONLY);
        assertThat(k.dmaBufs.count()).isEqualTo(1);
    }

    @Test
    void importOfOwnExportReturnsTheSameHandle() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        long dmabuf = k.exportFd(fd, h, Drm.CLOEXEC);
        assertThat(k.importFd(fd, (int) dmabuf)).isEqualTo(h);
        assertThat(k.importFd(fd, (int) dmabuf)).isEqualTo(h);
        assertThat(k.drmFile(fd).handleCount()).isEqualTo(1);
    }

    @Test
    void importInAnotherFileReusesTheObject() {
        int a = k.openCard();
        int b = k.openRender();
        int h = k.createBo(a);
        GemObject obj = k.drmFile(a).lookup(h);
        obj.put();
        long dmabuf = k.exportFd(a, h, Drm.CLOEXEC);
        long hb = k.importFd(b, (int) dmabuf);
        assertThat(hb).isEqualTo(1);
        assertThat(k.importFd(b, (int) dmabuf)).isEqualTo(hb);
        GemObject same = k.drmFile(b).lookup((int) hb);
        assertThat(same).isSameAs(obj);
        same.put();
        assertThat(obj.handleCount()).isEqualTo(2);
        assertThat(k.device.liveObjects()).isEqualTo(1);
        // Re-export from the importing file gives back the same dma-buf.
        long again = k.exportFd(b, (int) hb, 0);
        assertThat(k.task.file((int) again)).isSameAs(k.task.file((int) dmabuf));
    }

    @Test
    void importErrors() {
        int fd = k.openCard();
        assertThat(k.importFd(fd, 77)).isEqualTo(Errno.EBADF.negative());
        assertThat(k.importFd(fd, -1)).isEqualTo(Errno.EBADF.negative());
        assertThat(k.importFd(fd, fd)).isEqualTo(Errno.EINVAL.negative());
    }

    @Test
    void importAfterTheExportingHandleIsClosedFindsTheObjectAgain() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        long dmabuf = k.exportFd(fd, h, Drm.CLOEXEC);
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(k.device.liveObjects()).isEqualTo(1);
        long h2 = k.importFd(fd, (int) dmabuf);
        assertThat(h2).isEqualTo(1);
        // The object holds its dma-buf again: a new export returns the same file.
        long again = k.exportFd(fd, (int) h2, 0);
        assertThat(k.task.file((int) again)).isSameAs(k.task.file((int) dmabuf));
    }

    @Test
    void foreignImportWrapsTheBufferAndSharesMemoryAndFences() {
        DrmDevice other = new DrmDevice(new VgemDriver(k.clock), k.allocator, k.dmaBufs, 1);
        int fd = k.openCard();
        int ofd = k.task.install(other.primary().open(OpenFile.O_RDWR, k.task), 0);
        int h = k.createBo(fd);
        long dmabuf = k.exportFd(fd, h, Drm.CLOEXEC | Drm.RDWR);
        long oh = k.importFd(ofd, (int) dmabuf);
        assertThat(oh).isEqualTo(1);
        assertThat(k.importFd(ofd, (int) dmabuf)).isEqualTo(oh);
        GemObject mine = k.drmFile(fd).lookup(h);
        GemObject theirs = k.drmFile(ofd).lookup((int) oh);
        try {
            assertThat(theirs).isNotSameAs(mine);
            assertThat(theirs.isImported()).isTrue();
            assertThat(theirs.device()).isSameAs(other);
            assertThat(theirs.memory()).isSameAs(mine.memory());
            assertThat(theirs.resv()).isSameAs(mine.resv());
            assertThat(theirs.size()).isEqualTo(mine.size());
            assertThat(buf(dmabuf).attachmentCount()).isEqualTo(1);
        } finally {
            mine.put();
            theirs.put();
        }
        // Imported objects cannot be mapped through the device.
        assertThat(k.mapDumb(ofd, (int) oh)).isEqualTo(Errno.EINVAL.negative());
        // A fence attached on the importer is seen by the exporter's object.
        long fence = k.attach(ofd, (int) oh, 1);
        assertThat(fence).isEqualTo(1);
        assertThat(k.attach(fd, h, 0)).isEqualTo(Errno.EBUSY.negative());
        Fence[] fences = buf(dmabuf).resv().getFences(ResvUsage.WRITE);
        assertThat(fences).hasSize(1);
        assertThat(k.signal(ofd, 1)).isZero();
        // Re-export from the importer returns the original dma-buf.
        long re = k.exportFd(ofd, (int) oh, 0);
        assertThat(k.task.file((int) re)).isSameAs(k.task.file((int) dmabuf));
        // Dropping the import detaches it.
        assertThat(k.gemClose(ofd, (int) oh)).isZero();
        assertThat(other.liveObjects()).isZero();
        assertThat(buf(dmabuf).attachmentCount()).isZero();
    }

    @Test
    void gemCloseDropsThePrimeCacheEntry() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        long dmabuf = k.exportFd(fd, h, 0);
        assertThat(k.drmFile(fd).primeCacheSize()).isEqualTo(1);
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(k.drmFile(fd).primeCacheSize()).isZero();
        // The dma-buf fd is still the only reference: file refs = fd only.
        assertThat(k.task.file((int) dmabuf).refCount()).isEqualTo(1);
    }

    @Test
    void exportFailingForLackOfFdsLeavesNoLeak() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        k.task.setMaxFds(k.task.openFds() + 3);
        assertThat(k.exportFd(fd, h, 0)).isEqualTo(Errno.EMFILE.negative());
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(k.dmaBufs.count()).isZero();
        assertThat(k.device.liveObjects()).isZero();
    }
}
