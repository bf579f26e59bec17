package dev.uvgem.core.time;

/**
 * A one-shot timer, the Java form of the kernel's {@code struct timer_list}: embed one where an object needs to
 * act at a point in time, arm it with {@link Clock#arm}, and implement {@link #expire()}.
 *
 * <p>A timer costs one small object and no thread: pending timers sit in a hashed timer wheel, so a million
 * pending expiries cost memory, not threads.
 *
 * <p>Thread-safety: the wheel links are guarded by the wheel's lock; {@link #expire()} runs at most once per
 * arming, outside that lock.
 */
public abstract class Timer {
    Timer prev;
    Timer next;
    long deadline;
    int bucket = -1;

    /** Creates an unarmed timer. */
    protected Timer() {}

    /**
     * Called once when the armed deadline is reached.
     *
     * <p>Context: the clock's timer thread (system clock) or the thread advancing a virtual clock. Must not block
     * for long: other timers wait behind it. Locking: no clock lock is held.
     */
    protected abstract void expire();

    /** Returns the deadline this timer was last armed for. */
    public final long deadline() {
        return deadline;
    }
}
