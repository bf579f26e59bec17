package dev.uvgem.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyncIoctlTest {
    @Test
    void syncFileCodesMatchTheKernelHeader() {
        assertThat(SyncIoctl.MERGE).isEqualTo(0xC0303E03);
        assertThat(SyncIoctl.FILE_INFO).isEqualTo(0xC0383E04);
        assertThat(SyncIoctl.SET_DEADLINE).isEqualTo(0x40103E05);
    }

    @Test
    void swSyncCodesMatchTheKernelSource() {
        assertThat(SwSyncIoctl.CREATE_FENCE).isEqualTo(0xC0285700);
        assertThat(SwSyncIoctl.INC).isEqualTo(0x40045701);
        assertThat(SwSyncIoctl.GET_DEADLINE).isEqualTo(0xC0105702);
    }

    @Test
    void codesCarryTheStructSizes() {
        assertThat(Ioc.size(SyncIoctl.MERGE)).isEqualTo(SyncMergeData.SIZE);
        assertThat(Ioc.size(SyncIoctl.FILE_INFO)).isEqualTo(SyncFileInfo.SIZE);
        assertThat(Ioc.size(SyncIoctl.SET_DEADLINE)).isEqualTo(SyncSetDeadline.SIZE);
        assertThat(Ioc.size(SwSyncIoctl.CREATE_FENCE)).isEqualTo(SwSyncCreateFenceData.SIZE);
        assertThat(Ioc.size(SwSyncIoctl.GET_DEADLINE)).isEqualTo(SwSyncGetDeadline.SIZE);
    }
}
