package dev.uvgem.sys;

import dev.uvgem.core.time.VirtualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of the poll tests: a kernel on a virtual clock with two fake devices, {@code /dev/a} ({@link #card})
 * and {@code /dev/b} ({@link #other}), both open read-write in one process {@link #p} as {@link #fd} and
 * {@link #fd2}. The kernel closes after each test.
 *
 * <p>Thread-safety: one instance per test, set up and torn down on the JUnit thread.
 */
abstract class PollFixture {
    final VirtualClock clock = new VirtualClock();
    final Kernel kernel = new Kernel(KernelConfig.defaults(clock));
    final FakeDevice card = new FakeDevice();
    final FakeDevice other = new FakeDevice();
    Process p;
    int fd;
    int fd2;

    @BeforeEach
    void openBothDevices() {
        kernel.register("/dev/a", card, PathAccess.EVERYONE);
        kernel.register("/dev/b", other, PathAccess.EVERYONE);
        p = kernel.spawn("test", false);
        fd = (int) p.open("/dev/a", Process.O_RDWR);
        fd2 = (int) p.open("/dev/b", Process.O_RDWR);
    }

    @AfterEach
    void closeKernel() {
        kernel.close();
    }
}
