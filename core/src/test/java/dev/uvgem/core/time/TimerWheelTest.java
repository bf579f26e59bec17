package dev.uvgem.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hashed timer wheel on its own: arming, cancelling, sweeping, next-deadline search, far and past deadlines. */
class TimerWheelTest {
    private static final long TICK = 1_000_000L;
    private static final long ROTATION = TimerWheel.BUCKETS * TICK;
    private static final long START = 1_000 * TICK;

    private final TimerWheel wheel = new TimerWheel(TICK, START);

    private static final class Probe extends Timer {
        int fired;

        @Override
        protected void expire() {
            fired++;
        }
    }

    private List<Timer> collect(long now) {
        wheel.lock().lock();
        try {
            return List.of(wheel.collectDueLocked(now));
        } finally {
            wheel.lock().unlock();
        }
    }

    private void add(Timer t, long deadline) {
        wheel.lock().lock();
        try {
            wheel.addLocked(t, deadline);
        } finally {
            wheel.lock().unlock();
        }
    }

    private boolean remove(Timer t) {
        wheel.lock().lock();
        try {
            return wheel.removeLocked(t);
        } finally {
            wheel.lock().unlock();
        }
    }

    private long next(long now) {
        wheel.lock().lock();
        try {
            return wheel.nextDeadlineLocked(now);
        } finally {
            wheel.lock().unlock();
        }
    }

    @Test
    void collectsDueTimersInDeadlineOrder() {
        Probe a = new Probe();
        Probe b = new Probe();
        Probe c = new Probe();
        Probe later = new Probe();
        add(c, START + 3 * TICK + 5);
        add(a, START + TICK);
        add(b, START + TICK + 1); // same tick as a, later
        add(later, START + 10 * TICK);
        assertThat(wheel.size()).isEqualTo(4);

        assertThat(collect(START + TICK)).containsExactly(a);
        assertThat(collect(START + 5 * TICK)).containsExactly(b, c);
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(collect(START + 9 * TICK)).isEmpty();
        assertThat(collect(START + 10 * TICK)).containsExactly(later);
        assertThat(wheel.size()).isZero();
        assertThat(a.bucket).as("unlinked").isEqualTo(-1);
    }

    @Test
    void removeAndRearm() {
        Probe t = new Probe();
        add(t, START + 2 * TICK);
        assertThat(remove(t)).isTrue();
        assertThat(remove(t)).isFalse();
        assertThat(wheel.size()).isZero();
        assertThat(collect(START + 3 * TICK)).isEmpty();

        add(t, START + 5 * TICK);
        add(t, START + 7 * TICK); // re-arm moves it
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(t.deadline()).isEqualTo(START + 7 * TICK);
        assertThat(collect(START + 6 * TICK)).isEmpty();
        assertThat(collect(START + 7 * TICK)).containsExactly(t);
    }

    @Test
    void farDeadlinesShareBucketsButWaitForTheirRotation() {
        Probe near = new Probe();
        Probe far = new Probe();
        add(near, START + 5 * TICK);
        add(far, START + 5 * TICK + 3 * ROTATION); // same bucket, three rotations later
        assertThat(collect(START + 5 * TICK)).containsExactly(near);
        assertThat(next(START + 5 * TICK)).as("nothing within a rotation").isEqualTo(START + 5 * TICK + ROTATION);
        assertThat(collect(START + 5 * TICK + ROTATION)).isEmpty();
        assertThat(collect(START + 5 * TICK + 3 * ROTATION - 1)).isEmpty();
        assertThat(collect(START + 5 * TICK + 3 * ROTATION)).containsExactly(far);
    }

    @Test
    void aJumpOfMoreThanARotationSweepsEverything() {
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Probe p = new Probe();
            probes.add(p);
            add(p, START + (i * 397L % TimerWheel.BUCKETS) * TICK + i);
        }
        Probe beyond = new Probe();
        add(beyond, START + 5 * ROTATION);
        assertThat(collect(START + 2 * ROTATION)).hasSize(100).containsAll(probes);
        assertThat(wheel.size()).isEqualTo(1);
    }

    @Test
    void nextDeadlineFindsTheEarliest() {
        assertThat(next(START)).isEqualTo(Clock.FOREVER);
        Probe a = new Probe();
        Probe b = new Probe();
        add(a, START + 9 * TICK + 7);
        add(b, START + 9 * TICK + 3);
        assertThat(next(START)).isEqualTo(START + 9 * TICK + 3);
        remove(b);
        assertThat(next(START)).isEqualTo(START + 9 * TICK + 7);
    }

    @Test
    void aDeadlineAlreadySweptIsDueAtTheNextSweep() {
        collect(START + 100 * TICK); // ticks up to 99 are done
        Probe past = new Probe();
        add(past, START + 10 * TICK); // a tick swept long ago
        assertThat(next(START + 100 * TICK)).as("found, not a rotation late").isEqualTo(START + 10 * TICK);
        assertThat(collect(START + 100 * TICK)).containsExactly(past);
    }

    @Test
    void pastDeadlinesSortBeforeCurrentOnes() {
        collect(START + 50 * TICK);
        Probe now = new Probe();
        Probe past = new Probe();
        add(now, START + 51 * TICK);
        add(past, START + 2 * TICK);
        assertThat(collect(START + 51 * TICK)).containsExactly(past, now);
    }

    @Test
    void fireRunsEachOnce() {
        Probe a = new Probe();
        Probe b = new Probe();
        TimerWheel.fire(new Timer[] {a, b});
        assertThat(a.fired).isEqualTo(1);
        assertThat(b.fired).isEqualTo(1);
    }
}
