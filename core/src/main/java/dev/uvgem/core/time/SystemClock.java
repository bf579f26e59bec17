package dev.uvgem.core.time;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;

/**
 * The real CLOCK_MONOTONIC ({@link System#nanoTime()}), with one daemon thread that fires its timers.
 *
 * <p>The timer thread sleeps until the earliest armed deadline (or indefinitely when none is armed) and is woken
 * when an earlier timer is armed: no polling, and one thread however many timers are pending. It starts with the
 * first timer armed and ends after a second with none, so clocks nobody uses hold no thread.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: {@link #arm} and {@link #cancel} take the wheel lock
 * briefly; timer callbacks run on the timer thread without it.
 */
public final class SystemClock implements Clock {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final TimerWheel wheel = new TimerWheel(TICK_NANOS, System.nanoTime());
    private final Condition changed = wheel.lock().newCondition();
    private long plannedWake = FOREVER;
    private Thread thread;

    /** Creates a clock; its timer thread starts when the first timer is armed. */
    public SystemClock() {}

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void arm(Timer timer, long deadline) {
        wheel.lock().lock();
        try {
            wheel.addLocked(timer, deadline);
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("uvgem-timer").start(this::run);
            } else if (deadline < plannedWake) {
                changed.signal();
            }
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
        } else {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                LockSupport.parkNanos(blocker, left);
            }
        }
    }

    /** Returns whether the timer thread is running (for tests of its idle exit). */
    boolean hasTimerThread() {
        wheel.lock().lock();
        try {
            return thread != null;
        } finally {
            wheel.lock().unlock();
        }
    }

    /** Returns the number of armed timers (for diagnostics and leak checks). */
    public int pendingTimers() {
        return wheel.size();
    }

    private void run() {
        while (true) {
            Timer[] due;
            wheel.lock().lock();
            try {
                long now = System.nanoTime();
                due = wheel.collectDueLocked(now);
                if (due.length == 0) {
                    plannedWake = wheel.nextDeadlineLocked(now);
                    if (plannedWake == FOREVER) {
                        // Idle: linger briefly, then end the thread so an unused clock holds none; the next
                        // arm() starts a new one.
                        if (!changed.await(IDLE_LINGER_NANOS, TimeUnit.NANOSECONDS) && wheel.size() == 0) {
                            thread = null;
                            plannedWake = FOREVER;
                            return;
                        }
                    } else {
                        changed.awaitNanos(plannedWake - now);
                    }
                    plannedWake = FOREVER;
                    continue;
                }
            } catch (InterruptedException e) {
                continue;
            } finally {
                wheel.lock().unlock();
            }
            TimerWheel.fire(due);
        }
    }
}
