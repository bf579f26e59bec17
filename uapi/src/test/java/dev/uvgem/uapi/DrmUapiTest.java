package dev.uvgem.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DrmUapiTest {
    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void drmCoreCodes() {
        assertThat(Drm.IOCTL_VERSION).isEqualTo(0xC0406400);
        assertThat(Drm.IOCTL_SET_VERSION).isEqualTo(0xC0106407);
        assertThat(Drm.IOCTL_GET_CAP).isEqualTo(0xC010640C);
        assertThat(Drm.IOCTL_GEM_CLOSE).isEqualTo(0x40086409);
        assertThat(Drm.IOCTL_PRIME_HANDLE_TO_FD).isEqualTo(0xC00C642D);
        assertThat(Drm.IOCTL_PRIME_FD_TO_HANDLE).isEqualTo(0xC00C642E);
        assertThat(Drm.IOCTL_MODE_CREATE_DUMB).isEqualTo(0xC02064B2);
        assertThat(Drm.IOCTL_MODE_MAP_DUMB).isEqualTo(0xC01064B3);
        assertThat(Drm.IOCTL_MODE_DESTROY_DUMB).isEqualTo(0xC00464B4);
    }

    @Test
    void drmConstants() {
        assertThat(Drm.IOCTL_BASE).isEqualTo(0x64);
        assertThat(Drm.COMMAND_BASE).isEqualTo(0x40);
        assertThat(Drm.COMMAND_END).isEqualTo(0xA0);
        assertThat(Drm.CAP_DUMB_BUFFER).isEqualTo(1);
        assertThat(Drm.CAP_PRIME).isEqualTo(5);
        assertThat(Drm.CAP_TIMESTAMP_MONOTONIC).isEqualTo(6);
        assertThat(Drm.CAP_SYNCOBJ).isEqualTo(0x13);
        assertThat(Drm.CAP_SYNCOBJ_TIMELINE).isEqualTo(0x14);
        assertThat(Drm.PRIME_CAP_IMPORT | Drm.PRIME_CAP_EXPORT).isEqualTo(3);
        assertThat(Drm.CLOEXEC).isEqualTo(0x80000);
        assertThat(Drm.RDWR).isEqualTo(2);
    }

    @Test
    void vgemCodes() {
        assertThat(Vgem.IOCTL_FENCE_ATTACH).isEqualTo(0xC0106441);
        assertThat(Vgem.IOCTL_FENCE_SIGNAL).isEqualTo(0x40086442);
        assertThat(VgemFenceAttach.SIZE).isEqualTo(Ioc.size(Vgem.IOCTL_FENCE_ATTACH));
    }

    @Test
    void dmaBufCodes() {
        assertThat(DmaBufIoctl.IOCTL_SYNC).isEqualTo(0x40086200);
        assertThat(DmaBufIoctl.SET_NAME_A).isEqualTo(0x40046201);
        assertThat(DmaBufIoctl.SET_NAME_B).isEqualTo(0x40086201);
        assertThat(DmaBufIoctl.SET_NAME).isEqualTo(0x40086201);
        assertThat(DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE).isEqualTo(0xC0086202);
        assertThat(DmaBufIoctl.IOCTL_IMPORT_SYNC_FILE).isEqualTo(0x40086203);
        assertThat(DmaBufIoctl.SYNC_READ).isEqualTo(1);
        assertThat(DmaBufIoctl.SYNC_WRITE).isEqualTo(2);
        assertThat(DmaBufIoctl.SYNC_RW).isEqualTo(3);
        assertThat(DmaBufIoctl.SYNC_START).isZero();
        assertThat(DmaBufIoctl.SYNC_END).isEqualTo(4);
        assertThat(DmaBufIoctl.SYNC_VALID_FLAGS_MASK).isEqualTo(7);
        assertThat(DmaBufIoctl.NAME_LEN).isEqualTo(32);
    }

    @Test
    void structSizesMatchTheirCodes() {
        assertThat(Ioc.size(Drm.IOCTL_VERSION)).isEqualTo(DrmVersion.SIZE).isEqualTo(64);
        assertThat(Ioc.size(Drm.IOCTL_GET_CAP)).isEqualTo(DrmGetCap.SIZE);
        assertThat(Ioc.size(Drm.IOCTL_SET_VERSION)).isEqualTo(DrmSetVersion.SIZE);
        assertThat(Ioc.size(Drm.IOCTL_GEM_CLOSE)).isEqualTo(DrmGemClose.SIZE);
        assertThat(Ioc.size(Drm.IOCTL_PRIME_HANDLE_TO_FD)).isEqualTo(DrmPrimeHandle.SIZE);
        assertThat(Ioc.size(Drm.IOCTL_MODE_CREATE_DUMB)).isEqualTo(ModeCreateDumb.SIZE);
        assertThat(Ioc.size(Drm.IOCTL_MODE_MAP_DUMB)).isEqualTo(ModeMapDumb.SIZE);
        assertThat(Ioc.size(Drm.IOCTL_MODE_DESTROY_DUMB)).isEqualTo(ModeDestroyDumb.SIZE);
        assertThat(Ioc.size(DmaBufIoctl.IOCTL_SYNC)).isEqualTo(DmaBufSync.SIZE);
        assertThat(Ioc.size(DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE)).isEqualTo(DmaBufExportSyncFile.SIZE);
        assertThat(Ioc.size(DmaBufIoctl.IOCTL_IMPORT_SYNC_FILE)).isEqualTo(DmaBufImportSyncFile.SIZE);
    }

    @Test
    void drmVersionLayout() {
        ByteBuffer b = le(DrmVersion.SIZE);
        new DrmVersion(1, 2, 3, 4, 0x1000, 5, 0x2000, 6, 0x3000).write(b);
        assertThat(b.getInt(0)).isEqualTo(1);
        assertThat(b.getInt(8)).isEqualTo(3);
        assertThat(b.getLong(16)).isEqualTo(4);
        assertThat(b.getLong(24)).isEqualTo(0x1000);
        assertThat(b.getLong(40)).isEqualTo(0x2000);
        assertThat(b.getLong(56)).isEqualTo(0x3000);
        assertThat(DrmVersion.read(b)).isEqualTo(new DrmVersion(1, 2, 3, 4, 0x1000, 5, 0x2000, 6, 0x3000));
    }

    @Test
    void recordsRoundTrip() {
        ByteBuffer b = le(32);
        new ModeCreateDumb(1, 2, 3, 4, 5, 6, 1L << 33).write(b);
        assertThat(b.getLong(24)).isEqualTo(1L << 33);
        assertThat(ModeCreateDumb.read(b)).isEqualTo(new ModeCreateDumb(1, 2, 3, 4, 5, 6, 1L << 33));
        b = le(16);
        new ModeMapDumb(7, 0, 0x1_0000_0000L).write(b);
        assertThat(b.getLong(8)).isEqualTo(0x1_0000_0000L);
        new VgemFenceAttach(1, 2, 3, 4).write(b);
        assertThat(b.getInt(8)).isEqualTo(3);
        assertThat(VgemFenceAttach.read(b)).isEqualTo(new VgemFenceAttach(1, 2, 3, 4));
        new DrmPrimeHandle(9, Drm.CLOEXEC, -1).write(b);
        assertThat(b.getInt(8)).isEqualTo(-1);
        assertThat(DrmPrimeHandle.read(b)).isEqualTo(new DrmPrimeHandle(9, Drm.CLOEXEC, -1));
        new DrmGetCap(5, 3).write(b);
        assertThat(b.getLong(8)).isEqualTo(3);
        new DrmSetVersion(1, 4, -1, -1).write(b);
        assertThat(DrmSetVersion.read(b)).isEqualTo(new DrmSetVersion(1, 4, -1, -1));
        new DmaBufExportSyncFile(2, 7).write(b);
        assertThat(b.getInt(4)).isEqualTo(7);
        assertThat(DmaBufImportSyncFile.read(b)).isEqualTo(new DmaBufImportSyncFile(2, 7));
        new DmaBufSync(5).write(b);
        assertThat(DmaBufSync.read(b).flags()).isEqualTo(5);
        new DrmGemClose(4, 0).write(b);
        assertThat(DrmGemClose.read(b).handle()).isEqualTo(4);
        new ModeDestroyDumb(8).write(b);
        assertThat(ModeDestroyDumb.read(b).handle()).isEqualTo(8);
    }

    @Test
    void pageAlign() {
        assertThat(Mman.pageAlign(0)).isZero();
        assertThat(Mman.pageAlign(1)).isEqualTo(4096);
        assertThat(Mman.pageAlign(4096)).isEqualTo(4096);
        assertThat(Mman.pageAlign(Long.MAX_VALUE)).isEqualTo(-1);
    }
}
