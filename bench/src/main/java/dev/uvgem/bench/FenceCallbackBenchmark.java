package dev.uvgem.bench;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.core.time.VirtualClock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Fence create → add callback → signal, against its closest JDK analogue, CompletableFuture create → thenRun →
 * complete, on one thread. The fence's callback node is caller-owned and reused, as a driver embeds its
 * {@code dma_fence_cb}; the CompletableFuture allocates its completion per call, as it must.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FenceCallbackBenchmark {
    private final SystemClock clock = new SystemClock();
    private final VirtualClock virtualClock = new VirtualClock();
    private final FenceOps ops = FenceOps.named("bench", "bench");
    private final long context = FenceContext.allocate();
    private long seqno;
    private long calls;
    private final FenceCallback cb = new FenceCallback() {
        @Override
        protected void onSignal(Fence fence) {
            calls++;
        }
    };
    private final Runnable action = () -> calls++;

    /** The uvgem cycle. */
    @Benchmark
    public long fenceCreateCallbackSignal() {
        Fence f = Fence.create(clock, ops, context, ++seqno);
        f.addCallback(cb);
        f.signal();
        return calls;
    }

    /**
     * The uvgem cycle on a virtual clock: the same work without the CLOCK_MONOTONIC read for the signal
     * timestamp, which costs about 20 ns on these machines.
     */
    @Benchmark
    public long fenceCreateCallbackSignalVirtualClock() {
        Fence f = Fence.create(virtualClock, ops, context, ++seqno);
        f.addCallback(cb);
        f.signal();
        return calls;
    }

    /** The clock read alone, to show what part of the cycle the signal timestamp is. */
    @Benchmark
    public long systemClockRead() {
        return clock.nanoTime();
    }

    /** The baseline cycle. */
    @Benchmark
    public long completableFutureThenRunComplete() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        f.thenRun(action);
        f.complete(null);
        return calls;
    }
}
