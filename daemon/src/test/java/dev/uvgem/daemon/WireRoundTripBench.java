package dev.uvgem.daemon;

import dev.uvgem.sys.KernelConfig;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A quick measurement, not a JMH benchmark: the round trip of a cheap ioctl through the daemon
 * (VGEM_FENCE_SIGNAL of an unknown fence: -ENOENT) against a raw Unix-socket ping-pong of the same frame sizes
 * served by a platform thread blocked in read, in the same run; and the wake-up of a parked POLL by a signal from
 * another connection. Run with {@code mvn -pl daemon -am test -Pstress -Dtest=WireRoundTripBench}.
 */
@Tag("stress")
class WireRoundTripBench {
    static final int WARMUP = 20_000;
    static final int ROUNDS = 50_000;

    @Test
    void roundTrips() throws Exception {
        Path dir = Files.createTempDirectory("uvgem-rtt");
        try (Daemon daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("uvgem.sock"))
                .withKernel(KernelConfig.defaults())
                .withMemoryRoot(Files.createDirectories(dir.resolve("shm"))))) {
            for (int run = 0; run < 3; run++) {
                long[] raw = rawPingPong(dir.resolve("raw-" + run + ".sock"));
                long[] wire = wireIoctl(daemon);
                long[] wake = parkedWake(daemon);
                System.out.printf(
                        "run %d: raw ping-pong p50 %.1f us p99 %.1f us | ioctl via daemon p50 %.1f us p99 %.1f us"
                                + " | rate ratio (raw p50 / ioctl p50) %.2f | parked POLL woken by another"
                                + " connection's signal: p50 %.1f us (raw half round trip %.1f us)%n",
                        run,
                        us(raw, 50),
                        us(raw, 99),
                        us(wire, 50),
                        us(wire, 99),
                        us(raw, 50) / us(wire, 50),
                        us(wake, 50),
                        us(raw, 50) / 2);
            }
        }
    }

    static double us(long[] sorted, int percentile) {
        return sorted[(int) ((long) sorted.length * percentile / 100)] / 1000.0;
    }

    /** The ioctl request frame and the size of its reply. */
    static byte[] ioctlFrame(int card) {
        byte[] body = Calls.signalBody(card, 12345).build();
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(8 + body.length)
                .putInt(1)
                .putShort((short) Op.IOCTL.code())
                .putShort((short) 0)
                .put(body);
        return b.array();
    }

    static final int REPLY_BYTES = 4 + 12 + 4 + 8 + 4;

    static long[] wireIoctl(Daemon daemon) throws IOException {
        int card;
        try (RawClient setup = RawClient.hello(daemon.socket(), "bench")) {
            card = Calls.openCard(setup); // fd 3 of a process that goes away: reopened below
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(daemon.socket()))) {
            blockingCall(ch, hello(), -1);
            blockingCall(ch, open(), -1);
            ByteBuffer request = ByteBuffer.wrap(ioctlFrame(card));
            ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            return measure(() -> {
                request.clear();
                while (request.hasRemaining()) {
                    ch.write(request);
                }
                reply.clear();
                readFully(ch, reply);
                if (reply.getLong(8) != -2) {
                    throw new IllegalStateException("expected -ENOENT, got " + reply.getLong(8));
                }
            });
        }
    }

    static long[] rawPingPong(Path path) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                try (SocketChannel s = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(ioctlFrame(3).length);
                    ByteBuffer out = ByteBuffer.allocate(REPLY_BYTES);
                    while (true) {
                        in.clear();
                        readFully(s, in);
                        out.clear();
                        while (out.hasRemaining()) {
                            s.write(out);
                        }
                    }
                } catch (IOException e) {
                    // the client went: done
                }
            });
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                ByteBuffer request = ByteBuffer.wrap(ioctlFrame(3));
                ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES);
                return measure(() -> {
                    request.clear();
                    while (request.hasRemaining()) {
                        ch.write(request);
                    }
                    reply.clear();
                    readFully(ch, reply);
                });
            } finally {
                echo.join(1000);
                Files.deleteIfExists(path);
            }
        }
    }

    /** Consumer parks POLL(POLLIN) on an eventfd-like fence; producer signals: time from signal sent to wake. */
    static long[] parkedWake(Daemon daemon) throws IOException {
        try (RawClient producer = RawClient.hello(daemon.socket(), "producer");
                RawClient consumer = RawClient.hello(daemon.socket(), "consumer")) {
            int card = Calls.openCard(producer);
            var bo = Calls.createDumb(producer, card, 16, 16);
            int dmabuf = Calls.export(producer, card, bo.handle());
            int theirs = (int) Calls.fdRecv(consumer, Calls.fdSend(producer, dmabuf));
            long[] lat = new long[2000];
            for (int i = 0; i < lat.length; i++) {
                int fence = Calls.attachWriteFence(producer, card, bo.handle());
                consumer.send(1, Op.POLL, Calls.pollBody(theirs, Calls.POLLIN, -1));
                DaemonTestSupport.sleep(java.time.Duration.ofNanos(200_000)); // let it park
                long t0 = System.nanoTime();
                producer.send(2, Op.IOCTL, Calls.signalBody(card, fence));
                consumer.receive();
                lat[i] = System.nanoTime() - t0;
                producer.receive();
            }
            Arrays.sort(lat);
            return lat;
        }
    }

    interface Round {
        void run() throws IOException;
    }

    static long[] measure(Round round) throws IOException {
        for (int i = 0; i < WARMUP; i++) {
            round.run();
        }
        long[] lat = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            round.run();
            lat[i] = System.nanoTime() - t0;
        }
        Arrays.sort(lat);
        return lat;
    }

    static byte[] hello() {
        byte[] body = Body.of().u32(1).str("bench").build();
        return frame(Op.HELLO, body);
    }

    static byte[] open() {
        return frame(Op.OPEN, Body.of().u32(2).str("/dev/dri/card0").build());
    }

    static byte[] frame(Op op, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putInt(8 + body.length)
                .putInt(9)
                .putShort((short) op.code())
                .putShort((short) 0)
                .put(body)
                .array();
    }

    static void blockingCall(SocketChannel ch, byte[] frame, long expect) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(frame);
        while (b.hasRemaining()) {
            ch.write(b);
        }
        ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len);
        readFully(ch, ByteBuffer.allocate(len.getInt(0)));
    }

    static void readFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException();
            }
        }
    }
}
