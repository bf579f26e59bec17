package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.testsupport.KnownIoctls;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.sys.UserWindow;
import dev.uvgem.uapi.DmaBufExportSyncFile;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmSetClientCap;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjCreate;
import dev.uvgem.uapi.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Throws random frames at one daemon: well-framed requests with random ops, fds, ioctl codes (vgem, dma-buf,
 * sync_file, KMS, syncobj, uvgpu, and any), structs full of pointers into the user window, and user windows (every
 * one must be answered with a value or a known -errno other than -EIO, which is how a call that hit a bug answers,
 * and the connection must go on), and raw
 * garbage (the daemon answers what it can, closes what it must, and serves the next connection). After every
 * try the connection's process is gone and nothing it made is left: no buffer, no dma-buf, no backing file.
 */
class RandomFramesProperties {
    private static final long BASE = UserWindow.USER_BASE;

    private static Path dir;
    private static Daemon daemon;
    /** Virtual time: files left in flight by FD_SEND expire when a try ends, instead of after 60 s. */
    private static VirtualClock clock;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("uvgem-frames");
        Path memory = Files.createDirectories(dir.resolve("shm"));
        clock = new VirtualClock();
        daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("run/uvgem.sock"))
                .withKernel(KernelConfig.defaults(clock))
                .withMemoryRoot(memory)
                .withIoThreads(2));
    }

    @AfterContainer
    static void stop() throws IOException {
        daemon.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterTry
    void nothingIsLeft() throws IOException {
        DaemonTestSupport.awaitTrue("every connection is gone", () -> daemon.connectionCount() == 0);
        DaemonTestSupport.awaitTrue(
                "every process exited", () -> daemon.kernel().processes().isEmpty());
        clock.advance(Duration.ofSeconds(61)); // what FD_SEND put in flight expires
        assertThat(daemon.kernel().inFlightFileCount()).isZero();
        // The last free runs on the daemon's thread: its object count drops before its memory file goes.
        DaemonTestSupport.awaitTrue(
                "every buffer is freed",
                () -> daemon.devices().vgem().liveObjects() == 0
                        && daemon.devices().dmaBufs().count() == 0
                        && memoryFiles().isEmpty());
    }

    private static List<Path> memoryFiles() {
        try (Stream<Path> files = Files.list(daemon.memoryDirectory())) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request frame. */
    record Frame(int op, byte[] body) {
        @Override
        public String toString() {
            return "Frame[op=" + op + ", body=" + HexFormat.of().formatHex(body) + "]";
        }
    }

    @Provide
    Arbitrary<List<Frame>> requests() {
        Arbitrary<Integer> fds = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(3, 10)),
                Tuple.of(1, Arbitraries.integers().between(-2, 12)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> requests = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(KnownIoctls.FENCE_UAPI)),
                Tuple.of(6, Arbitraries.of(KnownIoctls.KMS)),
                Tuple.of(4, Arbitraries.of(KnownIoctls.SYNCOBJ)),
                Tuple.of(3, Arbitraries.of(KnownIoctls.UVGPU)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        Arbitrary<byte[]> args = Arbitraries.frequencyOf(Tuple.of(1, small), Tuple.of(2, pointerStructs()));
        Arbitrary<byte[]> windows = Arbitraries.frequencyOf(
                Tuple.of(3, small),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(600)));
        Arbitrary<Integer> timeouts = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.just(-1)),
                Tuple.of(2, Arbitraries.integers().between(1, 30)),
                Tuple.of(1, Arbitraries.integers()));

        Arbitrary<Frame> ioctl = Combinators.combine(
                        fds, requests, args, windows, Arbitraries.integers().between(0, 8))
                .as((fd, request, arg, user, cut) -> {
                    Body b = Body.of().i32(fd).u32(request).u32Bytes(arg).u32Bytes(user);
                    return new Frame(Op.IOCTL.code(), truncate(b.build(), cut));
                });
        Arbitrary<Frame> poll = Combinators.combine(
                        fds.list().ofMaxSize(4),
                        Arbitraries.shorts(),
                        timeouts,
                        Arbitraries.integers().between(0, 6))
                .as((list, events, timeout, cut) -> {
                    Body b = Body.of().u32(list.size());
                    for (int fd : list) {
                        b.i32(fd).i16(events).i16(0);
                    }
                    return new Frame(Op.POLL.code(), truncate(b.i32(timeout).build(), cut));
                });
        Arbitrary<Frame> fdFirst = Combinators.combine(Arbitraries.integers().between(2, 13), fds, small)
                .as((op, fd, rest) ->
                        new Frame(op, Body.of().i32(fd).bytes(rest).build()));
        Arbitrary<Frame> anything = Combinators.combine(Arbitraries.integers().between(0, 0xffff), small)
                .as(Frame::new);
        Arbitrary<Frame> open = Arbitraries.of(
                        "/dev/dri/card0",
                        "/dev/dri/renderD128",
                        "/dev/dri/card1",
                        "/dev/dri/card2",
                        "/dev/dri/renderD130",
                        "/dev/null",
                        "/sys/kernel/debug/sync/sw_sync",
                        "/sys/kernel/debug/uvgem/buffers",
                        "/nope",
                        "")
                .map(p -> new Frame(Op.OPEN.code(), Body.of().u32(2).str(p).build()));
        return Arbitraries.frequencyOf(
                        Tuple.of(4, ioctl),
                        Tuple.of(2, poll),
                        Tuple.of(4, fdFirst),
                        Tuple.of(1, anything),
                        Tuple.of(1, open))
                .list()
                .ofMinSize(1)
                .ofMaxSize(40);
    }

    /**
     * Structs of random 32- and 64-bit words, many of them pointers into (or just outside) the user window, so
     * that the ioctls' array and pointer fields are followed.
     */
    private static Arbitrary<byte[]> pointerStructs() {
        Arbitrary<Long> words = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs().between(0, 8)),
                Tuple.of(4, Arbitraries.longs().between(BASE - 8, BASE + 640)),
                Tuple.of(1, Arbitraries.of(-1L, 0xffff_ffffL, Long.MIN_VALUE, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs()));
        return Combinators.combine(
                        words.list().ofMaxSize(12), Arbitraries.integers().between(0, 7))
                .as((list, odd) -> {
                    ByteBuffer b =
                            ByteBuffer.allocate(8 * list.size() + odd % 4).order(ByteOrder.LITTLE_ENDIAN);
                    list.forEach(b::putLong);
                    return b.array();
                });
    }

    private static byte[] truncate(byte[] b, int cut) {
        return cut < 2 && b.length > 0 ? java.util.Arrays.copyOf(b, b.length / 2) : b;
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.MIXIN)
    void wellFramedRequestsAreAllAnsweredAndTheConnectionGoesOn(@ForAll("requests") List<Frame> frames) {
        try (RawClient c = RawClient.hello(daemon.socket(), "random")) {
            setUp(c);
            Set<Integer> sent = new HashSet<>();
            int tag = 1;
            for (Frame f : frames) {
                c.send(tag, f.op(), f.body());
                sent.add(tag++);
            }
            int sentinel = 0x7fff_0000;
            c.send(sentinel, Op.DUP.code(), Body.of().i32(-1).build());
            Set<Integer> answered = new HashSet<>();
            while (true) {
                Reply r = c.receive();
                assertThat(r.result() >= 0 || Errno.lookup((int) r.result()) != null)
                        .as("result %d of tag %d", r.result(), r.tag())
                        .isTrue();
                assertThat(r.result())
                        .as("tag %d: -EIO is how a call that hit a bug (an unexpected exception) answers", r.tag())
                        .isNotEqualTo(Errno.EIO.negative());
                if (r.tag() == sentinel) {
                    assertThat(r.result()).isEqualTo(Errno.EBADF.negative());
                    break;
                }
                assertThat(sent).contains(r.tag());
                assertThat(answered.add(r.tag())).as("one reply per tag").isTrue();
            }
        }
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void garbageNeverBreaksTheDaemon(@ForAll("garbage") byte[] junk) {
        try (RawClient c = RawClient.hello(daemon.socket(), "garbage")) {
            setUp(c);
            try {
                c.sendRaw(junk);
            } catch (UncheckedIOException e) {
                // closed by the daemon mid-way: an oversized or tagless frame
            }
            c.shutdownOutput();
            c.drainUntilClosed(); // every reply well-formed (checked by receive), and the end comes
        }
        try (RawClient next = RawClient.hello(daemon.socket(), "next")) {
            assertThat(next.result(Op.DUP, Body.of().i32(-1))).isEqualTo(Errno.EBADF.negative());
        }
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<byte[]> framedJunk = Combinators.combine(
                        Arbitraries.integers().between(0, 64), Arbitraries.integers(), raw)
                .as((len, tag, rest) -> {
                    ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
                    return b.putInt(len).putInt(tag).put(rest).array();
                });
        return Arbitraries.frequencyOf(Tuple.of(1, raw), Tuple.of(1, framedJunk));
    }

    /**
     * fds 3 card0, 4 a dma-buf of a 16 KiB buffer with a write fence, 5 a ready eventfd, 6 an idle one, 7 card1
     * (the display, atomic enabled), 8 card2 and 9 renderD130 (uvgpu) with syncobj 1 on card2 and 10 a sync_file
     * of the buffer's fence; handle 1 on card0 is the buffer.
     */
    private static void setUp(RawClient c) {
        int card = Calls.openCard(c);
        var bo = Calls.createDumb(c, card, 64, 64);
        int dmabuf = Calls.export(c, card, bo.handle());
        Calls.attachWriteFence(c, card, bo.handle());
        c.result(Op.EVENTFD, Body.of().u32(1).u32(Calls.O_NONBLOCK));
        c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        int display = (int) Calls.open(c, "/dev/dri/card1", Calls.O_RDWR);
        byte[] cap =
                Calls.struct(DrmSetClientCap.SIZE, b -> new DrmSetClientCap(DrmMode.CLIENT_CAP_ATOMIC, 1).write(b));
        assertThat(Calls.ioctl(c, display, DrmMode.IOCTL_SET_CLIENT_CAP, cap, new byte[0])
                        .result())
                .isZero();
        int gpu = (int) Calls.open(c, "/dev/dri/card2", Calls.O_RDWR);
        Calls.open(c, "/dev/dri/renderD130", Calls.O_RDWR);
        byte[] create = Calls.struct(DrmSyncobjCreate.SIZE, b -> new DrmSyncobjCreate(0, 0).write(b));
        assertThat(Calls.ioctl(c, gpu, DrmSyncobj.IOCTL_CREATE, create, new byte[0])
                        .result())
                .isZero();
        byte[] export = Calls.struct(
                DmaBufExportSyncFile.SIZE, b -> new DmaBufExportSyncFile((int) DmaBufIoctl.SYNC_RW, -1).write(b));
        assertThat(Calls.ioctl(c, dmabuf, DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE, export, new byte[0])
                        .result())
                .isZero();
    }
}
