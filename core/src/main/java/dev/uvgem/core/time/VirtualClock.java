package dev.uvgem.core.time;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when told: {@link #advance(Duration)} moves time forward and fires every timer that
 * became due, in deadline order, on the advancing thread. Sleepers ({@link #parkUntil}) wake when time passes
 * their deadline. Tests use it to run ten-second fence expiries in microseconds, deterministically.
 *
 * <p>Thread-safety: safe for concurrent use. Advances are serialised whole, timers included: an advance that
 * starts while another runs waits for it, so a timer always runs with time reading its own deadline, and no
 * thread ever sees time past a deadline whose timer has not run yet. (Timer callbacks must not wait for a thread
 * that is advancing the same clock.)
 */
public final class VirtualClock implements Clock {
    private static final long TICK_NANOS = 1_000_000L;

    private final TimerWheel wheel;
    private final ReentrantLock advancing = new ReentrantLock();
    private volatile long now;

    /** Creates a virtual clock that reads {@code start} nanoseconds. */
    public VirtualClock(long start) {
        this.now = start;
        this.wheel = new TimerWheel(TICK_NANOS, start);
    }

    /** Creates a virtual clock starting at one second (so that 0 never reads as a valid timestamp). */
    public VirtualClock() {
        this(1_000_000_000L);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void arm(Timer timer, long deadline) {
        wheel.lock().lock();
        try {
            wheel.addLocked(timer, deadline);
        } finally {
            wheel.lock().unlock();
        }
    }

    @Override
    public boolean cancel(Timer timer) {
        wheel.lock().lock();
        try {
            return wheel.removeLocked(timer);
        } finally {
            wheel.lock().unlock();
        }
    }

    @Override
    public void parkUntil(Object blocker, long deadline) {
        if (deadline == FOREVER) {
            LockSupport.park(blocker);
            return;
        }
        if (deadline <= now) {
            return;
        }
        Thread self = Thread.currentThread();
        Timer wake = new Timer() {
            @Override
            protected void expire() {
                LockSupport.unpark(self);
            }
        };
        arm(wake, deadline);
        try {
            if (deadline > now) {
                LockSupport.park(blocker);
            }
        } finally {
            cancel(wake);
        }
    }

    /**
     * Moves time forward by {@code by} and fires the timers that became due, each at its own deadline: time reads
     * as that deadline while its timer runs, then as the new time. An advance that starts while another is running
     * waits for it to finish, then moves on by its own {@code by}.
     *
     * <p>Context: any thread; runs timer callbacks on it. Locking: takes the advance lock for the whole advance
     * and the wheel lock briefly; must not hold locks the callbacks take.
     */
    public void advance(Duration by) {
        advanceNanos(by.toNanos());
    }

    /** As {@link #advance(Duration)}, in nanoseconds. */
    public void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time runs forward: " + nanos);
        }
        // Whole advances are serialised: were they not, one could move time on while another still held timers
        // it had collected as due but not yet run, and their fences would signal late, stamped with the wrong
        // time.
        advancing.lock();
        try {
            advanceLocked(nanos);
        } finally {
            advancing.unlock();
        }
    }

    private void advanceLocked(long nanos) {
        long target;
        wheel.lock().lock();
        try {
            target = Clock.deadlineAfter(now, nanos);
        } finally {
            wheel.lock().unlock();
        }
        // Fire in deadline order, one deadline at a time, so a timer that arms another due before target
        // sees it fire within this same advance.
        while (true) {
            Timer[] due;
            wheel.lock().lock();
            try {
                long next = wheel.nextDeadlineLocked(now);
                if (next > target) {
                    // Time never moves backwards (a callback may have advanced this clock further, reentrantly).
                    now = Math.max(now, target);
                    // Normally empty; whatever is due must still fire, never be dropped.
                    due = wheel.collectDueLocked(now);
                    if (due.length == 0) {
                        return;
                    }
                } else {
                    now = Math.max(now, next);
                    due = wheel.collectDueLocked(now);
                }
            } finally {
                wheel.lock().unlock();
            }
            TimerWheel.fire(due);
        }
    }

    /** Returns the number of armed timers (for diagnostics and leak checks). */
    public int pendingTimers() {
        return wheel.size();
    }
}
