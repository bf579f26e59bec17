package dev.uvgem.core.resv;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One transaction that locks several {@link WwMutex}es, as {@code struct ww_acquire_ctx}: its stamp, taken from
 * a global counter when the context is created, is its age. Between two contexts that want each other's locks
 * the older (smaller stamp) waits and the younger backs off (wait-die); see {@link WwMutex} for the protocol.
 *
 * <p>Lifecycle: created (ww_acquire_init) → locks taken → optionally {@link #done()} (no more locks will be taken)
 * → locks released → {@link #close()} (ww_acquire_fini). A context is used by the thread that created it.
 *
 * <p>Thread-safety: confined to its thread; the fields other threads read while this context waits (its
 * stamp and how many locks it holds) are safely published.
 */
public final class WwAcquireContext implements AutoCloseable {
    private static final AtomicLong STAMPS = new AtomicLong();

    private final long stamp;
    private final Thread task;

    // Written by the owning thread, or by an unlocking thread handing a mutex to this context while the owner is
    // parked; read by other threads deciding whether this context's waiter must die.
    private volatile int acquired;

    // The mutex that answered -EDEADLK; until it is acquired, nothing else may be locked. Owner thread only.
    private WwMutex contending;
    private boolean done;
    private boolean closed;

    /**
     * Starts a transaction, as {@code ww_acquire_init}: takes the next stamp, making this the youngest context.
     *
     * <p>Context: any thread; the context then belongs to it. Locking: none (one atomic increment).
     */
    public WwAcquireContext() {
        this.stamp = STAMPS.incrementAndGet();
        this.task = Thread.currentThread();
    }

    /** Returns the stamp: smaller means older. Context: any thread. Locking: none. */
    public long stamp() {
        return stamp;
    }

    /** Returns the thread that created (and uses) this context. Context: any thread. Locking: none. */
    public Thread task() {
        return task;
    }

    /**
     * Returns how many mutexes this context holds.
     *
     * <p>Context: any thread (racy unless it is the owner). Locking: none.
     */
    public int acquired() {
        return acquired;
    }

    /** Returns whether {@link #done()} was called. Context: the owning thread. Locking: none. */
    public boolean isDone() {
        return done;
    }

    /**
     * Marks the end of the acquire phase, as {@code ww_acquire_done}: taking another lock with this context is
     * then a bug.
     *
     * <p>Context: the owning thread, never blocks. Locking: none.
     *
     * @throws IllegalStateException if the context is already closed
     */
    public void done() {
        checkOpen();
        done = true;
    }

    /**
     * Ends the transaction, as {@code ww_acquire_fini}. Every lock must have been released first.
     *
     * <p>Context: the owning thread, never blocks. Locking: must hold no mutex with this context.
     *
     * @throws IllegalStateException if the context still holds a lock
     */
    @Override
    public void close() {
        if (acquired != 0) {
            throw new IllegalStateException("acquire context closed with " + acquired + " locks held");
        }
        closed = true;
    }

    /** Returns whether this context is younger than {@code other}, with wrap-around like the kernel's stamps. */
    boolean isYoungerThan(WwAcquireContext other) {
        return stamp - other.stamp > 0;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("acquire context used after close");
        }
    }

    /**
     * Checks, before a lock attempt on {@code lock}, the rules the kernel's debug build enforces: no lock after
     * {@link #done()}, and after -EDEADLK no other lock than the contended one.
     */
    void checkCanLock(WwMutex lock) {
        checkOpen();
        if (done) {
            throw new IllegalStateException("lock taken after the acquire context was done");
        }
        if (contending != null && contending != lock) {
            throw new IllegalStateException("after -EDEADLK the contended lock must be taken first");
        }
    }

    /**
     * Checks, when {@code lock} is about to be acquired or waited for (not died on), that a context which got
     * -EDEADLK released everything first.
     */
    void checkBackedOff(WwMutex lock) {
        if (contending == lock && acquired > 0) {
            throw new IllegalStateException("after -EDEADLK every lock must be released before retrying");
        }
    }

    /** Records that this context now holds one more lock (under the mutex's monitor). */
    void onAcquired(WwMutex lock) {
        acquired = acquired + 1;
        if (contending == lock) {
            contending = null;
        }
    }

    void onReleased() {
        acquired = acquired - 1;
    }

    void setContending(WwMutex lock) {
        contending = lock;
    }

    WwMutex contending() {
        return contending;
    }

    @Override
    public String toString() {
        return "WwAcquireContext[stamp=" + stamp + ", acquired=" + acquired + "]";
    }
}
