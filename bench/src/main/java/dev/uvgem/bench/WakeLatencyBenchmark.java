package dev.uvgem.bench;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.time.SystemClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * Cross-thread wake latency: one round trip is two hand-offs (ping, pong) between the benchmark thread and a
 * partner thread. The uvgem side signals a fence the other side waits on ({@link Fence#waitTimeout}); the
 * baseline hands off with a volatile flag and raw {@link LockSupport} park/unpark. Both create their two
 * one-shot events per round in the same way, so the difference is the fence's signal and wait paths.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WakeLatencyBenchmark {

    /** Fence ping-pong state: the partner waits on {@code ping}, signals {@code pong}. */
    @State(Scope.Benchmark)
    public static class FencePair {
        final SystemClock clock = new SystemClock();
        final long context = FenceContext.allocate();
        long seqno;
        volatile Fence ping;
        volatile Fence pong;
        volatile boolean running;
        Thread partner;

        @Setup(Level.Trial)
        public void start() {
            ping = next();
            pong = next();
            running = true;
            partner = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    Fence in = ping;
                    Fence out = pong;
                    in.waitTimeout(false, TimeUnit.MILLISECONDS.toNanos(100));
                    if (in.isSignaledFlag()) {
                        out.signal();
                        while (running && ping == in) {
                            Thread.onSpinWait();
                        }
                    }
                }
            });
        }

        Fence next() {
            return Fence.create(clock, "bench", "bench", context, ++seqno);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            ping.signal();
            partner.join();
        }
    }

    /** Baseline state: the same protocol with a flag and park/unpark. */
    @State(Scope.Benchmark)
    public static class ParkPair {
        volatile Flag ping;
        volatile Flag pong;
        volatile boolean running;
        Thread partner;
        volatile Thread main;

        @Setup(Level.Trial)
        public void start() {
            ping = new Flag();
            pong = new Flag();
            running = true;
            partner = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    Flag in = ping;
                    Flag out = pong;
                    in.await(100);
                    if (in.set) {
                        out.raise(main);
                        while (running && ping == in) {
                            Thread.onSpinWait();
                        }
                    }
                }
            });
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            ping.raise(partner);
            partner.join();
        }
    }

    /** A one-shot event: a volatile flag with a parked waiter. */
    static final class Flag {
        volatile boolean set;

        void raise(Thread waiter) {
            set = true;
            LockSupport.unpark(waiter);
        }

        void await(long millis) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (!set && System.nanoTime() < deadline) {
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
        }
    }

    /** One fence round trip. */
    @Benchmark
    public boolean fenceRoundTrip(FencePair s) {
        Fence ping = s.ping;
        Fence pong = s.pong;
        Fence nextPing = s.next();
        Fence nextPong = s.next();
        ping.signal();
        pong.waitTimeout(false, Fence.MAX_SCHEDULE_TIMEOUT);
        s.pong = nextPong;
        s.ping = nextPing;
        return pong.isSignaledFlag();
    }

    /** One park/unpark round trip. */
    @Benchmark
    public boolean parkUnparkRoundTrip(ParkPair s) {
        s.main = Thread.currentThread();
        Flag ping = s.ping;
        Flag pong = s.pong;
        Flag nextPing = new Flag();
        Flag nextPong = new Flag();
        ping.raise(s.partner);
        while (!pong.set) {
            LockSupport.park(pong);
        }
        s.pong = nextPong;
        s.ping = nextPing;
        return pong.set;
    }
}
