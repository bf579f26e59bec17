package dev.uvgem.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DrmModeUapiTest {
    @Test
    void kmsCodes() {
        assertThat(DrmMode.IOCTL_SET_CLIENT_CAP).isEqualTo(0x4010640D);
        assertThat(DrmMode.IOCTL_WAIT_VBLANK).isEqualTo(0xC018643A);
        assertThat(DrmMode.IOCTL_GETRESOURCES).isEqualTo(0xC04064A0);
        assertThat(DrmMode.IOCTL_GETCRTC).isEqualTo(0xC06864A1);
        assertThat(DrmMode.IOCTL_GETENCODER).isEqualTo(0xC01464A6);
        assertThat(DrmMode.IOCTL_GETCONNECTOR).isEqualTo(0xC05064A7);
        assertThat(DrmMode.IOCTL_GETPROPERTY).isEqualTo(0xC04064AA);
        assertThat(DrmMode.IOCTL_RMFB).isEqualTo(0xC00464AF);
        assertThat(DrmMode.IOCTL_GETPROPBLOB).isEqualTo(0xC01064AC);
        assertThat(DrmMode.IOCTL_PAGE_FLIP).isEqualTo(0xC01864B0);
        assertThat(DrmMode.IOCTL_GETPLANERESOURCES).isEqualTo(0xC01064B5);
        assertThat(DrmMode.IOCTL_GETPLANE).isEqualTo(0xC02064B6);
        assertThat(DrmMode.IOCTL_ADDFB2).isEqualTo(0xC06864B8);
        assertThat(DrmMode.IOCTL_OBJ_GETPROPERTIES).isEqualTo(0xC02064B9);
        assertThat(DrmMode.IOCTL_ATOMIC).isEqualTo(0xC03864BC);
    }

    @Test
    void kmsConstants() {
        assertThat(DrmMode.ATOMIC_FLAGS).isEqualTo(0x0703);
        assertThat(DrmMode.PAGE_FLIP_FLAGS).isEqualTo(0x0f);
        assertThat(DrmMode.FORMAT_XRGB8888).isEqualTo(0x34325258);
        assertThat(DrmMode.PROP_ATOMIC).isEqualTo(0x80000000);
        assertThat(DrmMode.VBLANK_EVENT).isEqualTo(0x4000000);
    }

    @Test
    void eventVblankLayout() {
        DrmEventVblank e = DrmEventVblank.of(DrmMode.EVENT_FLIP_COMPLETE, 0x1122334455L, 3_000_250_000L, 7, 42);
        ByteBuffer b = ByteBuffer.wrap(e.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(2);
        assertThat(b.getInt(4)).isEqualTo(32);
        assertThat(b.getLong(8)).isEqualTo(0x1122334455L);
        assertThat(b.getInt(16)).isEqualTo(3);
        assertThat(b.getInt(20)).isEqualTo(250);
        assertThat(b.getInt(24)).isEqualTo(7);
        assertThat(b.getInt(28)).isEqualTo(42);
        assertThat(DrmEventVblank.read(b, 0)).isEqualTo(e);
    }

    @Test
    void modeInfoRoundTrip() {
        ModeModeInfo m = new ModeModeInfo(25175, 640, 656, 752, 800, 0, 480, 490, 492, 525, 0, 60, 10, 72, "640x480");
        ByteBuffer b = ByteBuffer.wrap(m.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(4)).isEqualTo((short) 640);
        assertThat(b.getShort(14)).isEqualTo((short) 480);
        assertThat(b.getInt(24)).isEqualTo(60);
        assertThat(ModeModeInfo.read(b, 0)).isEqualTo(m);
    }

    @Test
    void fbCmd2Layout() {
        ModeFbCmd2 cmd = ModeFbCmd2.singlePlane(640, 480, DrmMode.FORMAT_XRGB8888, 5, 2560);
        ByteBuffer b = ByteBuffer.allocate(ModeFbCmd2.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        cmd.write(b);
        assertThat(b.getInt(20)).isEqualTo(5);
        assertThat(b.getInt(36)).isEqualTo(2560);
        ModeFbCmd2 back = ModeFbCmd2.read(b);
        assertThat(back.handles()).containsExactly(5, 0, 0, 0);
        assertThat(back.pitches()).containsExactly(2560, 0, 0, 0);
        assertThat(back.width()).isEqualTo(640);
    }
}
