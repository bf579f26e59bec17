package dev.uvgem.drivers.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ModeCreateDumb;
import org.junit.jupiter.api.Test;

class DumbBufferTest {
    private final DrmTestKit k = new DrmTestKit();

    /** IGT vgem_basic create: the sizes the test expects. */
    @Test
    void create() {
        int fd = k.openCard();
        k.createDumb(fd, 0, 0, 0);
        assertThat(k.lastRet).isEqualTo(Errno.EINVAL.negative());
        ModeCreateDumb a = k.createDumb(fd, 1, 1, 1);
        assertThat(k.lastRet).isZero();
        assertThat(a.size()).isEqualTo(4096);
        ModeCreateDumb b = k.createDumb(fd, 1024, 1024, 8);
        assertThat(b.size()).isEqualTo(1 << 20);
        ModeCreateDumb c = k.createDumb(fd, 32768, 32768, 16);
        assertThat(k.lastRet).isZero();
        assertThat(c.size()).isEqualTo(1L << 31);
        assertThat(c.pitch()).isEqualTo(65536);
        assertThat(k.gemClose(fd, a.handle())).isZero();
        assertThat(k.gemClose(fd, b.handle())).isZero();
        assertThat(k.gemClose(fd, c.handle())).isZero();
        assertThat(k.allocator.live()).isZero();
    }

    @Test
    void pitchFollowsTheColourModeAndIsAlignedToEightBytes() {
        int fd = k.openCard();
        assertThat(k.createDumb(fd, 1, 1, 1).pitch()).isEqualTo(8);
        assertThat(k.createDumb(fd, 100, 1, 1).pitch()).isEqualTo(16);
        assertThat(k.createDumb(fd, 1024, 1, 32).pitch()).isEqualTo(4096);
        assertThat(k.createDumb(fd, 3, 1, 24).pitch()).isEqualTo(16);
        assertThat(k.createDumb(fd, 10, 1, 15).pitch()).isEqualTo(24);
        assertThat(k.createDumb(fd, 10, 1, 12).pitch()).isEqualTo(24);
        assertThat(k.createDumb(fd, 4, 1, 64).pitch()).isEqualTo(32);
        ModeCreateDumb big = k.createDumb(fd, 1024, 768, 32);
        assertThat(big.size()).isEqualTo(1024L * 768 * 4);
    }

    @Test
    void anyZeroDimensionIsEinval() {
        int fd = k.openCard();
        for (int[] a : new int[][] {{0, 1, 32}, {1, 0, 32}, {1, 1, 0}}) {
            k.createDumb(fd, a[0], a[1], a[2]);
            assertThat(k.lastRet).isEqualTo(Errno.EINVAL.negative());
        }
    }

    @Test
    void oversizedBuffersAreEinval() {
        int fd = k.openCard();
        k.createDumb(fd, 65536, 65536, 32);
        assertThat(k.lastRet).isEqualTo(Errno.EINVAL.negative());
        k.createDumb(fd, 1, 1, -1);
        assertThat(k.lastRet).isEqualTo(Errno.EINVAL.negative());
        k.createDumb(fd, 1, 1, -8);
        assertThat(k.lastRet).isEqualTo(Errno.EINVAL.negative());
        k.createDumb(fd, -1, 1, 32);
        assertThat(k.lastRet).isEqualTo(Errno.EINVAL.negative());
        // 0xFFFFF001 bytes would page-align past 32 bits.
        k.createDumb(fd, 0x7FFFF801, 2, 8);
        assertThat(k.lastRet).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.allocator.all()).isEmpty();
    }

    @Test
    void outputGarbageAndFlagsAreIgnored() {
        int fd = k.openCard();
        var r = k.call(fd, Drm.IOCTL_MODE_CREATE_DUMB, b -> new ModeCreateDumb(1, 1, 32, 0xff, 99, 99, 99).write(b));
        assertThat(r.ret()).isZero();
        assertThat(ModeCreateDumb.read(r.arg())).isEqualTo(new ModeCreateDumb(1, 1, 32, 0xff, 1, 8, 4096));
    }

    @Test
    void sizeHelperChecks() {
        assertThat(DrmDumb.size(1024, 1, 32, 0, 0)).isEqualTo(new DrmDumb.Layout(4096, 4096));
        assertThat(DrmDumb.size(1, 1, 8, 64, 8192)).isEqualTo(new DrmDumb.Layout(64, 8192));
        assertThatThrownBy(() -> DrmDumb.size(1, 1, 8, 0, 100)).hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
        assertThatThrownBy(() -> DrmDumb.size(0, 1, 8, 0, 0)).hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
    }

    @Test
    void mapDumbOffsetsStartAtFourGigabytesAndArePerObject() {
        int fd = k.openCard();
        int a = k.createBo(fd, 1024, 1, 32);
        int b = k.createBo(fd, 1024, 2, 32);
        int c = k.createBo(fd, 1024, 1, 32);
        assertThat(k.mapDumb(fd, a)).isEqualTo(0x1_0000_0000L);
        assertThat(k.mapDumb(fd, a)).isEqualTo(0x1_0000_0000L);
        assertThat(k.mapDumb(fd, b)).isEqualTo(0x1_0000_1000L);
        assertThat(k.mapDumb(fd, c)).isEqualTo(0x1_0000_3000L);
        // A freed range is reused by the best-fitting later object.
        assertThat(k.gemClose(fd, b)).isZero();
        int d = k.createBo(fd, 1024, 2, 32);
        assertThat(k.mapDumb(fd, d)).isEqualTo(0x1_0000_1000L);
    }

    @Test
    void mapDumbErrors() {
        int fd = k.openCard();
        var r = k.call(fd, Drm.IOCTL_MODE_MAP_DUMB, b -> b.putInt(0, 5).putLong(8, 1234));
        assertThat(r.ret()).isEqualTo(Errno.ENOENT.negative());
        assertThat(r.arg().getLong(8)).isZero();
    }

    @Test
    void destroyDumbIsGemClose() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        assertThat(k.call(fd, Drm.IOCTL_MODE_DESTROY_DUMB, b -> b.putInt(0, h)).ret())
                .isZero();
        assertThat(k.call(fd, Drm.IOCTL_MODE_DESTROY_DUMB, b -> b.putInt(0, h)).ret())
                .isEqualTo(Errno.EINVAL.negative());
        assertThat(k.gemClose(fd, h)).isEqualTo(Errno.EINVAL.negative());
    }
}
