package dev.uvgem.bench;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import dev.uvgem.uapi.VgemFenceSignal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A fence wake across processes through the daemon: a consumer connection has a POLL(POLLIN) parked on a dma-buf
 * whose write fence a producer connection holds; the timed part is the producer writing VGEM_FENCE_SIGNAL until
 * the consumer has read its POLL's reply. Everything else (attaching the next fence, parking the next POLL and
 * making sure it is parked: a later request of the same connection has been answered) is per-invocation setup,
 * outside the time. Bare frames on blocking sockets, so the figure is the daemon's and the sockets'.
 *
 * <p>The baseline is the raw ping-pong of {@link WireBenchmark} (the same socket threading), in this mode: half
 * its round trip is one hop from a writer to a blocked reader. The fence wake is two hops (producer to daemon,
 * daemon to consumer), so it cannot come under about twice the half round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FenceWakeBenchmark {
    private static final int POLL_TAG = 100;
    private static final int MARKER_TAG = 101;
    private static final int SIGNAL_TAG = 102;
    /** The POLL's reply for one fd: len, tag, result, revents. */
    private static final int POLL_REPLY_BYTES = 4 + 4 + 8 + 2;

    /** The two processes, the shared buffer and the fence of the next round. */
    @State(Scope.Thread)
    public static class Pair {
        /** The daemon's event loops: with 2 the producer and the consumer are on different loops. */
        @Param({"1", "2"})
        int ioThreads;

        BenchDaemon daemon;
        WireSocket producer;
        WireSocket consumer;
        int card;
        int handle;
        int theirDmaBuf;
        ByteBuffer signal;
        ByteBuffer pollAndMarker;
        final ByteBuffer pollReply = ByteBuffer.allocate(POLL_REPLY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        boolean signalReplyPending;

        @Setup(Level.Trial)
        public void start() {
            daemon = new BenchDaemon(ioThreads);
            producer = WireSocket.hello(daemon.socket(), "producer");
            consumer = WireSocket.hello(daemon.socket(), "consumer");
            byte[] path = "/dev/dri/card0".getBytes(StandardCharsets.UTF_8);
            card = (int) producer.call(
                            WireSocket.OPEN,
                            1,
                            WireSocket.body(6 + path.length)
                                    .putInt(2)
                                    .putShort((short) path.length)
                                    .put(path))
                    .result();
            byte[] dumb = new byte[ModeCreateDumb.SIZE];
            new ModeCreateDumb(16, 16, 32, 0, 0, 0, 0).write(le(dumb));
            check(producer.ioctl(card, Drm.IOCTL_MODE_CREATE_DUMB, dumb), "CREATE_DUMB");
            handle = ModeCreateDumb.read(le(dumb)).handle();
            byte[] prime = new byte[DrmPrimeHandle.SIZE];
            new DrmPrimeHandle(handle, 0, -1).write(le(prime));
            check(producer.ioctl(card, Drm.IOCTL_PRIME_HANDLE_TO_FD, prime), "PRIME_HANDLE_TO_FD");
            int dmabuf = DrmPrimeHandle.read(le(prime)).fd();
            WireSocket.Reply sent =
                    producer.call(WireSocket.FD_SEND, 2, WireSocket.body(4).putInt(dmabuf));
            check(sent.result(), "FD_SEND");
            byte[] token = new byte[16];
            sent.body().get(token);
            theirDmaBuf = (int)
                    consumer.call(WireSocket.FD_RECV, 3, WireSocket.body(16).put(token))
                            .result();
            check(theirDmaBuf, "FD_RECV");
            ByteBuffer poll = WireSocket.pollFrame(POLL_TAG, theirDmaBuf, WireSocket.POLLIN);
            ByteBuffer marker = WireSocket.ioctlFrame(MARKER_TAG, 999, Vgem.IOCTL_FENCE_SIGNAL, new byte[8]);
            pollAndMarker = ByteBuffer.allocate(poll.remaining() + marker.remaining())
                    .put(poll)
                    .put(marker)
                    .flip();
        }

        /** Attaches the next fence and parks the consumer's POLL on it. */
        @Setup(Level.Invocation)
        public void arm() {
            if (signalReplyPending) {
                producer.receive();
                signalReplyPending = false;
            }
            byte[] attach = new byte[VgemFenceAttach.SIZE];
            new VgemFenceAttach(handle, Vgem.VGEM_FENCE_WRITE, 0, 0).write(le(attach));
            check(producer.ioctl(card, Vgem.IOCTL_FENCE_ATTACH, attach), "FENCE_ATTACH");
            byte[] arg = new byte[VgemFenceSignal.SIZE];
            new VgemFenceSignal(VgemFenceAttach.read(le(attach)).outFence(), 0).write(le(arg));
            signal = WireSocket.ioctlFrame(SIGNAL_TAG, card, Vgem.IOCTL_FENCE_SIGNAL, arg);
            pollAndMarker.rewind();
            consumer.send(pollAndMarker);
            WireSocket.Reply r = consumer.receive();
            if (r.tag() != MARKER_TAG) { // the POLL must be parked: answered only after the marker
                throw new IllegalStateException("the POLL did not park: reply " + r);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            producer.close();
            consumer.close();
            daemon.close();
        }

        private static ByteBuffer le(byte[] b) {
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        }

        private static void check(long result, String what) {
            if (result < 0) {
                throw new IllegalStateException(what + " failed: " + result);
            }
        }
    }

    /**
     * The producer signals; the consumer's parked POLL answers. The consumer reads the reply's known size in one
     * read, as the baseline's client reads its reply.
     */
    @Benchmark
    public long signalToParkedPollReply(Pair s) {
        s.producer.send(s.signal);
        s.signalReplyPending = true;
        ByteBuffer r = s.pollReply.clear();
        s.consumer.readFully(r);
        long result = r.getLong(8);
        if (r.getInt(0) != POLL_REPLY_BYTES - 4 || r.getInt(4) != POLL_TAG || result != 1) {
            throw new IllegalStateException("expected the POLL's reply, got tag " + r.getInt(4) + " result " + result);
        }
        return result;
    }

    /** The raw round trip of the same socket threading: the baseline (half of it is one hop). */
    @Benchmark
    public long rawPingPongRoundTrip(WireBenchmark.RawPlatform s) {
        return s.pingPong();
    }
}
