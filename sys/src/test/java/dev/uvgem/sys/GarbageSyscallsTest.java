package dev.uvgem.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.testsupport.KnownIoctls;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmSetClientCap;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjCreate;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Ioc;
import dev.uvgem.uapi.ModeCreateDumb;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
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
 * that nothing escapes, every result is a value or a known -errno, -EIO only where the fake made a bug, and every
 * file is released exactly once; and random calls with real ioctl codes and pointer-filled structs at the booted
 * kernel's real devices (vgem, the display, uvgpu, syncobjs), which must never answer -EIO (a bug's answer).
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
        AtomicBoolean eioInjected = new AtomicBoolean(); // the fake made the current call answer -EIO
        card.ops.ioctl = (f, cmd, arg, task) -> {
            int what = (cmd >>> 3) & 7;
            long x = arg.remaining() >= 8 ? arg.getLong(0) : cmd;
            switch (what) {
                case 0 -> {
                    Errno e = Errno.values()[Math.floorMod(cmd, Errno.values().length)];
                    eioInjected.compareAndSet(false, e == Errno.EIO);
                    throw new ErrnoException(e);
                }
                case 1 -> {
                    eioInjected.set(true);
                    throw new IllegalStateException("injected bug");
                }
                case 2 -> {
                    eioInjected.compareAndSet(false, x < 0); // -EIO itself, or garbage the kernel calls a bug
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
            eioInjected.set(false);
            long r = call(p, q, c, tokens, clock);
            assertResult(c, r);
            if (r == Errno.EIO.negative()) {
                assertThat(eioInjected)
                        .as("%s answered -EIO, a bug's answer, with no bug injected", c)
                        .isTrue();
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

    private static void assertResult(Object call, long r) {
        assertThat(r >= 0 || Errno.lookup((int) r) != null)
                .as("%s returned %d", call, r)
                .isTrue();
        if (r < 0) {
            assertThat(r).isGreaterThanOrEqualTo(-4095);
        }
    }

    // ---------------------------------------------------------------- the real devices

    /** The booted kernel's nodes and files a real-device call may open. */
    private static final String[] PATHS = {
        Boot.CARD0,
        Boot.RENDER_D128,
        Boot.CARD1,
        Boot.CARD2,
        Boot.RENDER_D130,
        Boot.DEV_NULL,
        Boot.SW_SYNC,
        Boot.UVGEM_BUFFERS,
        Boot.STUCK_FENCES,
        "/nope"
    };

    /** One call on the real devices: kind 0 open, 1 close, 2 dup, 3 poll, else an ioctl. */
    record RealCall(int kind, int fd, int request, byte[] arg, int windowSize) {
        @Override
        public String toString() {
            return "RealCall[kind=" + kind + ", fd=" + fd + ", request=" + Integer.toHexString(request) + ", arg="
                    + HexFormat.of().formatHex(arg) + ", window=" + windowSize + "]";
        }
    }

    @Provide
    Arbitrary<List<RealCall>> realCalls() {
        Arbitrary<Long> words = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs().between(0, 8)),
                Tuple.of(4, Arbitraries.longs().between(UserWindow.USER_BASE - 8, UserWindow.USER_BASE + 600)),
                Tuple.of(1, Arbitraries.of(-1L, 0xffff_ffffL, Long.MIN_VALUE, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs()));
        Arbitrary<byte[]> args = Combinators.combine(
                        words.list().ofMaxSize(12), Arbitraries.integers().between(0, 3))
                .as((list, odd) -> {
                    ByteBuffer b = ByteBuffer.allocate(8 * list.size() + odd).order(ByteOrder.LITTLE_ENDIAN);
                    list.forEach(b::putLong);
                    return b.array();
                });
        Arbitrary<Integer> requests = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.of(KnownIoctls.ALL)), Tuple.of(1, Arbitraries.integers()));
        return Combinators.combine(
                        Arbitraries.integers().between(0, 9),
                        Arbitraries.integers().between(-1, 12),
                        requests,
                        args,
                        Arbitraries.of(0, 64, 640))
                .as(RealCall::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(40);
    }

    /**
     * Random calls on the booted kernel's real devices must never hit a bug (-EIO). A call that sleeps (a blocking
     * commit, a vblank or syncobj wait) is interrupted after a moment, as a signal would, and must then end.
     */
    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN)
    void realDevicesAnswerRandomCallsWithoutABug(@ForAll("realCalls") List<RealCall> calls) {
        try (Kernel kernel = Boot.kernel(KernelConfig.defaults().withDebugfs(true))) {
            Process p = kernel.spawn("fuzz", true);
            for (String path : List.of(Boot.CARD0, Boot.CARD1, Boot.CARD2, Boot.RENDER_D130)) {
                assertThat(p.open(path, Process.O_RDWR)).isPositive(); // fds 3 to 6
            }
            byte[] dumb = new byte[ModeCreateDumb.SIZE];
            new ModeCreateDumb(64, 64, 32, 0, 0, 0, 0).write(le(dumb));
            assertThat(p.ioctl(3, Drm.IOCTL_MODE_CREATE_DUMB, dumb, null)).isZero(); // handle 1
            byte[] cap = new byte[DrmSetClientCap.SIZE];
            new DrmSetClientCap(DrmMode.CLIENT_CAP_ATOMIC, 1).write(le(cap));
            assertThat(p.ioctl(4, DrmMode.IOCTL_SET_CLIENT_CAP, cap, null)).isZero();
            assertThat(p.ioctl(5, DrmSyncobj.IOCTL_CREATE, new byte[DrmSyncobjCreate.SIZE], null))
                    .isZero(); // syncobj 1
            for (RealCall c : calls) {
                long r = interruptedIfItSleeps(() -> realCall(p, c));
                assertResult(c, r);
                assertThat(r).as("%s answered -EIO: a bug", c).isNotEqualTo(Errno.EIO.negative());
            }
        }
    }

    private static long realCall(Process p, RealCall c) {
        return switch (c.kind()) {
            case 0 -> p.open(PATHS[Math.floorMod(c.request(), PATHS.length)], Process.O_RDWR);
            case 1 -> p.close(c.fd());
            case 2 -> p.dup(c.fd());
            case 3 -> p.poll(new PollFd[] {new PollFd(c.fd(), c.request())}, 0);
            default -> p.ioctl(c.fd(), c.request(), c.arg(), new UserWindow(new byte[c.windowSize()]));
        };
    }

    /** Runs {@code call} on a thread of its own, interrupting it if it has not returned after 20 ms. */
    private static long interruptedIfItSleeps(LongSupplier call) {
        long[] result = {Long.MIN_VALUE};
        Thread t = Thread.ofVirtual().start(() -> result[0] = call.getAsLong());
        try {
            if (!t.join(Duration.ofMillis(20))) {
                t.interrupt();
                assertThat(t.join(Duration.ofSeconds(5)))
                        .as("an interrupted call ends")
                        .isTrue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return result[0];
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
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
