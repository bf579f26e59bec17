package dev.uvgem.core.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.SystemClock;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signal against add-callback, remove-callback and waits, on many threads at once. Each round races one fresh
 * fence: adders register callbacks (and remove some, their own and each other's), waiters block on it (alone
 * and through wait-any), one thread signals it at a random moment. Afterwards every registered callback has
 * run exactly once or was removed (never both, never twice), every rejected one never ran, and every waiter
 * woke: a waiter still asleep when the round ends is a lost wake-up and fails the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FenceRaceTest {
    private static final int ADDERS = 2;
    private static final int CALLBACKS_PER_ADDER = 48;

    @Test
    void signalVersusCallbacksAndWaits() throws Exception {
        Stats s = race(Duration.ofMillis(1500));
        assertThat(s.rounds.get()).isGreaterThan(10);
        assertThat(s.ran.get()).as("some callbacks ran").isPositive();
        assertThat(s.rejected.get())
                .as("some registrations lost the race to the signal")
                .isPositive();
    }

    @Test
    @Tag("stress")
    void signalVersusCallbacksAndWaitsLong() throws Exception {
        Stats s = race(Duration.ofSeconds(20));
        assertThat(s.removed.get()).isPositive();
    }

    /** Counts how the callbacks of all rounds ended, for the final sanity checks. */
    static final class Stats {
        final AtomicLong rounds = new AtomicLong();
        final AtomicLong ran = new AtomicLong();
        final AtomicLong removed = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
    }

    /** A callback that counts its runs and successful removals. */
    static final class Probe extends FenceCallback {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger removals = new AtomicInteger();
        volatile boolean registered;

        @Override
        protected void onSignal(Fence fence) {
            runs.incrementAndGet();
        }
    }

    /** The state of one round, replaced by the coordinator between rounds. */
    static final class Round {
        final Fence fence;
        final Fence never;
        final List<List<Probe>> probes = new ArrayList<>();
        final ConcurrentLinkedQueue<Probe> shared = new ConcurrentLinkedQueue<>();
        final AtomicLong waitResult = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong waitAnyResult = new AtomicLong(Long.MIN_VALUE);
        final int[] waitAnyIndex = {-1};
        final long timedWaitBudget;
        final AtomicLong timedWaitResult = new AtomicLong(Long.MIN_VALUE);

        Round(SystemClock clock, long n) {
            fence = Fence.create(clock, "race", "race", FenceContext.allocate(), n);
            never = Fence.create(clock, "race", "never", FenceContext.allocate(), n);
            for (int i = 0; i < ADDERS; i++) {
                probes.add(new ArrayList<>());
            }
            timedWaitBudget = TimeUnit.SECONDS.toNanos(30);
        }
    }

    static Stats race(Duration duration) throws Exception {
        SystemClock clock = new SystemClock();
        Stats stats = new Stats();
        int workers = ADDERS + 4; // adders, a waiter, a wait-any waiter, a timed waiter, the signaller
        CyclicBarrier barrier = new CyclicBarrier(workers + 1);
        AtomicReference<Round> current = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int role = w;
            threads.add(Thread.ofPlatform().name("fence-race-" + w).daemon().start(() -> {
                try {
                    while (true) {
                        barrier.await();
                        if (stop.get()) {
                            return;
                        }
                        try {
                            play(role, current.get());
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        }
                        barrier.await();
                    }
                } catch (Exception e) {
                    // The barrier broke: the coordinator reports why.
                }
            }));
        }

        long end = System.nanoTime() + duration.toNanos();
        long n = 0;
        try {
            while (System.nanoTime() < end && failure.get() == null) {
                Round round = new Round(clock, ++n);
                current.set(round);
                barrier.await(10, TimeUnit.SECONDS); // start
                try {
                    barrier.await(10, TimeUnit.SECONDS); // end
                } catch (TimeoutException e) {
                    throw new AssertionError("round " + n + ": a worker never finished (lost wake-up?); fence "
                            + round.fence + ", waits " + round.waitResult + "/" + round.waitAnyResult + "/"
                            + round.timedWaitResult);
                }
                check(round, stats);
                stats.rounds.incrementAndGet();
            }
        } finally {
            stop.set(true);
            if (!barrier.isBroken()) {
                barrier.await(10, TimeUnit.SECONDS);
            }
            for (Thread t : threads) {
                t.join(5000);
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("worker failed", failure.get());
        }
        return stats;
    }

    private static void play(int role, Round r) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (role < ADDERS) {
            List<Probe> mine = r.probes.get(role);
            for (int i = 0; i < CALLBACKS_PER_ADDER; i++) {
                Probe p = new Probe();
                mine.add(p);
                int rc = r.fence.addCallback(p);
                assertThat(rc).isIn(0, Errno.ENOENT.negative());
                if (rc == 0) {
                    p.registered = true;
                    switch (rnd.nextInt(4)) {
                        case 0 -> remove(r.fence, p);
                        case 1 -> r.shared.add(p); // for the other adder to remove
                        default -> {}
                    }
                }
                Probe other = r.shared.poll();
                if (other != null) {
                    remove(r.fence, other);
                }
            }
        } else if (role == ADDERS) {
            r.waitResult.set(r.fence.waitTimeout(false, Fence.MAX_SCHEDULE_TIMEOUT));
        } else if (role == ADDERS + 1) {
            r.waitAnyResult.set(Fence.waitAnyTimeout(
                    new Fence[] {r.never, r.fence}, true, TimeUnit.SECONDS.toNanos(30), r.waitAnyIndex));
        } else if (role == ADDERS + 2) {
            r.timedWaitResult.set(r.fence.waitTimeout(true, r.timedWaitBudget));
        } else {
            for (int spin = rnd.nextInt(2000); spin > 0; spin--) {
                Thread.onSpinWait();
            }
            assertThat(r.fence.signal()).isFalse();
        }
    }

    private static void remove(Fence fence, Probe p) {
        if (fence.removeCallback(p)) {
            p.removals.incrementAndGet();
        }
    }

    private static void check(Round r, Stats stats) {
        assertThat(r.fence.isSignaledFlag()).isTrue();
        assertThat(r.waitResult.get()).as("plain waiter woke").isEqualTo(Fence.MAX_SCHEDULE_TIMEOUT);
        assertThat(r.waitAnyResult.get()).as("wait-any waiter woke").isPositive();
        assertThat(r.waitAnyIndex[0]).isEqualTo(1);
        assertThat(r.timedWaitResult.get())
                .as("timed waiter woke with time left")
                .isPositive()
                .isLessThanOrEqualTo(r.timedWaitBudget);
        for (List<Probe> list : r.probes) {
            for (Probe p : list) {
                int runs = p.runs.get();
                int removals = p.removals.get();
                if (p.registered) {
                    assertThat(runs + removals)
                            .as("registered callback: ran %d, removed %d", runs, removals)
                            .isEqualTo(1);
                    if (runs == 1) {
                        stats.ran.incrementAndGet();
                    } else {
                        stats.removed.incrementAndGet();
                    }
                } else {
                    assertThat(runs).as("rejected callback ran").isZero();
                    assertThat(removals).isZero();
                    stats.rejected.incrementAndGet();
                }
                assertThat(p.isPending()).isFalse();
            }
        }
        // Nothing lingers on the other fence of wait-any.
        Probe late = new Probe();
        assertThat(r.never.addCallback(late)).isZero();
        r.never.signal();
        assertThat(late.runs).hasValue(1);
    }
}
