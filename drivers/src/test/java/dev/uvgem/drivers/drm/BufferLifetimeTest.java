package dev.uvgem.drivers.drm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.testsupport.CountingMemory;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Mman;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class BufferLifetimeTest {
    private final DrmTestKit k = new DrmTestKit();

    private void assertAllFreedOnce() {
        assertThat(k.device.liveObjects()).isZero();
        assertThat(k.dmaBufs.count()).isZero();
        assertThat(k.allocator.all())
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m.frees).hasValue(1));
    }

    /** IGT vgem_basic mmap: the mapping outlives the handle. */
    @Test
    void mmap() {
        int fd = k.openCard();
        int h = k.createBo(fd, 1024, 1024, 32);
        long offset = k.mapDumb(fd, h);
        Mapping map = k.mmap(fd, offset, 4 << 20, Mman.PROT_WRITE | Mman.PROT_READ);
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(k.device.liveObjects()).isEqualTo(1);
        for (int i = 0; i < 1024; i++) {
            map.segment().setAtIndex(ValueLayout.JAVA_INT, i, 0);
        }
        map.close();
        assertThat(k.device.liveObjects()).isZero();
        k.task.close(fd);
        assertAllFreedOnce();
    }

    /** IGT vgem_basic dmabuf-mmap: dma-buf and device mappings alias, and survive closing their fds. */
    @Test
    void dmabufMmap() {
        int fd = k.openCard();
        int h = k.createBo(fd, 1024, 1024, 32);
        long dmabuf = k.exportFd(fd, h, Drm.CLOEXEC | Drm.RDWR);
        Mapping w = k.mmap((int) dmabuf, 0, 4 << 20, Mman.PROT_WRITE);
        k.task.close((int) dmabuf);
        for (int i = 0; i < 1024; i++) {
            w.segment().setAtIndex(ValueLayout.JAVA_INT, i, i);
        }
        w.close();
        Mapping r = k.mmap(fd, k.mapDumb(fd, h), 4 << 20, Mman.PROT_READ);
        assertThat(k.gemClose(fd, h)).isZero();
        for (int i = 0; i < 1024; i++) {
            assertThat(r.segment().getAtIndex(ValueLayout.JAVA_INT, i)).isEqualTo(i);
        }
        r.close();
        k.task.close(fd);
        assertAllFreedOnce();
    }

    /** The lifetime model of IGT vgem_basic unload: dma-buf fds and mappings keep the exporter alive. */
    @Test
    void dmabufAndMappingKeepTheObjectAfterTheDeviceIsClosed() {
        int fd = k.openCard();
        int h = k.createBo(fd, 1024, 1, 32);
        long dmabuf = k.exportFd(fd, h, Drm.CLOEXEC);
        k.task.close(fd);
        assertThat(k.device.openFiles()).isZero();
        assertThat(k.device.liveObjects()).isEqualTo(1);
        k.task.close((int) dmabuf);
        assertAllFreedOnce();

        DrmTestKit k2 = new DrmTestKit();
        int fd2 = k2.openCard();
        long rw = k2.exportFd(fd2, k2.createBo(fd2, 1024, 1, 32), Drm.CLOEXEC | Drm.RDWR);
        k2.task.close(fd2);
        Mapping m = k2.mmap((int) rw, 0, 4096, Mman.PROT_WRITE);
        k2.task.close((int) rw);
        assertThat(k2.device.liveObjects()).isEqualTo(1);
        assertThat(k2.dmaBufs.count()).isEqualTo(1);
        m.segment().set(ValueLayout.JAVA_INT, 0, 1);
        m.close();
        assertThat(k2.device.liveObjects()).isZero();
        assertThat(k2.dmaBufs.count()).isZero();
        assertThat(k2.allocator.all()).allSatisfy(c -> assertThat(c.frees).hasValue(1));
    }

    @Test
    void objectIsFreedOnlyAfterHandleDmaBufAndMappingAreAllGone() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        long dmabuf = k.exportFd(fd, h, Drm.RDWR);
        Mapping m = k.mmap(fd, k.mapDumb(fd, h), 4096, Mman.PROT_READ | Mman.PROT_WRITE);
        CountingMemory mem = k.allocator.all().getFirst();
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(k.device.liveObjects()).isEqualTo(1);
        k.task.close((int) dmabuf);
        assertThat(k.device.liveObjects()).isEqualTo(1);
        assertThat(mem.isFreed()).isFalse();
        m.close();
        assertThat(k.device.liveObjects()).isZero();
        assertThat(mem.frees).hasValue(1);
        m.close();
        assertThat(mem.frees).hasValue(1);
    }

    @Test
    void deviceMappingHoldsTheDrmFileOpen() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        Mapping m = k.mmap(fd, k.mapDumb(fd, h), 4096, Mman.PROT_READ);
        k.task.close(fd);
        assertThat(k.device.openFiles()).isEqualTo(1);
        m.close();
        assertThat(k.device.openFiles()).isZero();
        assertAllFreedOnce();
    }

    @Test
    void deviceMmapErrors() {
        int fd = k.openCard();
        int other = k.openRender();
        int h = k.createBo(fd, 1024, 2, 32);
        long off = k.mapDumb(fd, h);
        // Not a known offset, not page aligned, too long, not at the start of the object.
        assertThat(k.mmapErr(fd, 0, 4096, Mman.PROT_READ)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.mmapErr(fd, off + 1, 4096, Mman.PROT_READ)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.mmapErr(fd, off, 3 * 4096, Mman.PROT_READ)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.mmapErr(fd, off + 4096, 4096, Mman.PROT_READ)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.mmapErr(fd, off, 0, Mman.PROT_READ)).isEqualTo(Errno.EINVAL.negative());
        // A shorter mapping from the start is fine.
        assertThat(k.mmapErr(fd, off, 100, Mman.PROT_READ)).isZero();
        // A file that never had a handle to the object may not map it.
        assertThat(k.mmapErr(other, off, 4096, Mman.PROT_READ)).isEqualTo(Errno.EACCES.negative());
        // Nor may the owner once its handle is gone.
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(k.mmapErr(fd, off, 4096, Mman.PROT_READ)).isEqualTo(Errno.EINVAL.negative());
    }

    @Test
    void mappingsSeeZeroedMemory() {
        int fd = k.openCard();
        int h = k.createBo(fd, 1024, 4, 32);
        try (Mapping m = k.mmap(fd, k.mapDumb(fd, h), 16384, Mman.PROT_READ)) {
            assertThat(m.segment().byteSize()).isEqualTo(16384);
            for (long i = 0; i < 16384; i += 8) {
                assertThat(m.segment().get(ValueLayout.JAVA_LONG, i)).isZero();
            }
        }
    }
}
