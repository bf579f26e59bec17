package dev.uvgem.core.time;

import static dev.uvgem.core.testsupport.Threads.awaitParked;
import static dev.uvgem.core.testsupport.Threads.liveThreads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The virtual clock: time moves only on advance, timers fire in order at their own deadlines, sleepers wake. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualClockTest {
    private static final long MS = 1_000_000L;
    private static final long ROTATION = TimerWheel.BUCKETS * MS;

    private final VirtualClock clock = new VirtualClock();

    /** Records when (by the clock) each expiry ran. */
    private final class Probe extends Timer {
        final String name;
        final List<String> log;
        final List<Long> at = new ArrayList<>();

        Probe(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        protected void expire() {
            log.add(name);
            at.add(clock.nanoTime());
        }
    }

    @Test
    void timeMovesOnlyOnAdvance() {
        long t0 = clock.nanoTime();
        assertThat(t0).isEqualTo(1_000_000_000L);
        assertThat(clock.nanoTime()).isEqualTo(t0);
        clock.advance(Duration.ofMillis(5));
        assertThat(clock.nanoTime()).isEqualTo(t0 + 5 * MS);
        clock.advanceNanos(0);
        assertThat(clock.nanoTime()).isEqualTo(t0 + 5 * MS);
        assertThatThrownBy(() -> clock.advanceNanos(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new VirtualClock(42).nanoTime()).isEqualTo(42);
    }

    @Test
    void timersFireInDeadlineOrderEachAtItsDeadline() {
        List<String> log = new ArrayList<>();
        long t0 = clock.nanoTime();
        Probe c = new Probe("c", log);
        Probe a = new Probe("a", log);
        Probe b = new Probe("b", log);
        Probe d = new Probe("d", log);
        clock.arm(c, t0 + 30 * MS);
        clock.arm(a, t0 + 10 * MS + 1);
        clock.arm(b, t0 + 10 * MS + 2);
        clock.arm(d, t0 + 100 * MS);
        clock.advance(Duration.ofMillis(50));
        assertThat(log).containsExactly("a", "b", "c");
        assertThat(a.at).containsExactly(t0 + 10 * MS + 1);
        assertThat(b.at).containsExactly(t0 + 10 * MS + 2);
        assertThat(c.at).containsExactly(t0 + 30 * MS);
        assertThat(clock.nanoTime()).isEqualTo(t0 + 50 * MS);
        assertThat(clock.pendingTimers()).isEqualTo(1);
        clock.advance(Duration.ofMillis(50));
        assertThat(log).containsExactly("a", "b", "c", "d");
    }

    @Test
    void cancelledTimersDoNotFire() {
        List<String> log = new ArrayList<>();
        Probe a = new Probe("a", log);
        clock.arm(a, clock.nanoTime() + MS);
        assertThat(clock.cancel(a)).isTrue();
        assertThat(clock.cancel(a)).isFalse();
        clock.advance(Duration.ofMillis(10));
        assertThat(log).isEmpty();
        clock.arm(a, clock.nanoTime() + MS);
        clock.advance(Duration.ofMillis(1));
        assertThat(clock.cancel(a)).as("already fired").isFalse();
        assertThat(log).containsExactly("a");
    }

    @Test
    void rearmingMovesTheDeadlineAndExpiryMayRearm() {
        List<String> log = new ArrayList<>();
        long t0 = clock.nanoTime();
        Probe moved = new Probe("moved", log);
        clock.arm(moved, t0 + 10 * MS);
        clock.arm(moved, t0 + 20 * MS);
        clock.advance(Duration.ofMillis(15));
        assertThat(log).isEmpty();
        clock.advance(Duration.ofMillis(5));
        assertThat(moved.at).containsExactly(t0 + 20 * MS);

        // A periodic timer re-arms itself from expire(): every period inside one advance fires, in order.
        AtomicInteger ticks = new AtomicInteger();
        List<Long> when = new ArrayList<>();
        Timer periodic = new Timer() {
            @Override
            protected void expire() {
                when.add(clock.nanoTime());
                if (ticks.incrementAndGet() < 5) {
                    clock.arm(this, deadline() + 3 * MS);
                }
            }
        };
        long t1 = clock.nanoTime();
        clock.arm(periodic, t1 + 3 * MS);
        clock.advance(Duration.ofMillis(100));
        assertThat(when).containsExactly(t1 + 3 * MS, t1 + 6 * MS, t1 + 9 * MS, t1 + 12 * MS, t1 + 15 * MS);
    }

    @Test
    void aTimerArmedInThePastFiresOnTheNextAdvance() {
        List<String> log = new ArrayList<>();
        clock.advance(Duration.ofMillis(100));
        Probe past = new Probe("past", log);
        clock.arm(past, clock.nanoTime() - 50 * MS);
        clock.advanceNanos(0);
        assertThat(log).containsExactly("past");
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void farDeadlinesBeyondOneRotation() {
        List<String> log = new ArrayList<>();
        long t0 = clock.nanoTime();
        Probe far = new Probe("far", log);
        Probe farther = new Probe("farther", log);
        clock.arm(far, t0 + 3 * ROTATION + 7 * MS);
        clock.arm(farther, t0 + 10 * ROTATION);
        clock.advanceNanos(ROTATION);
        clock.advanceNanos(2 * ROTATION + 7 * MS - 1);
        assertThat(log).as("not a nanosecond early").isEmpty();
        clock.advanceNanos(1);
        assertThat(log).containsExactly("far");
        assertThat(far.at).containsExactly(t0 + 3 * ROTATION + 7 * MS);
        clock.advanceNanos(20 * ROTATION); // one big jump
        assertThat(log).containsExactly("far", "farther");
        assertThat(farther.at).containsExactly(t0 + 10 * ROTATION);
    }

    @Test
    void parkUntilWakesWhenTimePassesTheDeadline() throws Exception {
        long deadline = clock.nanoTime() + 100 * MS;
        CompletableFuture<Long> woke = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            while (clock.nanoTime() < deadline) {
                clock.parkUntil(this, deadline);
            }
            woke.complete(clock.nanoTime());
        });
        awaitParked(t);
        clock.advance(Duration.ofMillis(50));
        Thread.sleep(20);
        assertThat(woke).isNotDone();
        clock.advance(Duration.ofMillis(50));
        assertThat(woke.get(5, TimeUnit.SECONDS)).isEqualTo(deadline);
        assertThat(clock.pendingTimers())
                .as("the sleeper's wake-up timer is gone")
                .isZero();
    }

    @Test
    void parkUntilReturnsAtOnceForAPassedDeadlineAndWakesOnUnpark() throws Exception {
        long start = System.nanoTime();
        clock.parkUntil(this, clock.nanoTime());
        clock.parkUntil(this, clock.nanoTime() - 1);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));

        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            clock.parkUntil(this, Clock.FOREVER);
            done.complete(null);
        });
        awaitParked(t);
        java.util.concurrent.locks.LockSupport.unpark(t);
        done.get(5, TimeUnit.SECONDS);
    }

    /** A million pending timers cost objects, not threads, and each fires exactly once. */
    @Test
    void aMillionPendingTimersCostNoThreads() {
        int before = liveThreads();
        int n = 1_000_000;
        int[] fired = new int[n];
        long t0 = clock.nanoTime();
        for (int i = 0; i < n; i++) {
            int id = i;
            clock.arm(
                    new Timer() {
                        @Override
                        protected void expire() {
                            fired[id]++;
                        }
                    },
                    t0 + (1 + i % 2000) * MS);
        }
        assertThat(clock.pendingTimers()).isEqualTo(n);
        assertThat(liveThreads()).as("no thread per timer").isLessThanOrEqualTo(before);
        clock.advance(Duration.ofSeconds(3));
        assertThat(clock.pendingTimers()).isZero();
        for (int i = 0; i < n; i++) {
            if (fired[i] != 1) {
                throw new AssertionError("timer " + i + " fired " + fired[i] + " times");
            }
        }
        assertThat(liveThreads()).isLessThanOrEqualTo(before);
    }

    @Test
    void concurrentAdvancesFireEveryTimerOnce() throws Exception {
        int n = 10_000;
        AtomicInteger fired = new AtomicInteger();
        long t0 = clock.nanoTime();
        for (int i = 0; i < n; i++) {
            clock.arm(
                    new Timer() {
                        @Override
                        protected void expire() {
                            fired.incrementAndGet();
                        }
                    },
                    t0 + (i % 500) * MS + 1);
        }
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 200; k++) {
                    clock.advance(Duration.ofMillis(1));
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(fired).hasValue(n);
        assertThat(clock.nanoTime()).isEqualTo(t0 + 800 * MS);
    }

    @Test
    void timersFireAtTheirDeadline() {
        VirtualClock clock = new VirtualClock(0);
        long[] firedAt = {-1};
        clock.arm(
                new Timer() {
                    @Override
                    protected void expire() {
                        firedAt[0] = clock.nanoTime();
                    }
                },
                1_500_000_123L);
        clock.advanceNanos(1_500_000_122L);
        assertThat(firedAt[0]).isEqualTo(-1);
        clock.advanceNanos(1);
        assertThat(firedAt[0]).isEqualTo(1_500_000_123L);
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void anAdvanceWaitsForOneRunningItsTimers() throws Exception {
        VirtualClock clock = new VirtualClock(0);
        CountDownLatch firing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        long[] seenByTimer = new long[2];
        clock.arm(
                new Timer() {
                    @Override
                    protected void expire() {
                        seenByTimer[0] = clock.nanoTime();
                        firing.countDown();
                        try {
                            release.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        seenByTimer[1] = clock.nanoTime();
                    }
                },
                1_000_000_000L);
        Thread first = Thread.ofPlatform().start(() -> clock.advance(Duration.ofSeconds(10)));
        assertThat(firing.await(5, TimeUnit.SECONDS)).isTrue();
        Thread second = Thread.ofPlatform().start(() -> clock.advance(Duration.ofSeconds(20)));

        assertThat(second.join(Duration.ofMillis(100)))
                .as("waits for the running advance")
                .isFalse();
        assertThat(clock.nanoTime())
                .as("time stays at the running timer's deadline")
                .isEqualTo(1_000_000_000L);
        release.countDown();
        first.join();
        second.join();

        assertThat(seenByTimer).containsExactly(1_000_000_000L, 1_000_000_000L);
        assertThat(clock.nanoTime())
                .as("then each advance moves on by its own amount")
                .isEqualTo(30_000_000_000L);
    }

    /** Threads arming timers (from the time they read) while others advance: each fires exactly at its deadline. */
    @Test
    void concurrentArmsAndAdvancesFireEveryTimerAtItsDeadline() throws Exception {
        final class Probe extends Timer {
            final VirtualClock clock;
            volatile long armedAfter = -1;
            volatile long firedAt = -1;

            Probe(VirtualClock clock) {
                this.clock = clock;
            }

            @Override
            protected void expire() {
                firedAt = clock.nanoTime();
            }
        }
        for (int round = 0; round < 50; round++) {
            VirtualClock clock = new VirtualClock();
            ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int k = 0; k < 300; k++) {
                        int op = r.nextInt(10);
                        if (op < 5) {
                            Probe p = new Probe(clock);
                            clock.arm(p, clock.nanoTime() + 10_000_000_000L);
                            p.armedAfter = clock.nanoTime();
                            probes.add(p);
                        } else if (op < 8) {
                            clock.advanceNanos(r.nextLong(0, 3_000_000_000L));
                        } else {
                            clock.advanceNanos(r.nextLong(9_998_000_000L, 10_002_000_000L));
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            clock.advance(Duration.ofSeconds(100));
            for (Probe p : probes) {
                if (p.armedAfter < p.deadline()) {
                    assertThat(p.firedAt).as("fired at its deadline").isEqualTo(p.deadline());
                } else { // time passed the deadline around the arm: fired by the first advance after it
                    assertThat(p.firedAt).isBetween(p.deadline(), p.armedAfter);
                }
            }
            assertThat(clock.pendingTimers()).isZero();
        }
    }
}
