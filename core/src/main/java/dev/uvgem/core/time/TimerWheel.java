package dev.uvgem.core.time;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A hashed timer wheel: {@value #BUCKETS} buckets of one tick each, every pending {@link Timer} linked into the
 * bucket of its deadline's tick. Arming and cancelling are O(1); advancing visits only the buckets of the ticks
 * passed, and fires due timers in deadline order so virtual time stays deterministic.
 *
 * <p>Thread-safety: all state is guarded by one lock; expiry callbacks run after the lock is dropped.
 */
final class TimerWheel {
    static final int BUCKETS = 1 << 14;
    private static final int MASK = BUCKETS - 1;
    private static final Timer[] NONE = new Timer[0];
    private static final Comparator<Timer> BY_DEADLINE = Comparator.comparingLong(Timer::deadline);

    private final long tickNanos;
    private final Timer[] heads = new Timer[BUCKETS];
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Timer> due = new ArrayList<>();
    private long doneTick;
    private int count;

    TimerWheel(long tickNanos, long now) {
        this.tickNanos = tickNanos;
        this.doneTick = Math.floorDiv(now, tickNanos) - 1;
    }

    ReentrantLock lock() {
        return lock;
    }

    /** Returns the number of armed timers. Locking: none (a racy read for diagnostics). */
    int size() {
        return count;
    }

    /** Links {@code t} for {@code deadline}, moving it if armed. Locking: caller holds {@link #lock()}. */
    void addLocked(Timer t, long deadline) {
        if (t.bucket >= 0) {
            unlink(t);
        }
        t.deadline = deadline;
        // A deadline in a tick already swept goes to the first tick still to be swept: its own bucket would
        // not be visited again until the wheel came round (a whole rotation late).
        long tick = Math.max(Math.floorDiv(deadline, tickNanos), doneTick + 1);
        int b = (int) (tick & MASK);
        t.bucket = b;
        t.prev = null;
        t.next = heads[b];
        if (t.next != null) {
            t.next.prev = t;
        }
        heads[b] = t;
        count++;
    }

    /** Unlinks {@code t}; returns whether it was armed. Locking: caller holds {@link #lock()}. */
    boolean removeLocked(Timer t) {
        if (t.bucket < 0) {
            return false;
        }
        unlink(t);
        return true;
    }

    private void unlink(Timer t) {
        if (t.prev != null) {
            t.prev.next = t.next;
        } else {
            heads[t.bucket] = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        t.bucket = -1;
        count--;
    }

    /**
     * Unlinks every timer whose deadline is at or before {@code now} and returns them in deadline order. Ticks
     * wholly passed are not visited again; the current tick's bucket is re-scanned next time.
     *
     * <p>Locking: caller holds {@link #lock()}. The caller fires the result after unlocking.
     */
    Timer[] collectDueLocked(long now) {
        due.clear();
        long nowTick = Math.floorDiv(now, tickNanos);
        if (count > 0) {
            long from = doneTick + 1;
            if (nowTick - from >= BUCKETS) {
                for (int b = 0; b < BUCKETS; b++) {
                    scan(b, now);
                }
            } else {
                for (long tick = from; tick <= nowTick; tick++) {
                    scan((int) (tick & MASK), now);
                }
            }
        }
        doneTick = Math.max(doneTick, nowTick - 1);
        if (due.isEmpty()) {
            return NONE;
        }
        due.sort(BY_DEADLINE);
        Timer[] result = due.toArray(NONE);
        due.clear();
        return result;
    }

    private void scan(int b, long now) {
        Timer t = heads[b];
        while (t != null) {
            Timer next = t.next;
            if (t.deadline <= now) {
                unlink(t);
                due.add(t);
            }
            t = next;
        }
    }

    /**
     * Returns the earliest deadline within one rotation from {@code now}, or {@code now + rotation} if none is
     * that close (the timer thread then re-checks after a rotation), or {@link Clock#FOREVER} when empty.
     *
     * <p>Locking: caller holds {@link #lock()}.
     */
    long nextDeadlineLocked(long now) {
        if (count == 0) {
            return Clock.FOREVER;
        }
        // Start at the first tick not yet swept: timers armed for a passed deadline wait there.
        long from = Math.min(Math.floorDiv(now, tickNanos), doneTick + 1);
        for (long tick = from; tick < from + BUCKETS; tick++) {
            long best = Clock.FOREVER;
            for (Timer t = heads[(int) (tick & MASK)]; t != null; t = t.next) {
                if (Math.floorDiv(t.deadline, tickNanos) <= tick) {
                    best = Math.min(best, t.deadline);
                }
            }
            if (best != Clock.FOREVER) {
                return best;
            }
        }
        return now + BUCKETS * tickNanos;
    }

    /** Runs each timer's expiry in order. Locking: caller must not hold {@link #lock()}. */
    static void fire(Timer[] timers) {
        for (Timer t : timers) {
            t.expire();
        }
    }
}
