package dev.uvgem.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Ioc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Throws random system calls with random fds, requests, arguments and pointers at processes whose files
 * misbehave in every way a driver might (errors, bugs, bad results, installs, user-memory accesses), and checks
 * that nothing escapes, every result is a value or a known -errno, and every file is released exactly once.
 */
class GarbageSyscallsTest {
    @BeforeContainer
    static void quiet() {
        QuietLogs.set(true); // the injected driver bugs would log a stack trace each
    }

    @AfterContainer
    static void loud() {
        QuietLogs.set(false);
    }

    /** One random system call. */
    record Call(int kind, int fd, int request, long a, long b, byte[] bytes) {}

    @Provide
    Arbitrary<List<Call>> calls() {
        Arbitrary<Integer> fds = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(3, 9)),
                Tuple.of(2, Arbitraries.integers().between(-2, 12)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> structIoctls = Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(0, 24))
                .as((dir, nr, size) -> Ioc.ioc(dir, 'd', nr, size));
        Arbitrary<Integer> requests = Arbitraries.frequencyOf(
                Tuple.of(6, structIoctls),
                Tuple.of(1, Arbitraries.of(Process.DMA_BUF_SET_NAME_A, Process.DMA_BUF_SET_NAME_B)),
                Tuple.of(1, Arbitraries.of(0, EventFd.EFD_NONBLOCK, EventFd.EFD_SEMAPHORE | EventFd.EFD_NONBLOCK)),
                Tuple.of(2, Arbitraries.integers()));
        Arbitrary<Long> longs = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs().between(-2, 40)),
                Tuple.of(2, Arbitraries.of(0L, 4096L, 8192L, Long.MIN_VALUE, Long.MAX_VALUE)),
                Tuple.of(2, Arbitraries.longs().between(UserWindow.USER_BASE - 8, UserWindow.USER_BASE + 72)),
                Tuple.of(1, Arbitraries.longs().between(-8192, 1 << 21)),
                Tuple.of(1, Arbitraries.longs()));
        Arbitrary<byte[]> bytes = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
                Tuple.of(1, Arbitraries.just((byte[]) null)));
        return Combinators.combine(Arbitraries.integers().between(0, 15), fds, requests, longs, longs, bytes)
                .as(Call::new)
                .list()
                .ofMinSize(5)
                .ofMaxSize(60);
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void nothingEscapesAndEveryFileIsReleasedOnce(@ForAll("calls") List<Call> calls) {
        VirtualClock clock = new VirtualClock();
        FakeDevice card = new FakeDevice();
        List<OpenFile> made = new ArrayList<>();
        card.ops.ioctl = (f, cmd, arg, task) -> {
            int what = (cmd >>> 3) & 7;
            long x = arg.remaining() >= 8 ? arg.getLong(0) : cmd;
            switch (what) {
                case 0 -> throw new ErrnoException(Errno.values()[Math.floorMod(cmd, Errno.values().length)]);
                case 1 -> throw new IllegalStateException("injected bug");
                case 2 -> {
                    return x; // anything: a value, a -errno, or garbage
                }
                case 3 -> {
                    task.user().write(x, new byte[Math.floorMod(cmd, 32)]);
                    return 0;
                }
                case 4 -> {
                    return task.user().read(x, Math.floorMod(cmd >> 8, 64)).length;
                }
                case 5 -> {
                    OpenFile other = task.file(Math.floorMod(x, 10));
                    return task.install(other.get(), (int) x & OpenFile.O_CLOEXEC);
                }
                case 6 -> {
                    if (arg.capacity() > 0) {
                        arg.put(0, (byte) 1);
                    }
                    return arg.capacity();
                }
                default -> {
                    OpenFile extra = new OpenFile(card.ops, null, OpenFile.O_RDWR);
                    made.add(extra);
                    return task.install(extra, 0);
                }
            }
        };
        Kernel kernel = new Kernel(KernelConfig.defaults(clock)
                .withLimits(new KernelConfig.ProcessLimits(12))
                .withDebugfs(true));
        kernel.register("/dev/dri/card0", card, PathAccess.EVERYONE);
        kernel.register("/sys/kernel/debug/x", new DebugfsText(() -> "text"), PathAccess.ADMIN_DEBUGFS);
        Process p = kernel.spawn("fuzz", (calls.size() & 1) == 0);
        Process q = kernel.spawn("peer", false);
        List<byte[]> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            p.open("/dev/dri/card0", Process.O_RDWR); // fds 3 to 6: most calls reach a file
        }
        p.eventfd(1, EventFd.EFD_NONBLOCK); // fd 7
        for (Call c : calls) {
            long r = call(p, q, c, tokens, clock);
            assertThat(r >= 0 || Errno.lookup((int) r) != null)
                    .as("%s returned %d", c, r)
                    .isTrue();
            if (r < 0) {
                assertThat(r).isGreaterThanOrEqualTo(-4095);
            }
        }
        kernel.close();
        clock.advance(Duration.ofMinutes(2));
        int files = card.opens() + made.size();
        assertThat(card.ops.doubleReleases).hasValue(0);
        assertThat(card.ops.releases).hasValue(files);
        assertThat(card.ops.mappings).allSatisfy(m -> assertThat(m.closes).hasValue(1));
        assertThat(clock.pendingTimers()).isZero();
    }

    private static long call(Process p, Process q, Call c, List<byte[]> tokens, VirtualClock clock) {
        int fd = c.fd();
        return switch (c.kind()) {
            case 0, 1 -> p.open((c.a() & 7) == 0 ? "/sys/kernel/debug/x" : "/dev/dri/card0", c.request());
            case 2 -> p.close(fd);
            case 3 -> p.dup(fd);
            case 4, 5, 6 -> p.ioctl(fd, c.request(), c.bytes(), c.a() == 0 ? null : new UserWindow(new byte[64]));
            case 7 -> p.poll(new PollFd[] {new PollFd(fd, c.request()), new PollFd((int) c.a(), -1)}, 0);
            case 8 -> p.read(fd, c.bytes(), (int) c.a(), (int) c.b());
            case 9 -> p.lseek(fd, c.a(), c.request());
            case 10 -> p.mmap(fd, c.a(), c.b(), c.request());
            case 11 -> p.munmap(c.a());
            case 12 -> {
                byte[] token = c.bytes() == null ? null : new byte[(c.b() & 3) == 0 ? c.bytes().length : 16];
                long r = p.fdSend(fd, token);
                if (r == 0) {
                    tokens.add(token.clone());
                }
                yield r;
            }
            case 13 -> {
                byte[] token = tokens.isEmpty() || c.bytes() == null
                        ? c.bytes()
                        : tokens.get(Math.floorMod(c.request(), tokens.size()));
                yield (c.a() & 1) == 0 ? q.fdRecv(token) : p.fdRecv(token);
            }
            // always non-blocking: a blocking read of an empty eventfd would wait forever here
            case 14 ->
                p.eventfd(
                        (int) c.a(),
                        EventFd.EFD_NONBLOCK | ((c.b() & 3) == 0 ? c.request() : c.request() & EventFd.EFD_FLAGS));
            default -> {
                clock.advance(Duration.ofSeconds(Math.floorMod(c.a(), 90)));
                yield q.close(fd);
            }
        };
    }
}
