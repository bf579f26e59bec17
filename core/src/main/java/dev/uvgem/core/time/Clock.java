package dev.uvgem.core.time;

/**
 * The one clock of a uvgem kernel: CLOCK_MONOTONIC nanoseconds, its timers and its sleeps.
 *
 * <p>Every timeout in uvgem (fence waits, vgem fence expiry, poll timeouts, vblank timers) reads this clock and
 * arms its timers here, so a {@link VirtualClock} makes every expiry run in milliseconds and deterministically,
 * while {@link SystemClock} runs them in real time.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
public interface Clock {
    /** A deadline that never comes: waits with it sleep until woken. */
    long FOREVER = Long.MAX_VALUE;

    /**
     * Returns the current monotonic time in nanoseconds.
     *
     * <p>Context: any thread, never blocks.
     */
    long nanoTime();

    /**
     * Arms (or re-arms) {@code timer} to expire at the absolute time {@code deadline}.
     *
     * <p>Context: any thread, never blocks on time. The timer's {@link Timer#expire()} runs later on the clock's
     * timer thread (system clock) or on the thread that advances time (virtual clock), never inside this call.
     * A deadline already passed expires at the next tick.
     *
     * <p>Locking: takes the timer wheel's lock briefly.
     */
    void arm(Timer timer, long deadline);

    /**
     * Disarms {@code timer}.
     *
     * <p>Context: any thread. Locking: takes the timer wheel's lock briefly.
     *
     * @return true if it was armed and will now not expire; false if it was not armed or is already expiring
     */
    boolean cancel(Timer timer);

    /**
     * Parks the calling thread until it is unparked, interrupted, or the clock reaches {@code deadline}, whichever
     * comes first. Like {@link java.util.concurrent.locks.LockSupport#park}, it may also return spuriously:
     * callers re-check their condition in a loop.
     *
     * <p>Context: process context, sleeps. Locking: must not hold any lock a waker needs.
     */
    void parkUntil(Object blocker, long deadline);

    /** Returns {@code now + timeout}, saturating at {@link #FOREVER}; a negative timeout counts as zero. */
    static long deadlineAfter(long now, long timeoutNanos) {
        if (timeoutNanos <= 0) {
            return now;
        }
        long d = now + timeoutNanos;
        return d < now ? FOREVER : d;
    }
}
