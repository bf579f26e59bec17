package dev.uvgem.core.resv;

import dev.uvgem.uapi.Errno;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A wound/wait mutex of a wait-die class, as {@code struct ww_mutex} in {@code reservation_ww_class}: a sleeping
 * mutex that several can be taken under one {@link WwAcquireContext} without deadlock, whatever the order.
 *
 * <p><b>Wait-die.</b> When a context asks for a mutex another context holds, the older of the two (smaller
 * stamp) waits and the younger "dies": {@link #lock} returns {@code -EDEADLK} and the caller must back off. A
 * context that holds nothing never dies, it just waits (it cannot be part of a cycle). Waits therefore only run
 * from older to younger contexts, so there is no cycle and the oldest transaction always progresses. Locking
 * without a context ({@code ctx == null}) is a plain mutex with no deadlock avoidance.
 *
 * <p><b>Back-off protocol.</b> On {@code -EDEADLK}: release every mutex held with the context, sleep on the
 * contended one with {@link #lockSlow} (which returns only once it is held), then take the others again with
 * {@link #lock}, treating {@code -EALREADY} as "already mine"; repeat on a further {@code -EDEADLK}.
 *
 * <pre>{@code
 * static void lockAll(List<WwMutex> locks, WwAcquireContext ctx) {
 *     WwMutex contended = null;
 *     while (true) {
 *         if (contended != null) {
 *             contended.lockSlow(ctx); // sleeps until acquired: we hold nothing, so we cannot die
 *         }
 *         WwMutex failed = null;
 *         for (WwMutex m : locks) {
 *             int r = m.lock(ctx);
 *             if (r == -Errno.EDEADLK.number()) {
 *                 failed = m;
 *                 break;
 *             }
 *             // 0: acquired now; -EALREADY: taken by lockSlow above
 *         }
 *         if (failed == null) {
 *             ctx.done();
 *             return;
 *         }
 *         for (WwMutex m : locks) { // back off: release everything held with ctx
 *             if (m.owner() == ctx) {
 *                 m.unlock();
 *             }
 *         }
 *         contended = failed;
 *     }
 * }
 *
 * try (WwAcquireContext ctx = new WwAcquireContext()) {
 *     lockAll(List.of(a, b, c), ctx);
 *     // ... work on a, b and c ...
 *     a.unlock(); b.unlock(); c.unlock(); // before the context closes
 * }
 * }</pre>
 *
 * <p>Waiting is a queue of parked threads: contexts wait ordered by stamp (oldest first), context-less waiters in
 * arrival order; an unlock hands the mutex directly to the first waiter and unparks it. Waiters that the
 * wait-die rule condemns (they hold other locks and an older context now holds or waits for this mutex) are
 * unparked to return {@code -EDEADLK}. Nothing polls.
 *
 * <p>Thread-safety: safe for concurrent use. A mutex is released by the thread that took it. Locking: the
 * mutex's state is guarded by its monitor, held only briefly and never while parked.
 */
public final class WwMutex {
    private static final int EALREADY = Errno.EALREADY.negative();
    private static final int EDEADLK = Errno.EDEADLK.negative();
    private static final int EINTR = Errno.EINTR.negative();

    /** A parked locker; granted is set (under the monitor) when an unlock hands it the mutex. */
    private static final class Waiter {
        final Thread thread;
        final WwAcquireContext ctx;
        boolean granted;

        Waiter(Thread thread, WwAcquireContext ctx) {
            this.thread = thread;
            this.ctx = ctx;
        }
    }

    // Guarded by this; volatile so that isLocked/owner/isHeldByCurrentThread read without the monitor. Written
    // only under the monitor, with release stores (setOwnerLocked): the monitor orders the writers, and the
    // lock-free readers need visibility, not the full fence a volatile store costs.
    private volatile Thread ownerThread;
    private volatile WwAcquireContext ownerCtx;

    private static final VarHandle OWNER_THREAD;
    private static final VarHandle OWNER_CTX;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OWNER_THREAD = l.findVarHandle(WwMutex.class, "ownerThread", Thread.class);
            OWNER_CTX = l.findVarHandle(WwMutex.class, "ownerCtx", WwAcquireContext.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void setOwnerLocked(Thread thread, WwAcquireContext ctx) {
        OWNER_CTX.setRelease(this, ctx);
        OWNER_THREAD.setRelease(this, thread);
    }

    // Guarded by this. Invariant: empty whenever ownerThread is null (unlock hands over to the first waiter).
    private final List<Waiter> waiters = new ArrayList<>();

    /**
     * Creates an unlocked mutex, as {@code ww_mutex_init} with the reservation (wait-die) class.
     *
     * <p>Context: any thread. Locking: none.
     */
    public WwMutex() {}

    /**
     * Locks the mutex as part of {@code ctx}'s transaction, as {@code ww_mutex_lock}. Sleeps while another holds
     * it, unless the wait-die rule says this context must back off.
     *
     * <p>Context: process context, may sleep (uninterruptibly: an interrupt is remembered and re-asserted).
     * Locking: takes the mutex; must not hold a lock the holder needs to make progress outside ww rules.
     *
     * @param ctx the transaction, or null to lock this one mutex with no deadlock avoidance
     * @return 0 once held; {@code -EALREADY} if {@code ctx} already holds it; {@code -EDEADLK} if {@code ctx} holds
     *     other locks and is younger than the holder or than a context waiting ahead of it
     * @throws IllegalStateException for the kernel's debug checks: locking after {@link WwAcquireContext#done()},
     *     another lock than the contended one after {@code -EDEADLK}, recursive locking by the holding thread
     */
    public int lock(WwAcquireContext ctx) {
        return lockCommon(ctx, false);
    }

    /**
     * As {@link #lock}, but a thread interrupt ends the wait, as {@code ww_mutex_lock_interruptible}.
     *
     * <p>Context: process context, may sleep. Locking: takes the mutex.
     *
     * @return 0, {@code -EALREADY}, {@code -EDEADLK} as {@link #lock}, or {@code -EINTR} if the thread was
     *     interrupted while it had to wait (the interrupt stays set)
     */
    public int lockInterruptible(WwAcquireContext ctx) {
        return lockCommon(ctx, true);
    }

    /**
     * Sleeps until the mutex is held, after backing off from {@code -EDEADLK}, as {@code ww_mutex_lock_slow}.
     * Because the context holds nothing, it cannot die and waits however old the holder is.
     *
     * <p>Context: process context, sleeps uninterruptibly. Locking: takes the mutex; must hold no other lock of
     * the context.
     *
     * @throws IllegalStateException if {@code ctx} still holds locks
     */
    public void lockSlow(WwAcquireContext ctx) {
        checkSlow(ctx);
        int r = lockCommon(ctx, false);
        assert r == 0 : "lock_slow failed: " + r;
    }

    /**
     * As {@link #lockSlow}, but interruptible, as {@code ww_mutex_lock_slow_interruptible}.
     *
     * <p>Context: process context, may sleep. Locking: takes the mutex.
     *
     * @return 0 once held, or {@code -EINTR} if interrupted while waiting
     * @throws IllegalStateException if {@code ctx} still holds locks
     */
    public int lockSlowInterruptible(WwAcquireContext ctx) {
        checkSlow(ctx);
        return lockCommon(ctx, true);
    }

    private static void checkSlow(WwAcquireContext ctx) {
        if (ctx == null) {
            throw new IllegalArgumentException("lock_slow needs an acquire context");
        }
        if (ctx.acquired() > 0) {
            throw new IllegalStateException("lock_slow with " + ctx.acquired() + " locks still held");
        }
    }

    /**
     * Takes the mutex if it is free, without a context and without sleeping, as {@code ww_mutex_trylock(lock,
     * NULL)}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the mutex on success.
     *
     * @return true if now held by the calling thread
     */
    public boolean trylock() {
        synchronized (this) {
            if (ownerThread != null) {
                return false;
            }
            setOwnerLocked(Thread.currentThread(), null);
            return true;
        }
    }

    /**
     * Releases the mutex, as {@code ww_mutex_unlock}: the holding context counts one lock less and the first
     * waiter, if any, receives the mutex and is woken.
     *
     * <p>Context: the holding thread, never blocks. Locking: must hold the mutex.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    public void unlock() {
        Thread wake = null;
        Thread self = Thread.currentThread();
        synchronized (this) {
            if (ownerThread != self) {
                throw new IllegalMonitorStateException("ww_mutex unlocked by a thread that does not hold it");
            }
            WwAcquireContext ctx = ownerCtx;
            if (ctx != null) {
                ctx.onReleased();
            }
            if (waiters.isEmpty()) {
                setOwnerLocked(null, null);
            } else {
                Waiter next = waiters.removeFirst();
                next.granted = true;
                setOwnerLocked(next.thread, next.ctx);
                if (next.ctx != null) {
                    next.ctx.onAcquired(this);
                    wakeDoomedLocked();
                }
                wake = next.thread;
            }
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
    }

    /**
     * Returns whether anyone holds the mutex, as {@code ww_mutex_is_locked}.
     *
     * <p>Context: any thread (racy). Locking: none.
     */
    public boolean isLocked() {
        return ownerThread != null;
    }

    /**
     * Returns the context holding the mutex, as {@code dma_resv_locking_ctx}: null when unlocked or held without a
     * context.
     *
     * <p>Context: any thread (racy unless the caller holds the mutex). Locking: none.
     */
    public WwAcquireContext owner() {
        return ownerCtx;
    }

    /**
     * Returns whether the calling thread holds the mutex (lockdep's "held" check).
     *
     * <p>Context: any thread. Locking: none.
     */
    public boolean isHeldByCurrentThread() {
        return ownerThread == Thread.currentThread();
    }

    private int lockCommon(WwAcquireContext ctx, boolean interruptible) {
        Thread self = Thread.currentThread();
        Waiter w;
        synchronized (this) {
            if (ctx != null && ownerCtx == ctx) {
                return EALREADY;
            }
            if (ctx != null) {
                ctx.checkCanLock(this);
            }
            if (ownerThread == self) {
                throw new IllegalStateException("recursive ww_mutex lock: the calling thread already holds it");
            }
            if (ownerThread == null) {
                if (ctx != null) {
                    ctx.checkBackedOff(this);
                }
                setOwnerLocked(self, ctx);
                if (ctx != null) {
                    ctx.onAcquired(this);
                }
                return 0;
            }
            if (ctx != null && ctx.acquired() > 0 && ownerCtx != null && ctx.isYoungerThan(ownerCtx)) {
                return die(ctx);
            }
            w = new Waiter(self, ctx);
            if (!enqueueLocked(w)) {
                return die(ctx);
            }
        }
        return await(w, interruptible);
    }

    private int die(WwAcquireContext ctx) {
        ctx.setContending(this);
        return EDEADLK;
    }

    /**
     * Inserts {@code w}: context-less waiters at the tail; a context before the first younger context found from
     * the tail (skipping context-less waiters, which keep their place). Returns false, without inserting, when
     * an older context already waits and {@code w}'s context holds locks: it would only die once that one gets
     * the mutex, so it dies now.
     */
    private boolean enqueueLocked(Waiter w) {
        if (w.ctx == null) {
            waiters.add(w);
            return true;
        }
        int pos = waiters.size();
        for (int i = waiters.size() - 1; i >= 0; i--) {
            WwAcquireContext cur = waiters.get(i).ctx;
            if (cur == null) {
                continue;
            }
            if (w.ctx.isYoungerThan(cur)) {
                if (w.ctx.acquired() > 0) {
                    return false;
                }
                break;
            }
            pos = i;
        }
        w.ctx.checkBackedOff(this);
        waiters.add(pos, w);
        // Among waiting contexts only the first may hold other locks: wake younger ones queued behind w to die.
        wakeDoomedLocked();
        return true;
    }

    /** Returns whether the wait-die rule now condemns waiter {@code w} (who must hold other locks to die). */
    private boolean mustDieLocked(Waiter w) {
        WwAcquireContext ctx = w.ctx;
        if (ctx == null || ctx.acquired() == 0) {
            return false;
        }
        WwAcquireContext holder = ownerCtx;
        if (holder != null && ctx.isYoungerThan(holder)) {
            return true;
        }
        for (Waiter cur : waiters) {
            if (cur == w) {
                return false;
            }
            if (cur.ctx != null) {
                return true; // an older context waits ahead of us
            }
        }
        return false;
    }

    /** Unparks every waiter the wait-die rule condemns, so that it returns -EDEADLK. */
    private void wakeDoomedLocked() {
        WwAcquireContext holder = ownerCtx;
        boolean contextAhead = false;
        for (Waiter cur : waiters) {
            WwAcquireContext c = cur.ctx;
            if (c == null) {
                continue;
            }
            if (c.acquired() > 0 && (contextAhead || (holder != null && c.isYoungerThan(holder)))) {
                LockSupport.unpark(cur.thread);
            }
            contextAhead = true;
        }
    }

    private int await(Waiter w, boolean interruptible) {
        Thread self = w.thread;
        boolean interrupted = false;
        try {
            while (true) {
                synchronized (this) {
                    if (w.granted) {
                        return 0;
                    }
                    if (interruptible && self.isInterrupted()) {
                        waiters.remove(w);
                        return EINTR;
                    }
                    if (mustDieLocked(w)) {
                        waiters.remove(w);
                        return die(w.ctx);
                    }
                }
                LockSupport.park(this);
                if (!interruptible && Thread.interrupted()) {
                    interrupted = true; // cleared so that park sleeps again; re-asserted on the way out
                }
            }
        } finally {
            if (interrupted) {
                self.interrupt();
            }
        }
    }

    @Override
    public String toString() {
        Thread t = ownerThread;
        return "WwMutex[" + (t == null ? "unlocked" : "held by " + t.getName() + " ctx " + ownerCtx) + "]";
    }
}
