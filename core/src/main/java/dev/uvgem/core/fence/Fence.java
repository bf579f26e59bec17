package dev.uvgem.core.fence;

import dev.uvgem.core.time.Clock;
import dev.uvgem.core.trace.FenceRef;
import dev.uvgem.core.trace.TraceEvent;
import dev.uvgem.core.trace.TraceSink;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import dev.uvgem.uapi.Errno;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A DMA fence: a one-shot completion event for an operation, the Java form of {@code struct dma_fence}.
 *
 * <p>A fence belongs to a context (a timeline, see {@link FenceContext}) and carries a seqno ordered within it.
 * It is signalled exactly once, optionally with an error set beforehand, and records the time it signalled.
 * Others react through callbacks ({@link #addCallback}), blocking waits ({@link #waitTimeout}) or polling
 * ({@link #isSignaled()}). Drivers extend this class and pass a {@link FenceOps} table for names and hooks.
 *
 * <p>Lifecycle: created → (signalling enabled, lazily on the first callback or wait) → signalled. Transitions
 * are one-way. Memory is the garbage collector's; there is no reference count.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the fence lock (a monitor, by default the fence itself; a
 * driver may share one lock among the fences of a timeline) guards the rare operations: the driver's
 * {@link FenceOps#enableSignaling} hook, {@link #removeCallback}, {@link #setError} and {@link #signalWithError}.
 * The common ones, {@link #addCallback} and {@link #signal()}, are lock-free: they compare-and-set the callback
 * list, and a signal that finds one of the locked operations in progress waits for its lock, so those
 * operations still see the fence either wholly before or wholly after the signal. Holding the lock does not
 * keep a plain {@code signal()} out otherwise: code that wants "set an error unless signalled" uses
 * {@link #setErrorIfPending}. Callbacks run on the signalling thread with no fence lock held, so a callback may
 * signal other fences. The signalled check is a single volatile read, and signalling allocates nothing.
 *
 * <p>Tracing: creation, enabling signalling, signalling and {@link #waitTimeout} waits fire the tracepoints of
 * {@link dev.uvgem.core.trace} (the kernel's {@code dma_fence_*} events), and consumers that wait by callback fire
 * the wait ones through {@link #traceWaitStart} and {@link #traceWaitEnd}; while tracing is off each costs one
 * volatile read and allocates nothing.
 */
public class Fence {
    /** The "wait forever" timeout, the kernel's MAX_SCHEDULE_TIMEOUT. */
    public static final long MAX_SCHEDULE_TIMEOUT = Long.MAX_VALUE;

    /** Largest errno a fence error may carry (the kernel's MAX_ERRNO). */
    public static final int MAX_ERRNO = 4095;

    // Published flags: set once, by the signaller, after the error and the timestamp are in place.
    private static final int SIGNALED = 1;
    private static final int ENABLED = 1 << 1;

    /** Spins before parking in a wait: a wake within the spin costs no park/unpark round trip. */
    private static final int WAIT_SPINS = 256;

    /** Spins on a transient claim (a few instructions of another thread) before yielding the CPU instead. */
    private static final int CLAIM_SPINS = 64;

    /*
     * The callback list and the signal. `head` holds one of
     *   null      pending, signalling not enabled, no callbacks;
     *   END       pending, signalling enabled, no callbacks;
     *   a list    pending, signalling enabled: a stack of callbacks, newest first, ending in null;
     *   CLAIMED   a signaller has just taken the list and is checking for locked operations (below); it either
     *             commits (SIG) or puts the list back, within a few instructions. Nobody else writes head then;
     *             whoever reads CLAIMED spins until it is resolved;
     *   SIG       signalled; `flags` has been published (SIGNALED, with the error and timestamp before it).
     * Adding pushes with a compare-and-set; signalling claims with one and reverses the stack in place. The hot
     * path stores no reference into a callback node (the terminator is null, the pending mark a boolean): the
     * nodes are usually long-lived, and such a store would cost a GC card-marking barrier with a full fence.
     *
     * The locked operations (remove, set error, signal with error, the enableSignaling hook) run under the fence
     * lock and announce themselves in `lockedOps` before looking at head; a signaller checks `lockedOps` after its
     * claim. By the total order of volatile accesses (the Dekker pattern) either the locked operation sees the
     * claim (and treats the fence as signalled), or the signaller sees the operation, puts the list back and
     * signals under the lock, after it. So a remover can unlink from the middle of the list, and an error cannot
     * land after the signal, without the signal path taking the lock in the common case.
     */
    private static final VarHandle HEAD;
    private static final VarHandle FLAGS;
    private static final VarHandle LOCKED_OPS;
    private static final VarHandle HOOK_THREADS;

    private static final FenceCallback END = new Sentinel();
    private static final FenceCallback CLAIMED = new Sentinel();
    private static final FenceCallback SIG = new Sentinel();

    /** Per-thread state of the enableSignaling hooks the thread is inside; see {@link HookScope}. */
    private static final ThreadLocal<HookScope> HOOK_SCOPE = new ThreadLocal<>();

    /**
     * The number of threads inside enableSignaling hooks right now. While it is zero, no thread is, and a
     * signal runs its callbacks without looking up its {@link HookScope}.
     */
    @SuppressWarnings("unused") // accessed through HOOK_THREADS
    private static volatile int hookThreads;

    /** Whether an ops class leaves {@link FenceOps#enableSignaling} at its default (there is no hook to run). */
    private static final ClassValue<Boolean> HOOKLESS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("enableSignaling", Fence.class).getDeclaringClass() == FenceOps.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(Fence.class, "head", FenceCallback.class);
            FLAGS = l.findVarHandle(Fence.class, "flags", int.class);
            LOCKED_OPS = l.findVarHandle(Fence.class, "lockedOps", int.class);
            HOOK_THREADS = l.findStaticVarHandle(Fence.class, "hookThreads", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FenceOps ops;
    private final Clock clock;
    private final Object lock;
    private final long context;
    private final long seqno;
    private final boolean seqno64;

    @SuppressWarnings("unused") // accessed through HEAD
    private volatile FenceCallback head;

    @SuppressWarnings("unused") // accessed through FLAGS
    private volatile int flags;

    // Written under the lock only; see the comment on head.
    private volatile int lockedOps;

    // Written before the SIGNALED flag is published (the error by locked operations or the signaller), read after.
    // A short (errors are at most MAX_ERRNO) keeps a plain fence within 64 bytes, one allocation cache line.
    private short error;
    private long timestamp;

    /**
     * Initialises a fence, as {@code dma_fence_init} (or {@code dma_fence_init64} when {@code seqno64}).
     *
     * @param ops the driver's operations, never null
     * @param clock the clock for timestamps and timed waits
     * @param lock the monitor guarding this fence's state, or null to use the fence itself
     * @param context the timeline, from {@link FenceContext#allocate()}
     * @param seqno the position on the timeline
     * @param seqno64 whether seqnos compare as 64-bit numbers rather than with the 32-bit wrap rule
     */
    protected Fence(FenceOps ops, Clock clock, Object lock, long context, long seqno, boolean seqno64) {
        if (ops == null) {
            throw new IllegalArgumentException("fence ops are mandatory");
        }
        this.ops = ops;
        this.clock = clock;
        this.lock = lock == null ? this : lock;
        this.context = context;
        this.seqno = seqno;
        this.seqno64 = seqno64;
        TraceSink trace = Tracepoints.sink();
        if (trace != null && clock != null) { // stubs have no clock: born signalled, nothing to trace
            trace.emit(new TraceEvent.FenceInit(clock.nanoTime(), traceRef()));
        }
    }

    /**
     * Returns how the trace names this fence. A driver's name hooks may not work yet while its constructor runs
     * (the fence's own fields unset), so a name that cannot be read is left null for the writer to fill in from a
     * later event.
     */
    public final FenceRef traceRef() {
        return new FenceRef(context, seqno, traceName(true), traceName(false));
    }

    private String traceName(boolean driver) {
        try {
            return driver ? ops.driverName(this) : ops.timelineName(this);
        } catch (RuntimeException e) {
            return null;
        }
    }

    // The tracepoint of enabling signalling; the callers have just moved head off null.
    private void traceEnable() {
        TraceSink trace = Tracepoints.sink();
        if (trace != null && clock != null) {
            trace.emit(new TraceEvent.FenceEnableSignal(clock.nanoTime(), traceRef()));
        }
    }

    /**
     * Fires the {@code dma_fence_wait_start} tracepoint for a consumer that waits by callback rather than by
     * {@link #waitTimeout} (the display's plane-fence wait, a scheduler entity's dependency, a compositor), so the
     * trace can draw an arrow from the signal to the wait. Call it just before {@link #addCallback}.
     *
     * <p>Context: any thread, never blocks. Locking: none. While tracing is off: one volatile read, no allocation
     * (pass a {@code waiter} track made once, not per wait).
     */
    public final void traceWaitStart(Track waiter) {
        TraceSink trace = Tracepoints.sink();
        if (trace != null && clock != null) {
            trace.emit(new TraceEvent.FenceWaitStart(clock.nanoTime(), traceRef(), waiter));
        }
    }

    /**
     * Fires the {@code dma_fence_wait_end} tracepoint for a wait begun with {@link #traceWaitStart}: from the
     * callback (or at once if {@link #addCallback} found the fence signalled) with a positive {@code result}, or
     * with a negative errno when the consumer gave up (removed its callback).
     *
     * <p>Context: any thread, including the signalling thread's callback; never blocks. Locking: none. Costs as
     * {@link #traceWaitStart}.
     */
    public final void traceWaitEnd(Track waiter, long result) {
        TraceSink trace = Tracepoints.sink();
        if (trace != null && clock != null) {
            trace.emit(new TraceEvent.FenceWaitEnd(clock.nanoTime(), traceRef(), waiter, result));
        }
    }

    /** Initialises a fence with its own lock and 32-bit seqno ordering. */
    protected Fence(FenceOps ops, Clock clock, long context, long seqno) {
        this(ops, clock, null, context, seqno, false);
    }

    /** Creates a plain software fence whose driver and timeline names are given. */
    public static Fence create(Clock clock, String driver, String timeline, long context, long seqno) {
        return new Fence(FenceOps.named(driver, timeline), clock, context, seqno);
    }

    /** Creates a plain software fence with the given ops (share one ops object among many fences). */
    public static Fence create(Clock clock, FenceOps ops, long context, long seqno) {
        return new Fence(ops, clock, context, seqno);
    }

    /** Returns the timeline this fence belongs to. */
    public final long context() {
        return context;
    }

    /** Returns the fence's position on its timeline. */
    public final long seqno() {
        return seqno;
    }

    /** Returns the driver's operations table. */
    public final FenceOps ops() {
        return ops;
    }

    /** Returns the clock this fence stamps and waits with. */
    public final Clock clock() {
        return clock;
    }

    /** Returns the monitor guarding this fence (shared by a driver's timeline, or the fence itself). */
    public final Object lock() {
        return lock;
    }

    /** Returns whether seqnos of this fence compare as 64-bit numbers. */
    public final boolean isSeqno64() {
        return seqno64;
    }

    private int flags() {
        return (int) FLAGS.getAcquire(this);
    }

    /** Reads head, waiting out a transient claim (see the comment on head): the result is never CLAIMED. */
    private FenceCallback resolvedHead() {
        FenceCallback h = (FenceCallback) HEAD.getVolatile(this);
        for (int spins = 0; h == CLAIMED; spins++) {
            if (spins < CLAIM_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
            h = (FenceCallback) HEAD.getVolatile(this);
        }
        return h;
    }

    // Locked operations bracket their work with these, holding the lock (so the count is never raced).
    private void beginLockedOp() {
        LOCKED_OPS.setVolatile(this, lockedOps + 1);
    }

    private void endLockedOp() {
        LOCKED_OPS.setVolatile(this, lockedOps - 1);
    }

    private boolean hookless() {
        return ops instanceof NamedFenceOps || HOOKLESS.get(ops.getClass());
    }

    /**
     * Signals the fence, as {@code dma_fence_check_and_signal}: the first call records the time, marks the fence
     * signalled and runs every pending callback in registration order (waiters first); later calls do nothing.
     *
     * <p>Context: any thread, never blocks (it may wait for a remove-callback, set-error or enableSignaling hook
     * in progress on this fence, as it would for the fence lock). Locking: lock-free in the common case, else
     * takes the fence lock; callbacks run with no fence lock held. When called from inside a driver's
     * {@link FenceOps#enableSignaling} hook (that is, under another fence's lock), the callbacks run instead as
     * soon as the thread has left the outermost hook and dropped that lock. Allocates nothing.
     *
     * @return true if the fence was already signalled (this call did nothing)
     */
    public final boolean signal() {
        if ((flags() & SIGNALED) != 0) {
            return true;
        }
        return signalTimestamp(clock.nanoTime());
    }

    /**
     * Signals the fence with a caller-supplied timestamp, as {@code dma_fence_signal_timestamp}.
     *
     * <p>Context: any thread, never blocks. Locking: as {@link #signal()}.
     *
     * @return true if the fence was already signalled
     */
    public final boolean signalTimestamp(long timestampNanos) {
        FenceCallback h;
        do {
            h = resolvedHead();
            if (h == SIG) {
                return true;
            }
        } while (!HEAD.compareAndSet(this, h, CLAIMED));
        if ((int) LOCKED_OPS.getVolatile(this) != 0) {
            // A locked operation is in progress: put the list back and signal after it, under the lock.
            HEAD.setVolatile(this, h);
            return signalLocked(timestampNanos, 0);
        }
        publish(timestampNanos, h);
        TraceSink trace = Tracepoints.sink();
        if (trace != null && clock != null) {
            trace.emit(new TraceEvent.FenceSignaled(timestampNanos, traceRef(), 0));
        }
        dispatch(h);
        return false;
    }

    /**
     * Sets {@code error} (a negative errno) unless already signalled, then signals: the atomic form of
     * {@link #setError} followed by {@link #signal()} for recovery paths racing a normal completion.
     *
     * <p>Context: any thread. Locking: takes the fence lock.
     *
     * @return true if the fence was already signalled (its error is then unchanged)
     */
    public final boolean signalWithError(int error) {
        checkError(error);
        if ((flags() & SIGNALED) != 0) {
            return true;
        }
        return signalLocked(clock.nanoTime(), error);
    }

    // The locked signalling path: claims the list with no other locked operation running (they need the lock),
    // and any lock-free signaller that claims meanwhile sees lockedOps, puts the list back and queues on the lock.
    private boolean signalLocked(long timestampNanos, int newError) {
        FenceCallback h;
        synchronized (lock) {
            beginLockedOp();
            try {
                do {
                    h = resolvedHead();
                    if (h == SIG) {
                        return true;
                    }
                } while (!HEAD.compareAndSet(this, h, CLAIMED));
                if (newError != 0) {
                    error = (short) newError;
                }
                publish(timestampNanos, h);
            } finally {
                endLockedOp();
            }
        }
        TraceSink trace = Tracepoints.sink();
        if (trace != null && clock != null) {
            trace.emit(new TraceEvent.FenceSignaled(timestampNanos, traceRef(), error));
        }
        dispatch(h);
        return false;
    }

    // The claimer only: the timestamp (and the error, already written) become visible with the flag, and head
    // leaves CLAIMED for good. Nobody else writes flags, so a release store is enough.
    private void publish(long timestampNanos, FenceCallback claimed) {
        timestamp = timestampNanos;
        FLAGS.setRelease(this, SIGNALED | (claimed != null ? ENABLED : 0));
        HEAD.setRelease(this, SIG);
    }

    // Runs (or, inside an enableSignaling hook, defers) the callbacks of a claimed list.
    private void dispatch(FenceCallback claimed) {
        if (claimed == null || claimed == END) {
            return;
        }
        FenceCallback list = runOrder(claimed);
        if ((int) HOOK_THREADS.getVolatile() != 0) {
            HookScope scope = HOOK_SCOPE.get();
            if (scope != null && scope.depth > 0) {
                scope.defer(this, list);
                return;
            }
        }
        runCallbacks(list);
    }

    /**
     * Turns a claimed stack (newest first, ending in null) into run order, in place: the waiters of {@link
     * #waitTimeout} first, newest first, then every other callback in registration order. The result ends in
     * null.
     */
    private static FenceCallback runOrder(FenceCallback top) {
        FenceCallback callbacks = null;
        FenceCallback waiters = null;
        FenceCallback waitersTail = null;
        FenceCallback cb = top;
        while (cb != null) {
            FenceCallback next = cb.next;
            if (cb instanceof Waiter w && w.first) {
                cb.next = null;
                if (waitersTail == null) {
                    waiters = cb;
                } else {
                    waitersTail.next = cb;
                }
                waitersTail = cb;
            } else {
                cb.next = callbacks;
                callbacks = cb;
            }
            cb = next;
        }
        if (waitersTail == null) {
            return callbacks;
        }
        waitersTail.next = callbacks;
        return waiters;
    }

    // Runs every node even if one throws (a throwing callback must not strand the waiters queued behind it),
    // then rethrows the first failure. A node is idle (reusable) from the moment its onSignal starts.
    private void runCallbacks(FenceCallback cb) {
        RuntimeException failure = null;
        while (cb != null) {
            FenceCallback next = cb.next;
            cb.next = null;
            cb.pending = false;
            try {
                cb.onSignal(this);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            cb = next;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Returns whether the fence has signalled. If not, asks the driver ({@link FenceOps#signaled}) and, when it
     * says the work is complete, signals the fence now, as {@code dma_fence_is_signaled}.
     *
     * <p>Context: any thread, never blocks.
     */
    public final boolean isSignaled() {
        if ((flags() & SIGNALED) != 0) {
            return true;
        }
        if (ops.signaled(this)) {
            signal();
            return true;
        }
        return false;
    }

    /** Returns whether the signalled bit is set, without asking the driver. Context: any thread. */
    public final boolean isSignaledFlag() {
        return (flags() & SIGNALED) != 0;
    }

    /**
     * Returns the fence's status, as {@code dma_fence_get_status}: 0 while pending, 1 once signalled without
     * error, or the negative error it signalled with.
     *
     * <p>Context: any thread, never blocks (may signal the fence, see {@link #isSignaled()}).
     */
    public final int status() {
        if (!isSignaled()) {
            return 0;
        }
        int e = error;
        return e != 0 ? e : 1;
    }

    /**
     * Records an error to report when the fence signals, as {@code dma_fence_set_error}.
     *
     * <p>Context: any thread, before signalling. Locking: takes the fence lock.
     *
     * @param error a negative errno in [-{@value #MAX_ERRNO}, -1]
     * @throws IllegalArgumentException for a value outside that range
     * @throws IllegalStateException if the fence has already signalled
     */
    public final void setError(int error) {
        if (!setErrorIfPending(error)) {
            throw new IllegalStateException("error set after signal on " + this);
        }
    }

    /** Records {@code errno} as this fence's error; see {@link #setError(int)}. */
    public final void setError(Errno errno) {
        setError(errno.negative());
    }

    /**
     * Records an error to report when the fence signals, unless it has signalled already: {@link #setError(int)}
     * for callers that may race the signal (a container recording a member's error, say).
     *
     * <p>Context: any thread. Locking: takes the fence lock.
     *
     * @param error a negative errno in [-{@value #MAX_ERRNO}, -1]
     * @return true if recorded; false if the fence had signalled (its error is then unchanged)
     * @throws IllegalArgumentException for a value outside that range
     */
    protected final boolean setErrorIfPending(int error) {
        checkError(error);
        synchronized (lock) {
            beginLockedOp();
            try {
                if (resolvedHead() == SIG) {
                    return false;
                }
                this.error = (short) error;
                return true;
            } finally {
                endLockedOp();
            }
        }
    }

    private static void checkError(int error) {
        if (error >= 0 || error < -MAX_ERRNO) {
            throw new IllegalArgumentException("fence error must be a negative errno: " + error);
        }
    }

    /** Returns the error reported by a signalled fence (negative), or 0. Context: any thread. */
    public final int error() {
        return (flags() & SIGNALED) != 0 ? error : 0;
    }

    /**
     * Returns the time the fence signalled (the kernel clock, nanoseconds).
     *
     * @throws IllegalStateException if it has not signalled
     */
    public final long timestamp() {
        if ((flags() & SIGNALED) == 0) {
            throw new IllegalStateException("timestamp of an unsignalled fence " + this);
        }
        return timestamp;
    }

    /**
     * Returns the driver name while unsignalled, and {@code "detached-driver"} once signalled, as the newest
     * kernels report through sync_file (drivers may free their names after signalling).
     */
    public final String driverName() {
        return (flags() & SIGNALED) != 0 ? "detached-driver" : ops.driverName(this);
    }

    /** Returns the timeline name while unsignalled, and {@code "signaled-timeline"} once signalled. */
    public final String timelineName() {
        return (flags() & SIGNALED) != 0 ? "signaled-timeline" : ops.timelineName(this);
    }

    /**
     * Registers {@code cb} to run when the fence signals, as {@code dma_fence_add_callback}. Enables signalling
     * first (see {@link FenceOps#enableSignaling}).
     *
     * <p>Context: any thread, never blocks. Locking: lock-free, except that the first registration on a fence
     * whose driver has an enableSignaling hook takes the fence lock to run it. Allocates nothing.
     *
     * @return 0 if registered; {@code -ENOENT} if the fence has already signalled (the callback is not run);
     *     {@code -EINVAL} if {@code cb} is null
     * @throws IllegalStateException if {@code cb} is already pending on a fence
     */
    public final int addCallback(FenceCallback cb) {
        if (cb == null) {
            return Errno.EINVAL.negative();
        }
        if ((flags() & SIGNALED) != 0) {
            return Errno.ENOENT.negative();
        }
        return register(cb);
    }

    // addCallback without the argument checks; also registers the waiters of waitTimeout.
    private int register(FenceCallback cb) {
        if (cb.pending) {
            throw new IllegalStateException("callback already pending on a fence: " + cb);
        }
        while (true) {
            FenceCallback h = resolvedHead();
            if (h == SIG) {
                cb.next = null;
                cb.pending = false;
                return Errno.ENOENT.negative();
            } else if (h == null && !hookless()) {
                return enableAndRegister(cb);
            }
            // Enabling a fence without a hook is just this first push (onto null).
            cb.next = h == END ? null : h;
            cb.pending = true;
            if (HEAD.compareAndSet(this, h, cb)) {
                if (h == null) {
                    traceEnable();
                }
                return 0;
            }
        }
    }

    /**
     * The locked path of the first registration (or {@link #enableSwSignaling}, {@code cb} null) on a fence
     * whose driver has an enableSignaling hook: runs the hook once under the lock, then registers.
     */
    private int enableAndRegister(FenceCallback cb) {
        boolean hooked = false;
        try {
            boolean complete = false;
            synchronized (lock) {
                beginLockedOp();
                try {
                    FenceCallback h = resolvedHead();
                    while (h == null) {
                        if (HEAD.compareAndSet(this, null, END)) {
                            hooked = true;
                            traceEnable();
                            complete = !callEnableSignaling();
                            break;
                        }
                        h = resolvedHead();
                    }
                    if (!complete && cb != null && pushLocked(cb)) {
                        return 0;
                    }
                } finally {
                    endLockedOp();
                }
            }
            if (complete) {
                signal();
            }
            return Errno.ENOENT.negative();
        } finally {
            if (hooked) {
                runDeferred();
            }
        }
    }

    // Pushes under the lock (a signaller meanwhile defers to the lock); false if the fence has signalled.
    private boolean pushLocked(FenceCallback cb) {
        while (true) {
            FenceCallback h = resolvedHead();
            if (h == SIG) {
                return false;
            }
            if (cb.pending) {
                throw new IllegalStateException("callback already pending on a fence: " + cb);
            }
            cb.next = h == END ? null : h;
            cb.pending = true;
            if (HEAD.compareAndSet(this, h, cb)) {
                return true;
            }
            cb.next = null;
            cb.pending = false;
        }
    }

    /**
     * Describes who waits on this fence, for debugging (the stuck-fence report): one line per pending callback,
     * from {@link FenceCallback#describe()}, oldest first, leaving out the driver's own bookkeeping (callbacks that
     * describe themselves as null). Empty once signalled.
     *
     * <p>Context: any thread, never blocks long. Locking: takes the fence lock (below the head, only locked
     * operations change the list, so it stays still while walked; a signal racing it waits for the lock).
     */
    public final List<String> describeWaiters() {
        List<String> out = new ArrayList<>();
        synchronized (lock) {
            beginLockedOp();
            try {
                FenceCallback h = resolvedHead();
                for (FenceCallback cb = h == SIG || h == END ? null : h; cb != null; cb = cb.next) {
                    String who = cb.describe();
                    if (who != null) {
                        out.add(who);
                    }
                }
            } finally {
                endLockedOp();
            }
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * Unregisters a pending callback, as {@code dma_fence_remove_callback}.
     *
     * <p>Context: any thread. Locking: takes the fence lock (a signal racing it waits for it).
     *
     * @return true if it was pending here and will not run; false if it already ran or is not registered here
     */
    public final boolean removeCallback(FenceCallback cb) {
        if (!cb.pending || (flags() & SIGNALED) != 0) {
            return false;
        }
        synchronized (lock) {
            beginLockedOp();
            try {
                while (true) {
                    FenceCallback h = resolvedHead();
                    if (h == SIG || !cb.pending) {
                        return false;
                    }
                    if (h == cb) {
                        // Pushers race for the head: on failure cb has moved down the list, look again.
                        FenceCallback next = cb.next;
                        if (!HEAD.compareAndSet(this, cb, next == null ? END : next)) {
                            continue;
                        }
                    } else {
                        // Below the head only locked operations (serialised by the lock) change links.
                        FenceCallback pred = h == END ? null : h;
                        while (pred != null && pred.next != cb) {
                            pred = pred.next;
                        }
                        if (pred == null) {
                            // Pending on another fence, or being registered here by another thread right now.
                            return false;
                        }
                        pred.next = cb.next;
                    }
                    cb.next = null;
                    cb.pending = false;
                    return true;
                }
            } finally {
                endLockedOp();
            }
        }
    }

    // Calls the driver's hook once, holding our lock; false means the driver says the fence is already complete.
    // While the hook runs, fences this thread happens to signal (a container enabling its members, a member
    // whose own hook says it is done) defer their callbacks to the HookScope; the caller runs them with
    // runDeferred() once it has dropped the lock.
    private boolean callEnableSignaling() {
        HookScope scope = HOOK_SCOPE.get();
        if (scope == null) {
            scope = new HookScope();
            HOOK_SCOPE.set(scope);
        }
        if (scope.depth++ == 0) {
            HOOK_THREADS.getAndAdd(1);
        }
        try {
            return ops.enableSignaling(this);
        } finally {
            if (--scope.depth == 0) {
                HOOK_THREADS.getAndAdd(-1);
            }
        }
    }

    /** Runs the callbacks deferred while this thread was inside enableSignaling hooks, once it left the last. */
    private static void runDeferred() {
        HookScope scope = HOOK_SCOPE.get();
        if (scope == null || scope.depth > 0) {
            return;
        }
        RuntimeException failure = null;
        Fence fence;
        while ((fence = scope.fences.poll()) != null) {
            FenceCallback list = scope.lists.poll();
            try {
                fence.runCallbacks(list);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Per-thread bookkeeping of {@link FenceOps#enableSignaling} hooks in progress: how deeply they nest, and the
     * callback lists of fences signalled meanwhile, which wait until no fence lock is held any more. This keeps
     * the promise that callbacks never run under a fence lock, also when a container's hook (which runs under
     * the container's lock) registers on a member that turns out to be complete and signals it.
     */
    private static final class HookScope {
        int depth;
        final ArrayDeque<Fence> fences = new ArrayDeque<>();
        final ArrayDeque<FenceCallback> lists = new ArrayDeque<>();

        void defer(Fence fence, FenceCallback list) {
            fences.add(fence);
            lists.add(list);
        }
    }

    /** A marker in the callback list word; never registered, never run. */
    private static final class Sentinel extends FenceCallback {
        @Override
        protected void onSignal(Fence fence) {
            throw new AssertionError("sentinel run");
        }
    }

    /**
     * Enables signalling without registering anything, as {@code dma_fence_enable_sw_signaling}.
     *
     * <p>Context: any thread. Locking: lock-free, or takes the fence lock to run the driver's hook.
     */
    public final void enableSwSignaling() {
        if ((flags() & SIGNALED) != 0) {
            return;
        }
        while (resolvedHead() == null) {
            if (!hookless()) {
                enableAndRegister(null);
                return;
            }
            if (HEAD.compareAndSet(this, null, END)) {
                traceEnable();
                return;
            }
        }
    }

    /** Returns whether signalling has been enabled on this fence. */
    public final boolean isSignalingEnabled() {
        FenceCallback h = resolvedHead();
        if (h == SIG) {
            return (flags() & ENABLED) != 0;
        }
        return h != null;
    }

    /**
     * Forwards a deadline hint to the driver unless the fence has signalled, as {@code dma_fence_set_deadline}.
     *
     * <p>Context: any thread, never blocks.
     */
    public final void setDeadline(long deadlineNanos) {
        if (!isSignaledFlag()) {
            ops.setDeadline(this, deadlineNanos);
        }
    }

    /**
     * Waits for the fence, as {@code dma_fence_wait_timeout}.
     *
     * <p>Context: process context, sleeps (after a short spin). Locking: must not hold the fence lock or any lock
     * a signaller takes.
     *
     * @param interruptible whether thread interruption ends the wait (the thread stays interrupted)
     * @param timeoutNanos the longest to wait on the kernel clock; {@link #MAX_SCHEDULE_TIMEOUT} waits forever
     * @return the time left (at least 1) if signalled, the whole timeout if it already was on entry; 0 on timeout;
     *     for a zero timeout 1 if signalled else 0; {@code -EINTR} if interrupted; {@code -EINVAL} for a negative
     *     timeout
     */
    public final long waitTimeout(boolean interruptible, long timeoutNanos) {
        if (timeoutNanos < 0) {
            return Errno.EINVAL.negative();
        }
        enableSwSignaling();
        if (timeoutNanos == 0) {
            return isSignaled() ? 1 : 0;
        }
        if (isSignaled()) {
            return timeoutNanos;
        }
        TraceSink trace = Tracepoints.sink();
        if (trace == null) {
            return waitBlocking(interruptible, timeoutNanos);
        }
        Track waiter = Track.currentThread();
        traceWaitStart(waiter);
        long r = waitBlocking(interruptible, timeoutNanos);
        traceWaitEnd(waiter, r);
        return r;
    }

    // The sleeping part of waitTimeout, on a pending fence with signalling enabled and a positive timeout.
    private long waitBlocking(boolean interruptible, long timeoutNanos) {
        long start = clock.nanoTime();
        long deadline = Clock.deadlineAfter(start, timeoutNanos);
        for (int i = 0; i < WAIT_SPINS; i++) {
            if (isSignaledFlag()) {
                return remaining(timeoutNanos, deadline);
            }
            Thread.onSpinWait();
        }
        Waiter w = new Waiter(Thread.currentThread());
        if (register(w) != 0) {
            return remaining(timeoutNanos, deadline);
        }
        try {
            if (parkWaiters(interruptible, deadline, w, this) || !removeCallback(w)) {
                return remaining(timeoutNanos, deadline);
            }
            return 0;
        } catch (WaitInterrupted e) {
            removeCallback(w);
            return Errno.EINTR.negative();
        }
    }

    /** Waits forever, as {@code dma_fence_wait}: 0 once signalled, or {@code -EINTR} if interrupted. */
    public final int await(boolean interruptible) {
        long r = waitTimeout(interruptible, MAX_SCHEDULE_TIMEOUT);
        return r < 0 ? (int) r : 0;
    }

    private long remaining(long timeoutNanos, long deadline) {
        if (deadline == Clock.FOREVER) {
            return timeoutNanos;
        }
        return Math.max(1, deadline - clock.nanoTime());
    }

    /**
     * Parks until one of {@code waiters} fires, the deadline passes, or (if interruptible) an interrupt arrives;
     * returns true if one fired, false on timeout, and throws {@link WaitInterrupted} when an interruptible wait is
     * interrupted. The caller unregisters its waiters.
     */
    private static boolean parkWaiters(boolean interruptible, long deadline, Waiter first, Fence firstFence) {
        Clock clock = firstFence.clock;
        boolean interrupted = false;
        try {
            while (!first.woken) {
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (interruptible) {
                        throw new WaitInterrupted();
                    }
                }
                if (clock.nanoTime() >= deadline) {
                    return false;
                }
                clock.parkUntil(firstFence, deadline);
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Thrown inside the wait loop only, to unwind an interrupted wait; never escapes this class. */
    private static final class WaitInterrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WaitInterrupted() {
            super(null, null, false, false);
        }
    }

    /**
     * Waits for any of {@code fences}, as {@code dma_fence_wait_any_timeout}.
     *
     * <p>Context: process context, sleeps. Locking: must not hold any of the fences' locks.
     *
     * @param index if not null, receives in {@code index[0]} the lowest index of a signalled fence
     * @return as {@link #waitTimeout}: time left if one signalled, 0 on timeout, {@code -EINTR} if interrupted,
     *     {@code -EINVAL} for no fences or a negative timeout
     */
    public static long waitAnyTimeout(Fence[] fences, boolean interruptible, long timeoutNanos, int[] index) {
        if (fences == null || fences.length == 0 || timeoutNanos < 0) {
            return Errno.EINVAL.negative();
        }
        for (int i = 0; i < fences.length; i++) {
            fences[i].enableSwSignaling();
            if (fences[i].isSignaled()) {
                if (index != null) {
                    index[0] = i;
                }
                return timeoutNanos == 0 ? 1 : timeoutNanos;
            }
        }
        if (timeoutNanos == 0) {
            return 0;
        }
        Clock clock = fences[0].clock;
        long deadline = Clock.deadlineAfter(clock.nanoTime(), timeoutNanos);
        Thread self = Thread.currentThread();
        Waiter shared = new Waiter(self);
        Waiter[] nodes = new Waiter[fences.length];
        try {
            for (int i = 0; i < fences.length; i++) {
                nodes[i] = new Waiter(self, shared);
                if (fences[i].addCallback(nodes[i]) != 0) {
                    shared.woken = true;
                    break;
                }
            }
            long r;
            try {
                r = parkWaiters(interruptible, deadline, shared, fences[0]) ? 1 : 0;
            } catch (WaitInterrupted e) {
                return Errno.EINTR.negative();
            }
            if (r == 0) {
                return 0;
            }
            for (int i = 0; i < fences.length; i++) {
                if (fences[i].isSignaled()) {
                    if (index != null) {
                        index[0] = i;
                    }
                    break;
                }
            }
            return deadline == Clock.FOREVER ? timeoutNanos : Math.max(1, deadline - clock.nanoTime());
        } finally {
            for (int i = 0; i < fences.length; i++) {
                if (nodes[i] != null) {
                    fences[i].removeCallback(nodes[i]);
                }
            }
        }
    }

    /**
     * A parked thread's callback node: marks itself (and its group) woken and unparks the thread. A single wait's
     * node runs before the fence's other callbacks ({@link #first}); wait-any's nodes are ordinary callbacks.
     */
    private static final class Waiter extends FenceCallback {
        private final Thread thread;
        private final Waiter group;
        final boolean first;
        volatile boolean woken;

        Waiter(Thread thread) {
            this.thread = thread;
            this.group = this;
            this.first = true;
        }

        Waiter(Thread thread, Waiter group) {
            this.thread = thread;
            this.group = group;
            this.first = false;
        }

        @Override
        protected void onSignal(Fence fence) {
            group.woken = true;
            LockSupport.unpark(thread);
        }

        @Override
        public String describe() {
            return "thread " + thread.getName() + " [" + thread.threadId() + "] in dma_fence_wait";
        }
    }

    /**
     * Returns whether {@code f1} is later on their common timeline than {@code f2}, as {@code
     * dma_fence_is_later}: 64-bit comparison for 64-bit fences, otherwise the low 32 bits with wrap-around.
     * Fences of different contexts are unordered: false.
     */
    public static boolean isLater(Fence f1, Fence f2) {
        if (f1.context != f2.context) {
            return false;
        }
        return isLater(f1.seqno, f2.seqno, f1.isSeqno64());
    }

    /** Returns whether seqno {@code s1} is later than {@code s2} under the given ordering rule. */
    public static boolean isLater(long s1, long s2, boolean seqno64) {
        if (seqno64) {
            return Long.compareUnsigned(s1, s2) > 0;
        }
        return (int) (s1 - s2) > 0;
    }

    /** Returns whether {@code f1} is the same fence as, or later than, {@code f2}. */
    public static boolean isLaterOrSame(Fence f1, Fence f2) {
        return f1 == f2 || isLater(f1, f2);
    }

    /**
     * Describes the fence for debugfs, as {@code dma_fence_describe}: {@code "ctx:seqno timeline driver
     * unsignalled\n"}, or {@code "ctx:seqno   signalled\n"} once signalled (names are gone by then).
     */
    public final String describe() {
        boolean sig = isSignaled();
        String timeline = sig ? "" : ops.timelineName(this);
        String driver = sig ? "" : ops.driverName(this);
        return Long.toUnsignedString(context) + ":" + Long.toUnsignedString(seqno) + " " + timeline + " " + driver + " "
                + (sig ? "" : "un") + "signalled\n";
    }

    @Override
    public String toString() {
        return ops.driverName(this) + ":" + ops.timelineName(this) + ":" + context + ":" + seqno + "["
                + (isSignaledFlag() ? "signalled " + error() : "pending") + "]";
    }

    private static final FenceOps STUB_OPS = FenceOps.named("stub", "stub");
    private static final Fence STUB = privateStub(System.nanoTime());

    /** Returns the global stub fence: context 0, seqno 0, names "stub", signalled since start-up. */
    public static Fence stub() {
        return STUB;
    }

    /**
     * Creates a signalled stub fence stamped {@code timestampNanos}, as {@code dma_fence_allocate_private_stub}:
     * context 0, seqno 0, driver and timeline "stub".
     */
    public static Fence privateStub(long timestampNanos) {
        Fence f = new Fence(STUB_OPS, null, 0, 0);
        f.signalTimestamp(timestampNanos);
        return f;
    }
}
