package dev.uvgem.core.time;

import static dev.uvgem.core.testsupport.Threads.liveThreads;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real clock: timers fire in order, never early, on one timer thread however many are armed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SystemClockTest {
    private static final long MS = 1_000_000L;

    private final SystemClock clock = new SystemClock();

    /** Logs its name and checks it did not fire before its deadline. */
    private final class Probe extends Timer {
        final String name;
        final List<String> log;
        final CountDownLatch done;
        volatile long firedAt;
        volatile Thread firedOn;

        Probe(String name, List<String> log, CountDownLatch done) {
            this.name = name;
            this.log = log;
            this.done = done;
        }

        @Override
        protected void expire() {
            firedAt = clock.nanoTime();
            firedOn = Thread.currentThread();
            log.add(name);
            done.countDown();
        }
    }

    @Test
    void nanoTimeIsMonotonic() {
        long a = clock.nanoTime();
        long b = clock.nanoTime();
        assertThat(b).isGreaterThanOrEqualTo(a);
    }

    @Test
    void timersFireInOrderNeverEarlyOnTheTimerThread() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        long t0 = clock.nanoTime();
        Probe c = new Probe("c", log, done);
        Probe a = new Probe("a", log, done);
        Probe b = new Probe("b", log, done);
        clock.arm(c, t0 + 30 * MS);
        clock.arm(a, t0 + 10 * MS);
        clock.arm(b, t0 + 20 * MS);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(log).containsExactly("a", "b", "c");
        for (Probe p : List.of(a, b, c)) {
            assertThat(p.firedAt).as(p.name).isGreaterThanOrEqualTo(p.deadline());
            assertThat(p.firedOn.getName()).isEqualTo("uvgem-timer");
            assertThat(p.firedOn.isDaemon()).isTrue();
        }
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void cancelAndRearm() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Probe cancelled = new Probe("cancelled", log, new CountDownLatch(1));
        Probe moved = new Probe("moved", log, done);
        long t0 = clock.nanoTime();
        clock.arm(cancelled, t0 + 5 * MS);
        clock.arm(moved, t0 + 5 * MS);
        assertThat(clock.cancel(cancelled)).isTrue();
        clock.arm(moved, t0 + 25 * MS);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(moved.firedAt).isGreaterThanOrEqualTo(t0 + 25 * MS);
        Thread.sleep(10);
        assertThat(log).containsExactly("moved");
        assertThat(clock.cancel(moved)).isFalse();
    }

    @Test
    void anEarlierTimerWakesTheSleepingTimerThread() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Probe far = new Probe("far", log, new CountDownLatch(1));
        clock.arm(far, clock.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        Thread.sleep(20); // the timer thread now sleeps towards the far deadline
        CountDownLatch done = new CountDownLatch(1);
        long t0 = clock.nanoTime();
        clock.arm(new Probe("near", log, done), t0 + 5 * MS);
        assertThat(done.await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(log).containsExactly("near");
        assertThat(clock.cancel(far)).isTrue();
    }

    @Test
    void aPassedDeadlineFiresPromptly() throws Exception {
        CountDownLatch warm = new CountDownLatch(1);
        clock.arm(new Probe("warm", new CopyOnWriteArrayList<>(), warm), clock.nanoTime());
        assertThat(warm.await(2, TimeUnit.SECONDS)).isTrue();
        CountDownLatch done = new CountDownLatch(1);
        long t0 = System.nanoTime();
        clock.arm(new Probe("past", new CopyOnWriteArrayList<>(), done), clock.nanoTime() - 20 * MS);
        assertThat(done.await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void parkUntilSleepsUntilTheDeadline() {
        long t0 = clock.nanoTime();
        long deadline = t0 + 10 * MS;
        while (clock.nanoTime() < deadline) {
            clock.parkUntil(this, deadline);
        }
        assertThat(clock.nanoTime() - t0).isGreaterThanOrEqualTo(10 * MS);
        long before = System.nanoTime();
        clock.parkUntil(this, clock.nanoTime() - 1);
        assertThat(System.nanoTime() - before).isLessThan(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void tenThousandTimersShareOneThread() throws Exception {
        int before = liveThreads();
        int n = 10_000;
        AtomicInteger fired = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        long t0 = clock.nanoTime();
        for (int i = 0; i < n; i++) {
            clock.arm(
                    new Timer() {
                        @Override
                        protected void expire() {
                            fired.incrementAndGet();
                            done.countDown();
                        }
                    },
                    t0 + (i % 50) * MS);
        }
        assertThat(liveThreads()).isLessThanOrEqualTo(before + 1);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(10);
        assertThat(fired).hasValue(n);
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void theTimerThreadEndsWhenIdleAndRestartsOnTheNextArm() throws InterruptedException {
        SystemClock clock = new SystemClock();
        CountDownLatch fired = new CountDownLatch(2);
        Timer t = new Timer() {
            @Override
            protected void expire() {
                fired.countDown();
            }
        };
        clock.arm(t, clock.nanoTime() + 1_000_000);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (clock.hasTimerThread() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(clock.hasTimerThread()).as("the idle timer thread ended").isFalse();
        clock.arm(t, clock.nanoTime() + 1_000_000);
        assertThat(fired.await(5, TimeUnit.SECONDS))
                .as("a timer armed after the idle exit still fires")
                .isTrue();
    }
}
