package dev.uvgem.sys;

import static dev.uvgem.sys.BootTest.createDumb;
import static dev.uvgem.sys.BootTest.export;
import static dev.uvgem.sys.BootTest.le;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.trace.TraceEvent;
import dev.uvgem.core.trace.TraceRecorder;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import dev.uvgem.uapi.VgemFenceSignal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stuck-fence watchdog ({@code uvgem/stuck_fences}) and the unsafe no-expiry attach flag, on the virtual clock:
 * with expiry disabled the fence stays stuck and the report names its creator and waiter; normally it expires.
 */
class StuckFencesTest {
    private static final int NO_EXPIRY = Vgem.UVGEM_FENCE_NO_EXPIRY;
    private static final int WRITE = Vgem.VGEM_FENCE_WRITE;

    private final VirtualClock clock = new VirtualClock();
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    private Process boot(boolean debugfs, boolean admin) {
        kernel = Boot.kernel(KernelConfig.defaults(clock).withDebugfs(debugfs));
        return kernel.spawn("renderer", admin);
    }

    private static long attach(Process p, int card, int handle, int flags) {
        byte[] arg = new byte[VgemFenceAttach.SIZE];
        new VgemFenceAttach(handle, flags, 0, 0).write(le(arg));
        long r = p.ioctl(card, Vgem.IOCTL_FENCE_ATTACH, arg, null);
        return r != 0 ? r : VgemFenceAttach.read(le(arg)).outFence();
    }

    private static long signal(Process p, int card, int fence) {
        byte[] arg = new byte[VgemFenceSignal.SIZE];
        new VgemFenceSignal(fence, 0).write(le(arg));
        return p.ioctl(card, Vgem.IOCTL_FENCE_SIGNAL, arg, null);
    }

    private String report() {
        Process admin = kernel.spawn("cat", true);
        int fd = (int) admin.open(Boot.STUCK_FENCES, Process.O_RDWR);
        byte[] buf = new byte[4096];
        int n = (int) admin.read(fd, buf);
        admin.exit();
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** A running poll(POLLIN) on a dma-buf of the fenced buffer, from a second process. */
    private Threads.Running<Long> pollInFrom(Process owner, int card, int handle) {
        Process compositor = kernel.spawn("compositor", false);
        int dmabuf = export(owner, card, handle);
        byte[] token = new byte[Kernel.FD_TOKEN_BYTES];
        assertThat(owner.fdSend(dmabuf, token)).isZero();
        int fd = (int) compositor.fdRecv(token);
        return Threads.start(() -> compositor.poll(new PollFd[] {new PollFd(fd, PollTable.POLLIN)}, -1));
    }

    @Test
    void theNoExpiryFlagIsUnknownWithoutDebugfs() {
        Process p = boot(false, true);
        int card = (int) p.open(Boot.CARD0, Process.O_RDWR);
        assertThat(attach(p, card, createDumb(p, card), NO_EXPIRY)).isEqualTo(Errno.EINVAL.negative());
    }

    @Test
    void theNoExpiryFlagNeedsAPrivilegedProcess() {
        Process p = boot(true, false);
        int card = (int) p.open(Boot.CARD0, Process.O_RDWR);
        int handle = createDumb(p, card);
        assertThat(attach(p, card, handle, NO_EXPIRY | WRITE)).isEqualTo(Errno.EPERM.negative());
        assertThat(attach(p, card, handle, 0x2 | NO_EXPIRY))
                .as("unknown flags first")
                .isEqualTo(-22);
        assertThat(attach(p, card, handle, WRITE)).isEqualTo(1);
    }

    @Test
    void withExpiryDisabledTheWatchdogReportsTheStuckFenceAndItsWaiter() throws Exception {
        Process p = boot(true, true);
        int card = (int) p.open(Boot.CARD0, Process.O_RDWR);
        int handle = createDumb(p, card);
        try (TraceRecorder trace = TraceRecorder.start()) {
            int fence = (int) attach(p, card, handle, NO_EXPIRY | WRITE);
            Threads.Running<Long> poll = pollInFrom(p, card, handle);
            Threads.awaitParked(poll);
            assertThat(report()).doesNotContain("by pid");

            clock.advance(Duration.ofSeconds(6));
            String stuck = report();
            assertThat(stuck)
                    .startsWith("vgem fences unsignalled for 5000 ms or more:\n")
                    .contains(" age 6000 ms expires never by pid " + p.pid() + " (renderer)\n")
                    .containsPattern("\twaiter: poll\\(POLLIN\\) on dma-buf \\d+\n");
            assertThat(trace.events())
                    .filteredOn(
                            e -> e instanceof TraceEvent.Instant i && i.name().startsWith("stuck fence"))
                    .singleElement()
                    .satisfies(e -> assertThat(((TraceEvent.Instant) e).args().get("creator"))
                            .isEqualTo("pid " + p.pid() + " (renderer)"));

            clock.advance(Duration.ofMinutes(5));
            assertThat(poll.result()).isNotDone();
            assertThat(report()).contains(" age 306000 ms expires never");

            assertThat(signal(p, card, fence)).isZero();
            assertThat(poll.get()).isEqualTo(1);
            assertThat(report()).doesNotContain("by pid");
            assertThat(clock.pendingTimers()).isZero();
        }
    }

    @Test
    void normallyTheStuckFenceExpires() throws Exception {
        Process p = boot(true, true);
        int card = (int) p.open(Boot.CARD0, Process.O_RDWR);
        int handle = createDumb(p, card);
        int fence = (int) attach(p, card, handle, WRITE);
        Threads.Running<Long> poll = pollInFrom(p, card, handle);
        Threads.awaitParked(poll);

        clock.advance(Duration.ofSeconds(6));
        assertThat(report()).contains(" age 6000 ms expires in 4000 ms by pid " + p.pid() + " (renderer)\n");
        assertThat(poll.result()).isNotDone();

        clock.advance(Duration.ofSeconds(4));
        assertThat(poll.get()).isEqualTo(1);
        assertThat(report()).doesNotContain("by pid");
        assertThat(signal(p, card, fence)).isEqualTo(Errno.ETIMEDOUT.negative());
        assertThat(clock.pendingTimers()).isZero();
    }
}
