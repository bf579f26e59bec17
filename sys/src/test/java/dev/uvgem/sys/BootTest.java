package dev.uvgem.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.ModeMapDumb;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootTest {
    @TempDir
    Path dir;

    @Test
    void theEmbeddedDefaultKeepsBuffersInThisJvm() {
        try (Kernel kernel = Boot.kernel(KernelConfig.defaults(new VirtualClock()))) {
            Process p = kernel.spawn("test", false);
            int card = (int) p.open(Boot.CARD0, Process.O_RDWR);
            long address = p.mmap(card, mapDumb(p, card, createDumb(p, card)), 4096, Process.PROT_READ);
            assertThat(p.mapping(address).backingFile()).isNull();
        }
    }

    @Test
    void fileBackedMemoryNamesItsFileOnBothMmapPathsAndRemovesItOnFree() throws IOException {
        Boot.Booted booted =
                Boot.kernelWithDevices(KernelConfig.defaults(new VirtualClock()), BufferAllocator.files(dir));
        try (Kernel kernel = booted.kernel()) {
            Process p = kernel.spawn("test", false);
            int card = (int) p.open(Boot.CARD0, Process.O_RDWR);
            int handle = createDumb(p, card);
            Mapping gem = p.mapping(p.mmap(card, mapDumb(p, card, handle), 8192, Process.PROT_READ));
            int dmabuf = export(p, card, handle);
            Mapping dma = p.mapping(p.mmap(dmabuf, 4096, 4096, Process.PROT_READ | Process.PROT_WRITE));

            assertThat(gem.backingFile()).isNotNull().hasParent(dir);
            assertThat(dma.backingFile()).isEqualTo(gem.backingFile());
            assertThat(gem.backingOffset()).isZero();
            assertThat(dma.backingOffset()).isEqualTo(4096);
            dma.segment().set(ValueLayout.JAVA_INT, 0, 0x1234);
            assertThat(gem.segment().get(ValueLayout.JAVA_INT, 4096)).isEqualTo(0x1234);

            p.exit();
            assertThat(booted.devices().vgem().liveObjects()).isZero();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).isEmpty();
            }
        }
    }

    static int createDumb(Process p, int card) {
        byte[] arg = new byte[ModeCreateDumb.SIZE];
        new ModeCreateDumb(2, 4096 / 4, 32, 0, 0, 0, 0).write(le(arg));
        assertThat(p.ioctl(card, Drm.IOCTL_MODE_CREATE_DUMB, arg, null)).isZero();
        return ModeCreateDumb.read(le(arg)).handle();
    }

    static long mapDumb(Process p, int card, int handle) {
        byte[] arg = new byte[ModeMapDumb.SIZE];
        new ModeMapDumb(handle, 0, 0).write(le(arg));
        assertThat(p.ioctl(card, Drm.IOCTL_MODE_MAP_DUMB, arg, null)).isZero();
        return ModeMapDumb.read(le(arg)).offset();
    }

    static int export(Process p, int card, int handle) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(handle, Drm.RDWR, -1).write(le(arg));
        assertThat(p.ioctl(card, Drm.IOCTL_PRIME_HANDLE_TO_FD, arg, null)).isZero();
        return DrmPrimeHandle.read(le(arg)).fd();
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
