package dev.uvgem.core.fence;

import static dev.uvgem.core.testsupport.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.testsupport.CountingCallback;
import dev.uvgem.core.testsupport.TestFences;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.testsupport.Threads.Running;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.core.time.Timer;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel's st-dma-fence selftest (KUnit suite "dma-buf-fence"), re-expressed: one method per kernel case,
 * named after it, plus unit tests of the waits, seqno ordering and text forms the selftest does not cover.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DmaFenceTest {
    private static final long JIFFY = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HZ = TimeUnit.SECONDS.toNanos(1);

    private final VirtualClock clock = new VirtualClock();

    /** The selftest's mock: context 0, seqno 0, names only. */
    private Fence mockFence() {
        return TestFences.mock(clock);
    }

    @Test
    void sanitycheck() {
        Fence f = mockFence();
        f.enableSwSignaling();
        assertThat(f.signal()).isFalse();
    }

    @Test
    void testSignaling() {
        Fence f = mockFence();
        f.enableSwSignaling();
        assertThat(f.isSignaled()).as("signalled on creation").isFalse();
        assertThat(f.signal()).as("first signal reports already signalled").isFalse();
        assertThat(f.isSignaled()).isTrue();
        assertThat(f.signal()).as("second signal reports already signalled").isTrue();
    }

    @Test
    void testAddCallback() {
        Fence f = mockFence();
        CountingCallback cb = new CountingCallback();
        assertThat(f.addCallback(cb)).isZero();
        assertThat(cb.isPending()).isTrue();
        f.signal();
        assertThat(cb.runs).hasValue(1);
        assertThat(cb.isPending()).isFalse();
    }

    @Test
    void testLateAddCallback() {
        Fence f = mockFence();
        f.enableSwSignaling();
        f.signal();
        CountingCallback cb = new CountingCallback();
        assertThat(f.addCallback(cb)).isEqualTo(Errno.ENOENT.negative());
        f.signal();
        assertThat(cb.seen()).as("callback run after failed attachment").isFalse();
    }

    @Test
    void testRmCallback() {
        Fence f = mockFence();
        CountingCallback cb = new CountingCallback();
        assertThat(f.addCallback(cb)).isZero();
        assertThat(f.removeCallback(cb)).isTrue();
        f.signal();
        assertThat(cb.seen()).as("callback run after removal").isFalse();
    }

    @Test
    void testLateRmCallback() {
        Fence f = mockFence();
        CountingCallback cb = new CountingCallback();
        assertThat(f.addCallback(cb)).isZero();
        f.signal();
        assertThat(cb.seen()).isTrue();
        assertThat(f.removeCallback(cb)).as("removal after the callback ran").isFalse();
    }

    @Test
    void testStatus() {
        Fence f = mockFence();
        f.enableSwSignaling();
        assertThat(f.status()).isZero();
        f.signal();
        assertThat(f.status()).isEqualTo(1);
    }

    @Test
    void testError() {
        Fence f = mockFence();
        f.enableSwSignaling();
        f.setError(Errno.EIO);
        assertThat(f.status()).as("error visible before signal").isZero();
        assertThat(f.error()).isZero();
        f.signal();
        assertThat(f.status()).isEqualTo(Errno.EIO.negative());
        assertThat(f.error()).isEqualTo(Errno.EIO.negative());
    }

    @Test
    void testWait() {
        Fence f = mockFence();
        f.enableSwSignaling();
        assertThat(f.waitTimeout(false, 0))
                .as("zero-timeout poll while pending")
                .isZero();
        f.signal();
        assertThat(f.waitTimeout(false, 0))
                .as("zero-timeout poll once signalled")
                .isEqualTo(1);
    }

    @Test
    void testWaitTimeout() throws Exception {
        Fence f = mockFence();
        f.enableSwSignaling();

        // A one-jiffy wait on a fence nobody signals times out once virtual time passes the jiffy.
        Running<Long> timedOut = waitInThread(f, JIFFY);
        awaitParked(timedOut);
        clock.advanceNanos(JIFFY);
        assertThat(timedOut.get()).isZero();

        // A timer signals one jiffy later; a wait of HZ returns the time left, exactly HZ - 1 jiffy.
        Timer signaller = signaller(f);
        Running<Long> woken = waitInThread(f, HZ);
        awaitParked(woken);
        clock.arm(signaller, clock.nanoTime() + JIFFY);
        clock.advanceNanos(JIFFY);
        assertThat(woken.get()).isEqualTo(HZ - JIFFY);
    }

    @Test
    void testWaitTimeoutSystemClock() {
        SystemClock real = new SystemClock();
        Fence f = TestFences.mock(real);
        long start = System.nanoTime();
        assertThat(f.waitTimeout(false, TimeUnit.MILLISECONDS.toNanos(5))).isZero();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(5));

        real.arm(signaller(f), real.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2));
        long left = f.waitTimeout(false, HZ);
        assertThat(left).isPositive().isLessThan(HZ);
        assertThat(f.isSignaled()).isTrue();
    }

    @Test
    void testStub() {
        for (int i = 0; i < 64; i++) {
            Fence stub = Fence.stub();
            assertThat(stub.isSignaled()).as("stub %d", i).isTrue();
            assertThat(stub.context()).isZero();
            assertThat(stub.seqno()).isZero();
        }
        Fence priv = Fence.privateStub(1234);
        assertThat(priv.isSignaled()).isTrue();
        assertThat(priv.timestamp()).isEqualTo(1234);
        assertThat(priv.ops().driverName(priv)).isEqualTo("stub");
        assertThat(priv.ops().timelineName(priv)).isEqualTo("stub");
    }

    /**
     * Two threads each publish a fence, add a callback to the other's and signal their own, before (pass 1) or
     * after (pass 0) adding. A callback that was registered must be seen: no lost wake-up between add and signal.
     */
    @Test
    void testRaceSignalCallback() throws Exception {
        raceSignalCallback(Duration.ofMillis(50));
    }

    static void raceSignalCallback(Duration perPass) throws Exception {
        SystemClock real = new SystemClock();
        for (int pass = 0; pass <= 1; pass++) {
            boolean before = pass == 1;
            Slots slots = new Slots();
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<long[]>> threads = new ArrayList<>();
            for (int id = 0; id < 2; id++) {
                int self = id;
                CompletableFuture<long[]> result = new CompletableFuture<>();
                Thread.ofPlatform().name("dma-fence:" + id).start(() -> {
                    try {
                        result.complete(raceThread(real, slots, self, before, stop));
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
                threads.add(result);
            }
            Thread.sleep(perPass.toMillis());
            stop.set(true);
            for (CompletableFuture<long[]> t : threads) {
                long[] passesAndMisses = t.get(10, TimeUnit.SECONDS);
                assertThat(passesAndMisses[0]).as("passes").isPositive();
            }
        }
    }

    private static final class Slots {
        final AtomicReference<Fence> a = new AtomicReference<>();
        final AtomicReference<Fence> b = new AtomicReference<>();

        AtomicReference<Fence> get(int i) {
            return i == 0 ? a : b;
        }
    }

    private static long[] raceThread(Clock clock, Slots slots, int id, boolean before, AtomicBoolean stop) {
        long pass = 0;
        long miss = 0;
        while (!stop.get()) {
            Fence f1 = TestFences.mock(clock);
            f1.enableSwSignaling();
            slots.get(id).set(f1);
            Fence f2;
            do {
                f2 = slots.get(1 - id).get();
            } while (f2 == null && !stop.get());

            if (before) {
                f1.signal();
            }
            CountingCallback cb = new CountingCallback();
            boolean registered = f2 != null && f2.addCallback(cb) == 0;
            if (!registered) {
                miss++;
            }
            if (!before) {
                f1.signal();
            }
            if (registered) {
                assertThat(f2.await(false)).isZero();
                // Callbacks run after the fence lock is dropped, so the waiter (woken first) may get here just
                // before the signaller reaches our callback: give it a bounded moment.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!cb.seen() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                assertThat(cb.runs)
                        .as(
                                "callback not seen on thread %d, pass %d (%d misses), signalling %s add_callback",
                                id, pass, miss, before ? "before" : "after")
                        .hasValue(1);
            }
            slots.get(id).compareAndSet(f1, null);
            pass++;
        }
        return new long[] {pass, miss};
    }

    // ---- Beyond the selftest: waits ------------------------------------------------------------------------

    @Test
    void waitTimeoutValidatesAndReportsFullTimeoutWhenAlreadySignalled() {
        Fence f = mockFence();
        assertThat(f.waitTimeout(false, -1)).isEqualTo(Errno.EINVAL.negative());
        f.signal();
        assertThat(f.waitTimeout(true, HZ)).isEqualTo(HZ);
        assertThat(f.await(true)).isZero();
    }

    @Test
    void waitAnyTimeoutArgumentsAndPolls() {
        Fence[] fences = {mockFence(), mockFence(), mockFence()};
        int[] idx = {-1};
        assertThat(Fence.waitAnyTimeout(new Fence[0], false, HZ, idx)).isEqualTo(Errno.EINVAL.negative());
        assertThat(Fence.waitAnyTimeout(null, false, HZ, idx)).isEqualTo(Errno.EINVAL.negative());
        assertThat(Fence.waitAnyTimeout(fences, false, -1, idx)).isEqualTo(Errno.EINVAL.negative());
        assertThat(Fence.waitAnyTimeout(fences, false, 0, idx)).isZero();

        fences[2].signal();
        fences[1].signal();
        assertThat(Fence.waitAnyTimeout(fences, false, 0, idx)).isEqualTo(1);
        assertThat(idx[0]).as("lowest signalled index").isEqualTo(1);
        idx[0] = -1;
        assertThat(Fence.waitAnyTimeout(fences, false, HZ, idx)).isEqualTo(HZ);
        assertThat(idx[0]).isEqualTo(1);
        assertThat(Fence.waitAnyTimeout(fences, false, HZ, null)).isEqualTo(HZ);
    }

    @Test
    void waitAnyTimeoutWakesOnTheOneSignalled() throws Exception {
        Fence[] fences = {mockFence(), mockFence(), mockFence()};
        int[] idx = {-1};
        Running<Long> r = Threads.start(() -> Fence.waitAnyTimeout(fences, false, HZ, idx));
        awaitParked(r);
        clock.advanceNanos(3 * JIFFY);
        fences[2].signal();
        assertThat(r.get()).isEqualTo(HZ - 3 * JIFFY);
        assertThat(idx[0]).isEqualTo(2);
        // Nothing stays registered on the others.
        CountingCallback cb = new CountingCallback();
        assertThat(fences[0].addCallback(cb)).isZero();
        fences[0].signal();
        assertThat(cb.runs).hasValue(1);
    }

    @Test
    void waitAnyTimeoutTimesOut() throws Exception {
        Fence[] fences = {mockFence(), mockFence()};
        Running<Long> r = Threads.start(() -> Fence.waitAnyTimeout(fences, true, 10 * JIFFY, null));
        awaitParked(r);
        clock.advanceNanos(9 * JIFFY);
        Thread.sleep(5);
        assertThat(r.result()).isNotDone();
        clock.advanceNanos(JIFFY);
        assertThat(r.get()).isZero();
    }

    @Test
    void interruptibleWaitReturnsEintrAndKeepsTheInterrupt() throws Exception {
        Fence f = mockFence();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CompletableFuture<Long> r = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            r.complete(f.waitTimeout(true, Fence.MAX_SCHEDULE_TIMEOUT));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        awaitParked(t);
        t.interrupt();
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(Errno.EINTR.negative());
        t.join(5000);
        assertThat(stillInterrupted).isTrue();
        assertThat(f.isSignaled()).isFalse();
        // The waiter unregistered itself: a later signal finds no stale node.
        f.signal();
    }

    @Test
    void interruptibleWaitOnInterruptedThreadFailsFastUnlessSignalled() {
        Fence f = mockFence();
        Thread.currentThread().interrupt();
        try {
            assertThat(f.waitTimeout(true, HZ)).isEqualTo(Errno.EINTR.negative());
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            f.signal();
            assertThat(f.waitTimeout(true, HZ))
                    .as("signalled wins over a pending interrupt")
                    .isEqualTo(HZ);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void uninterruptibleWaitIgnoresInterruptsAndKeepsTheFlag() throws Exception {
        Fence f = mockFence();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CompletableFuture<Long> r = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            r.complete(f.waitTimeout(false, Fence.MAX_SCHEDULE_TIMEOUT));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        awaitParked(t);
        t.interrupt();
        assertThatThrownBy(() -> r.get(50, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        f.signal();
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(Fence.MAX_SCHEDULE_TIMEOUT);
        t.join(5000);
        assertThat(stillInterrupted).isTrue();
    }

    // ---- Beyond the selftest: ordering, text, errors, callbacks ---------------------------------------------

    @Test
    void isLaterWrapsLow32BitsUnlessSeqno64() {
        assertThat(Fence.isLater(1, 0xFFFF_FFFFL, false))
                .as("1 follows 2^32-1 after wrap")
                .isTrue();
        assertThat(Fence.isLater(0xFFFF_FFFFL, 1, false)).isFalse();
        assertThat(Fence.isLater(0x8000_0000L, 0, false))
                .as("exactly half way round is not later")
                .isFalse();
        assertThat(Fence.isLater(0x7FFF_FFFFL, 0, false)).isTrue();
        assertThat(Fence.isLater(0x1_0000_0001L, 0xFFFF_FFFFL, false)).isTrue();
        assertThat(Fence.isLater(0x1_0000_0000L, 0, false))
                .as("only the low 32 bits count")
                .isFalse();

        assertThat(Fence.isLater(1, 0xFFFF_FFFFL, true)).isFalse();
        assertThat(Fence.isLater(0x1_0000_0000L, 0, true)).isTrue();
        assertThat(Fence.isLater(-1L, 1, true)).as("64-bit compare is unsigned").isTrue();

        long ctx = FenceContext.allocate();
        Fence a = Fence.create(clock, "mock", "mock", ctx, 0xFFFF_FFFFL);
        Fence b = Fence.create(clock, "mock", "mock", ctx, 1);
        Fence other = Fence.create(clock, "mock", "mock", FenceContext.allocate(), 5);
        assertThat(Fence.isLater(b, a)).isTrue();
        assertThat(Fence.isLater(a, b)).isFalse();
        assertThat(Fence.isLater(other, a))
                .as("different contexts are unordered")
                .isFalse();
        assertThat(Fence.isLaterOrSame(a, a)).isTrue();
        assertThat(Fence.isLaterOrSame(a, b)).isFalse();
    }

    @Test
    void contextsStartAtOneAndNeverRepeat() {
        long first = FenceContext.allocate(3);
        assertThat(first).isPositive();
        assertThat(FenceContext.allocate()).isGreaterThanOrEqualTo(first + 3);
        assertThatThrownBy(() -> FenceContext.allocate(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describeText() {
        Fence f = Fence.create(clock, "drv", "tl", 5, 1);
        assertThat(f.describe()).isEqualTo("5:1 tl drv unsignalled\n");
        f.signal();
        assertThat(f.describe()).isEqualTo("5:1   signalled\n");
        Fence big = Fence.create(clock, "drv", "tl", 7, -1L);
        assertThat(big.describe()).startsWith("7:18446744073709551615 ");
    }

    @Test
    void namesAfterSignalling() {
        Fence f = Fence.create(clock, "vgem", "unbound", FenceContext.allocate(), 1);
        assertThat(f.driverName()).isEqualTo("vgem");
        assertThat(f.timelineName()).isEqualTo("unbound");
        f.signal();
        assertThat(f.driverName()).isEqualTo("detached-driver");
        assertThat(f.timelineName()).isEqualTo("signaled-timeline");
    }

    @Test
    void timestampIsTheClockAtSignal() {
        Fence f = mockFence();
        assertThatThrownBy(f::timestamp).isInstanceOf(IllegalStateException.class);
        clock.advanceNanos(42);
        long now = clock.nanoTime();
        f.signal();
        clock.advanceNanos(1000);
        assertThat(f.timestamp()).isEqualTo(now);
        Fence g = mockFence();
        g.signalTimestamp(7);
        assertThat(g.timestamp()).isEqualTo(7);
    }

    @Test
    void setErrorRules() {
        Fence f = mockFence();
        assertThatThrownBy(() -> f.setError(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.setError(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.setError(-4096)).isInstanceOf(IllegalArgumentException.class);
        f.setError(-4095);
        f.signal();
        assertThat(f.status()).isEqualTo(-4095);
        assertThatThrownBy(() -> f.setError(-1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void signalWithErrorFirstSignalWins() {
        Fence f = mockFence();
        assertThat(f.signalWithError(Errno.ETIME.negative())).isFalse();
        assertThat(f.signalWithError(Errno.ENOENT.negative())).isTrue();
        assertThat(f.status()).isEqualTo(Errno.ETIME.negative());
        Fence g = mockFence();
        g.signal();
        assertThat(g.signalWithError(Errno.ETIME.negative())).isTrue();
        assertThat(g.status()).isEqualTo(1);
    }

    @Test
    void signalWithErrorRacesKeepTheWinnersError() throws Exception {
        for (int round = 0; round < 200; round++) {
            Fence f = TestFences.mock(new SystemClock());
            AtomicInteger winner = new AtomicInteger();
            Thread[] ts = new Thread[2];
            for (int i = 0; i < 2; i++) {
                int err = i == 0 ? Errno.ETIME.negative() : Errno.ENOENT.negative();
                ts[i] = Thread.ofPlatform().start(() -> {
                    if (!f.signalWithError(err)) {
                        winner.set(err);
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(f.status()).isEqualTo(winner.get());
        }
    }

    @Test
    void callbacksRunInRegistrationOrderAndAThrowingOneStrandsNoOther() {
        Fence f = mockFence();
        List<Integer> order = new ArrayList<>();
        f.addCallback(FenceCallback.of(x -> order.add(1)));
        f.addCallback(FenceCallback.of(x -> {
            throw new IllegalStateException("boom");
        }));
        f.addCallback(FenceCallback.of(x -> order.add(3)));
        assertThatThrownBy(f::signal).hasMessage("boom");
        assertThat(order).containsExactly(1, 3);
        assertThat(f.isSignaled()).isTrue();
    }

    @Test
    void addCallbackRejectsNullAndDoubleRegistration() {
        Fence f = mockFence();
        Fence g = mockFence();
        assertThat(f.addCallback(null)).isEqualTo(Errno.EINVAL.negative());
        CountingCallback cb = new CountingCallback();
        assertThat(f.addCallback(cb)).isZero();
        assertThatThrownBy(() -> g.addCallback(cb)).isInstanceOf(IllegalStateException.class);
        assertThat(g.removeCallback(cb)).as("not pending on g").isFalse();
        assertThat(f.removeCallback(cb)).isTrue();
        assertThat(g.addCallback(cb)).as("reusable once removed").isZero();
        g.signal();
        f.signal();
        assertThat(cb.runs).hasValue(1);
    }

    @Test
    void enableSignalingHookRunsOnceAndFalseSignals() {
        AtomicInteger calls = new AtomicInteger();
        Fence done = TestFences.fence(clock, TestFences.enabling("scripted", "scripted", fence -> {
            assertThat(Thread.holdsLock(fence.lock())).isTrue();
            calls.incrementAndGet();
            return false;
        }));
        assertThat(done.isSignaled()).isFalse();
        assertThat(done.addCallback(new CountingCallback())).isEqualTo(Errno.ENOENT.negative());
        assertThat(done.isSignaled()).isTrue();
        assertThat(done.isSignalingEnabled()).isTrue();
        done.enableSwSignaling();
        assertThat(done.waitTimeout(false, HZ)).isEqualTo(HZ);
        assertThat(calls).hasValue(1);
    }

    @Test
    void signaledHookSignalsAsASideEffectOfPolling() {
        AtomicBoolean hardwareDone = new AtomicBoolean();
        Fence f = TestFences.fence(clock, TestFences.polled("hw", "ring", hardwareDone::get));
        CountingCallback cb = new CountingCallback();
        f.addCallback(cb);
        assertThat(f.status()).isZero();
        hardwareDone.set(true);
        assertThat(f.isSignaledFlag()).isFalse();
        assertThat(f.status()).isEqualTo(1);
        assertThat(f.isSignaledFlag()).isTrue();
        assertThat(cb.runs).hasValue(1);
    }

    /**
     * A driver's enableSignaling hook runs under its fence's lock. If it polls another fence that turns out to
     * be complete (signalling it), that fence's callbacks must not run under the hook's lock; they run once the
     * enabling call has dropped it, still before it returns.
     */
    @Test
    void callbacksOfFencesSignalledInsideAHookRunAfterItsLockIsDropped() {
        AtomicBoolean innerDone = new AtomicBoolean();
        Fence inner = TestFences.fence(clock, TestFences.polled("inner", "inner", innerDone::get));
        AtomicReference<Fence> outerRef = new AtomicReference<>();
        Fence outer = TestFences.fence(clock, TestFences.enabling("outer", "outer", fence -> !inner.isSignaled()));
        outerRef.set(outer);
        AtomicBoolean ranUnderOuterLock = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        inner.addCallback(FenceCallback.of(f -> {
            ranUnderOuterLock.set(Thread.holdsLock(outerRef.get().lock()));
            runs.incrementAndGet();
        }));
        innerDone.set(true);

        assertThat(outer.addCallback(new CountingCallback())).isEqualTo(Errno.ENOENT.negative());
        assertThat(runs).as("ran before addCallback returned").hasValue(1);
        assertThat(ranUnderOuterLock).isFalse();
        assertThat(inner.isSignaledFlag()).isTrue();
        assertThat(outer.isSignaledFlag()).isTrue();
    }

    @Test
    void deadlineIsForwardedOnlyWhilePending() {
        AtomicLong deadline = new AtomicLong(-1);
        Fence f = TestFences.fence(
                clock, TestFences.deadlines("d", "d", (fence, deadlineNanos) -> deadline.set(deadlineNanos)));
        f.setDeadline(100);
        assertThat(deadline).hasValue(100);
        f.signal();
        f.setDeadline(50);
        assertThat(deadline).hasValue(100);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** A timer that signals {@code f} when it expires. */
    private static Timer signaller(Fence f) {
        return new Timer() {
            @Override
            protected void expire() {
                f.signal();
            }
        };
    }

    private static Running<Long> waitInThread(Fence f, long timeout) {
        return Threads.start(() -> f.waitTimeout(false, timeout));
    }
}
