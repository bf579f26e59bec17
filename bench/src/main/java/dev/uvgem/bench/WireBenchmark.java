package dev.uvgem.bench;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.client.UvgemClient;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The wire round trip of a cheap ioctl through the daemon (VGEM_FENCE_SIGNAL of an unknown fence: -ENOENT, after
 * the fd lookup, DRM dispatch and the fence id table), against a raw Unix-socket ping-pong of the same frame sizes
 * (36-byte request, 32-byte reply) with the same threading (the benchmark thread a blocking client; the server a
 * platform thread blocked in read, where the daemon has its selector loop). Measured through the Java client
 * ({@link UvgemClient}, what applications use) and with hand-built frames on a blocking socket (the daemon
 * alone); and, for the threading choice, the raw ping-pong with its server reading on a virtual thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WireBenchmark {
    /** The ioctl's request frame and reply sizes, shared by both sides of the comparison. */
    static final int REQUEST_BYTES = 36;

    static final int REPLY_BYTES = 32;

    /** A VGEM_FENCE_SIGNAL argument naming a fence that does not exist. */
    static byte[] unknownFenceSignal() {
        byte[] arg = new byte[VgemFenceSignal.SIZE];
        new VgemFenceSignal(123_456, 0).write(ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN));
        return arg;
    }

    /** A daemon and a Java client process with the vgem card open. */
    @State(Scope.Thread)
    public static class Client {
        BenchDaemon daemon;
        Uvgem uvgem;
        VgemDevice vgem;
        Syscalls sys;
        final byte[] arg = unknownFenceSignal();

        @Setup(Level.Trial)
        public void start() throws IOException {
            daemon = new BenchDaemon();
            uvgem = UvgemClient.connect(daemon.socket(), "bench");
            vgem = uvgem.openVgem();
            sys = uvgem.syscalls();
        }

        @TearDown(Level.Trial)
        public void stop() {
            vgem.close();
            uvgem.close();
            daemon.close();
        }
    }

    /** A daemon and a bare connection with the vgem card open. */
    @State(Scope.Thread)
    public static class Frames {
        BenchDaemon daemon;
        WireSocket wire;
        ByteBuffer request;
        final ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES).order(ByteOrder.LITTLE_ENDIAN);

        @Setup(Level.Trial)
        public void start() {
            daemon = new BenchDaemon();
            wire = WireSocket.hello(daemon.socket(), "bench");
            byte[] path = "/dev/dri/card0".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int card = (int) wire.call(
                            WireSocket.OPEN,
                            1,
                            WireSocket.body(6 + path.length)
                                    .putInt(2)
                                    .putShort((short) path.length)
                                    .put(path))
                    .result();
            request = WireSocket.ioctlFrame(2, card, Vgem.IOCTL_FENCE_SIGNAL, unknownFenceSignal());
            if (request.remaining() != REQUEST_BYTES) {
                throw new IllegalStateException("request frame of " + request.remaining() + " bytes");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            wire.close();
            daemon.close();
        }
    }

    /** A raw echo server of the same frame sizes and its client; {@code virtual} chooses the server's thread. */
    public abstract static class Raw {
        EchoServer server;
        WireSocket client;
        final ByteBuffer request = ByteBuffer.allocate(REQUEST_BYTES);
        final ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES);

        void start(boolean virtual) {
            try {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("uvgem-raw");
                server = new EchoServer(dir.resolve("raw.sock"), REQUEST_BYTES, REPLY_BYTES, virtual);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            client = WireSocket.connect(server.path());
        }

        @TearDown(Level.Trial)
        public void stop() {
            client.close();
            server.close();
            server.path().getParent().toFile().delete();
        }

        long pingPong() {
            request.clear();
            client.send(request);
            reply.clear();
            client.readFully(reply);
            return reply.get(0);
        }
    }

    /** The raw baseline with a platform-thread server. */
    @State(Scope.Thread)
    public static class RawPlatform extends Raw {
        @Setup(Level.Trial)
        public void start() {
            start(false);
        }
    }

    /** The raw baseline with a virtual-thread server. */
    @State(Scope.Thread)
    public static class RawVirtual extends Raw {
        @Setup(Level.Trial)
        public void start() {
            start(true);
        }
    }

    /** One ioctl through the Java client. */
    @Benchmark
    public long clientIoctlRoundTrip(Client s) {
        long r = s.sys.ioctl(s.vgem.fd(), Vgem.IOCTL_FENCE_SIGNAL, s.arg, null);
        if (r != Errno.ENOENT.negative()) {
            throw new IllegalStateException("expected -ENOENT, got " + r);
        }
        return r;
    }

    /** One ioctl as a hand-built frame on a blocking socket. */
    @Benchmark
    public long frameIoctlRoundTrip(Frames s) {
        s.request.rewind();
        s.wire.send(s.request);
        s.reply.clear();
        s.wire.readFully(s.reply);
        return s.reply.getLong(8);
    }

    /** The raw ping-pong, server on a platform thread: the baseline. */
    @Benchmark
    public long rawPingPong(RawPlatform s) {
        return s.pingPong();
    }

    /** The raw ping-pong, server on a virtual thread. */
    @Benchmark
    public long rawPingPongVirtualServer(RawVirtual s) {
        return s.pingPong();
    }
}
