package dev.uvgem.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class VirtualClockTest {
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
