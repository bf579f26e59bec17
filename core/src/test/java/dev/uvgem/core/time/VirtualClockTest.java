package dev.uvgem.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class VirtualClockTest {
    @Test
    void overlappingAdvancesNeverMoveTimeBackwards() throws Exception {
        VirtualClock clock = new VirtualClock(0);
        CountDownLatch firing = new CountDownLatch(1);
        CountDownLatch overtaken = new CountDownLatch(1);
        // A timer due during the short advance holds that advance (on its thread) while a longer one completes.
        clock.arm(
                new Timer() {
                    @Override
                    protected void expire() {
                        firing.countDown();
                        try {
                            overtaken.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                1_000_000_000L);
        Thread shortAdvance = Thread.ofPlatform().start(() -> clock.advance(Duration.ofSeconds(10)));
        assertThat(firing.await(5, TimeUnit.SECONDS)).isTrue();

        clock.advance(Duration.ofSeconds(20));
        assertThat(clock.nanoTime()).isEqualTo(21_000_000_000L); // from the timer's deadline
        overtaken.countDown();
        shortAdvance.join();

        assertThat(clock.nanoTime()).as("time only moves forward").isEqualTo(21_000_000_000L);
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
}
