package dev.uvgem.sys;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KernelTest {
    final VirtualClock clock = new VirtualClock();

    @Test
    void configDefaults() {
        KernelConfig c = KernelConfig.defaults(clock);
        assertThat(c.clock()).isSameAs(clock);
        assertThat(c.vgemFenceTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.debugfs()).isFalse();
        assertThat(c.limits().maxOpenFds()).isEqualTo(1024);
        KernelConfig d = c.withDebugfs(true)
                .withVgemFenceTimeout(Duration.ofSeconds(1))
                .withLimits(c.limits().withMaxOpenFds(64));
        assertThat(d.debugfs()).isTrue();
        assertThat(d.vgemFenceTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.limits().maxOpenFds()).isEqualTo(64);
        assertThat(KernelConfig.defaults().clock()).isNotNull();
        assertThatThrownBy(() -> c.withVgemFenceTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KernelConfig.ProcessLimits(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KernelConfig.ProcessLimits.DEFAULT.withMaxFences(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(c.limits())
                .isEqualTo(new KernelConfig.ProcessLimits(1024, 4096, 4L << 30, 4096))
                .isEqualTo(KernelConfig.ProcessLimits.DEFAULT
                        .withMaxBuffers(4096)
                        .withMaxBufferBytes(4L << 30)
                        .withMaxFences(4096));
        assertThatThrownBy(() -> c.withClock(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void pathTable() {
        try (Kernel k = new Kernel(KernelConfig.defaults(clock))) {
            FakeDevice d = new FakeDevice();
            k.register("/dev/dri/card0", d, PathAccess.EVERYONE);
            assertThat(k.isRegistered("/dev/dri/card0")).isTrue();
            assertErrno(Errno.EEXIST, () -> k.register("/dev/dri/card0", d, PathAccess.EVERYONE));
            Process p = k.spawn("p", false);
            int fd = (int) p.open("/dev/dri/card0", Process.O_RDWR);
            assertThat(k.unregister("/dev/dri/card0")).isTrue();
            assertThat(k.unregister("/dev/dri/card0")).isFalse();
            assertThat(p.open("/dev/dri/card0", Process.O_RDWR)).isEqualTo(Errno.ENOENT.negative());
            assertThat(p.lseek(fd, 0, Process.SEEK_SET))
                    .as("open files stay open")
                    .isZero();
        }
    }

    @Test
    void liveProcesses() {
        Kernel k = new Kernel(KernelConfig.defaults(clock));
        Process a = k.spawn("a", false);
        Process b = k.spawn("b", false);
        assertThat(k.processes()).containsExactly(a, b);
        a.exit();
        assertThat(k.processes()).containsExactly(b);
        k.close();
        assertThat(k.processes()).isEmpty();
        assertThatThrownBy(() -> k.spawn("c", false)).isInstanceOf(IllegalStateException.class);
    }
}
