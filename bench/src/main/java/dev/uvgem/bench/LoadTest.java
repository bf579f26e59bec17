package dev.uvgem.bench;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.UvgemFile;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import dev.uvgem.client.UvgemClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A bounded load test of the daemon: {@code connections} client processes (Java clients, one connection each) in
 * producer/consumer pairs, for a fixed time. In each cycle the producer attaches a write fence to its buffer, the
 * consumer (which received the buffer's dma-buf by FD_SEND/FD_RECV at the start) parks a POLL(POLLIN) on it, and the
 * producer signals; the cycle ends when the consumer's poll returns POLLIN. Every call is timed into an
 * HdrHistogram; a call that fails, a poll that does not see its fence (an expiry, a timeout) or a reply that never
 * comes (a worker still waiting when the time is up, plus a grace period) is an error.
 *
 * <p>Usage: {@code ./uvgem bench load [connections] [seconds]} (default 1000 connections for 10 s), against a
 * daemon started in the same JVM with the defaults of {@code ./uvgem daemon}.
 *
 * <p>Thread-safety: one run at a time per instance; the workers are virtual threads.
 */
public final class LoadTest {
    /** How long the workers may take to finish their last cycle after the time is up. */
    static final Duration GRACE = Duration.ofSeconds(30);

    /** What a run measured. */
    public record Result(
            int connections,
            Duration elapsed,
            long cycles,
            long calls,
            long errors,
            long lostReplies,
            Histogram latency) {
        /** Cycles per second. */
        public double cyclesPerSecond() {
            return cycles / (elapsed.toNanos() / 1e9);
        }

        /** Prints the figures. */
        public void print(PrintStream out) {
            out.printf(
                    Locale.ROOT,
                    "%d connections, %.1f s: %d cycles (%.0f/s), %d calls (%.0f/s); call latency p50 %.1f us, p99 %.1f"
                            + " us, max %.1f us; %d errors, %d lost replies%n",
                    connections,
                    elapsed.toNanos() / 1e9,
                    cycles,
                    cyclesPerSecond(),
                    calls,
                    calls / (elapsed.toNanos() / 1e9),
                    latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0,
                    errors,
                    lostReplies);
        }
    }

    private final Path socket;
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean running;

    /** A load test of the daemon listening on {@code socket}. */
    public LoadTest(Path socket) {
        this.socket = socket;
    }

    /**
     * Runs {@code connections} connections (rounded up to pairs) for {@code duration}.
     *
     * <p>Context: sleeps for the duration; starts and joins the workers.
     */
    public Result run(int connections, Duration duration) throws IOException, InterruptedException {
        int pairs = (connections + 1) / 2;
        List<Pair> all = new ArrayList<>();
        try {
            for (int i = 0; i < pairs; i++) {
                all.add(new Pair(i));
            }
            running = true;
            long start = System.nanoTime();
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (Pair p : all) {
                workers.add(p.start());
            }
            Thread.sleep(duration);
            running = false;
            long lost = 0;
            long deadline = System.nanoTime() + GRACE.toNanos();
            for (CompletableFuture<Void> w : workers) {
                try {
                    w.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    lost++;
                } catch (ExecutionException e) {
                    errors.incrementAndGet();
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long cycles = 0;
            for (Pair p : all) {
                latency.add(p.producerLatency);
                latency.add(p.consumerLatency);
                cycles += p.cycles;
            }
            return new Result(2 * pairs, elapsed, cycles, latency.getTotalCount(), errors.get(), lost, latency);
        } finally {
            for (Pair p : all) {
                p.close();
            }
        }
    }

    /** A producer and a consumer process sharing one buffer. */
    private final class Pair implements AutoCloseable {
        final Uvgem producer;
        final Uvgem consumer;
        final VgemDevice vgem;
        final BufferObject bo;
        final DmaBufFd theirs;
        final Histogram producerLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram consumerLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final SynchronousQueue<Boolean> armed = new SynchronousQueue<>();
        final SynchronousQueue<Boolean> done = new SynchronousQueue<>();
        long cycles;

        Pair(int i) throws IOException {
            producer = UvgemClient.connect(socket, "load-p" + i);
            consumer = UvgemClient.connect(socket, "load-c" + i);
            vgem = producer.openVgem();
            bo = vgem.createDumb(16, 16, 32);
            try (DmaBufFd mine = bo.export(false)) {
                theirs = consumer.receive(mine.send()).asDmaBuf();
            }
        }

        CompletableFuture<Void> start() {
            CompletableFuture<Void> consumerDone = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> run(consumerDone, this::consume));
            CompletableFuture<Void> producerDone = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> run(producerDone, this::produce));
            return CompletableFuture.allOf(producerDone, consumerDone);
        }

        private void run(CompletableFuture<Void> result, Work work) {
            try {
                work.run();
                result.complete(null);
            } catch (Throwable t) {
                errors.incrementAndGet();
                result.completeExceptionally(t);
            }
        }

        /** Attach, let the consumer poll, signal, wait for the consumer; until the time is up. */
        private void produce() throws InterruptedException {
            while (running) {
                long t0 = System.nanoTime();
                VgemFence fence = bo.attachFence(true);
                long t1 = System.nanoTime();
                producerLatency.recordValue(t1 - t0);
                armed.put(Boolean.TRUE);
                long t2 = System.nanoTime();
                fence.signal();
                producerLatency.recordValue(System.nanoTime() - t2);
                if (!done.take()) {
                    throw new IllegalStateException("the consumer's poll did not see the fence signal");
                }
                cycles++;
            }
            armed.put(Boolean.FALSE);
        }

        /** Park a poll for each fence the producer attaches. */
        private void consume() throws InterruptedException {
            while (armed.take()) {
                long t0 = System.nanoTime();
                int revents = theirs.poll(UvgemFile.POLLIN, Duration.ofSeconds(5));
                consumerLatency.recordValue(System.nanoTime() - t0);
                done.put(revents == UvgemFile.POLLIN);
            }
        }

        @Override
        public void close() {
            theirs.close();
            bo.close();
            vgem.close();
            consumer.close();
            producer.close();
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /**
     * {@code load [connections] [seconds]}: runs the load test against a daemon in this JVM and prints the result;
     * exits 1 if there were errors or lost replies.
     */
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Result r;
        try (BenchDaemon daemon = new BenchDaemon()) {
            r = new LoadTest(daemon.socket()).run(connections, Duration.ofSeconds(seconds));
        }
        r.print(System.out);
        if (r.errors() != 0 || r.lostReplies() != 0) {
            System.exit(1);
        }
    }
}
