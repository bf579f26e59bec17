package dev.uvgem.drivers.drm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGemClose;
import dev.uvgem.uapi.Errno;
import org.junit.jupiter.api.Test;

class GemHandleTest {
    private final DrmTestKit k = new DrmTestKit();

    @Test
    void handlesAreLowestFreeFromOneAndReused() {
        int fd = k.openCard();
        assertThat(k.createBo(fd)).isEqualTo(1);
        assertThat(k.createBo(fd)).isEqualTo(2);
        assertThat(k.createBo(fd)).isEqualTo(3);
        assertThat(k.gemClose(fd, 2)).isZero();
        assertThat(k.createBo(fd)).isEqualTo(2);
        assertThat(k.gemClose(fd, 1)).isZero();
        assertThat(k.gemClose(fd, 3)).isZero();
        assertThat(k.createBo(fd)).isEqualTo(1);
        assertThat(k.createBo(fd)).isEqualTo(3);
        assertThat(k.drmFile(fd).handles()).containsExactly(1, 2, 3);
    }

    @Test
    void handlesArePerFile() {
        int a = k.openCard();
        int b = k.openRender();
        assertThat(k.createBo(a)).isEqualTo(1);
        assertThat(k.gemClose(b, 1)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.mapDumb(a, 1)).isPositive();
    }

    @Test
    void gemCloseOfUnknownOrClosedHandlesIsEinval() {
        int fd = k.openCard();
        assertThat(k.gemClose(fd, 0)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.gemClose(fd, 1)).isEqualTo(Errno.EINVAL.negative());
        assertThat(k.gemClose(fd, -1)).isEqualTo(Errno.EINVAL.negative());
        int h = k.createBo(fd);
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(k.gemClose(fd, h)).isEqualTo(Errno.EINVAL.negative());
    }

    @Test
    void gemCloseIgnoresPad() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        assertThat(k.call(fd, Drm.IOCTL_GEM_CLOSE, b -> new DrmGemClose(h, 0x1234).write(b))
                        .ret())
                .isZero();
    }

    @Test
    void closingTheFileDropsItsHandles() {
        int fd = k.openCard();
        k.createBo(fd);
        k.createBo(fd);
        assertThat(k.device.liveObjects()).isEqualTo(2);
        k.task.close(fd);
        assertThat(k.device.liveObjects()).isZero();
        assertThat(k.allocator.live()).isZero();
        assertThat(k.allocator.all()).allSatisfy(m -> assertThat(m.frees).hasValue(1));
    }
}
