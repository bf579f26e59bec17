package dev.uvgem.core.resv;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.container.FenceArray;
import dev.uvgem.core.fence.container.FenceUnwrap;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A reservation object, as {@code struct dma_resv}: the fences of one buffer, each tagged with a {@link
 * ResvUsage}, plus the {@link WwMutex} that serialises writers.
 *
 * <p>Writers hold the lock, reserve slots ({@link #reserveFences}) and add fences ({@link #addFence}); readers
 * never lock. The entries live in an immutable snapshot published through a volatile field: a writer builds a
 * new snapshot and publishes it, so a reader always sees one consistent set. Each snapshot carries a generation
 * number that changes whenever the set of fences changes; lock-free walks ({@link ResvCursor}) restart when it
 * does. Re-allocating for more room keeps the generation (the set of unsignalled fences is the same).
 *
 * <p>Capacity follows the kernel: slots are reserved under the lock, and when the list has to grow it grows to at
 * least twice its size, rounded up to what the slab allocator would really hand out, and the copy leaves behind
 * fences that have signalled. As in a kernel built with {@code CONFIG_DEBUG_MUTEXES}, reserved slots lapse when
 * the lock is dropped (without changing the capacity): adding a fence after re-locking needs a new reservation.
 *
 * <p>Thread-safety: safe for concurrent use; mutators require the lock held by the calling thread and check it.
 * Fence signalling paths must never take a reservation lock, since holders may wait on fences.
 */
public final class Reservation {
    /** Bytes before the first slot of the kernel's fence list: an RCU head and two 32-bit counters. */
    private static final int LIST_HEADER_BYTES = 24;
    /** The largest kmalloc on x86-64 (4 MiB); a longer list fails with -ENOMEM. */
    private static final long KMALLOC_MAX_SIZE = 4L << 20;
    /** The small kmalloc caches that are not powers of two. */
    private static final int[] SMALL_CACHES = {8, 16, 32, 64, 96, 128, 192};

    /** One published, never modified set of entries. */
    static final class FenceList {
        static final FenceList EMPTY = new FenceList(new Fence[0], new ResvUsage[0], 0);

        final Fence[] fences;
        final ResvUsage[] usages;
        final long seq;

        FenceList(Fence[] fences, ResvUsage[] usages, long seq) {
            this.fences = fences;
            this.usages = usages;
            this.seq = seq;
        }
    }

    private final WwMutex lock = new WwMutex();

    private volatile FenceList published = FenceList.EMPTY;

    private static final VarHandle PUBLISHED;

    static {
        try {
            PUBLISHED = MethodHandles.lookup().findVarHandle(Reservation.class, "published", FenceList.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Guarded by lock. maxFences is the capacity of the current list (0: none allocated); reservedLimit is the
    // count an append may reach under the current reservation (maxFences until the next unlock).
    private int maxFences;
    private int reservedLimit;

    /** Creates an empty, unlocked reservation, as {@code dma_resv_init}. Context: any thread. Locking: none. */
    public Reservation() {}

    // Writers hold the lock (or own the reservation, in fini): a release store publishes the immutable list to
    // the lock-free readers without the full fence of a volatile store.
    private void publish(FenceList list) {
        PUBLISHED.setRelease(this, list);
    }

    FenceList published() {
        return published;
    }

    long seq() {
        return published.seq;
    }

    /**
     * Returns the mutex guarding this reservation, for code that locks several buffers under one context. Unlock
     * through {@link #unlock()}, which also ends the slot reservation.
     *
     * <p>Context: any thread. Locking: none.
     */
    public WwMutex mutex() {
        return lock;
    }

    // ---------------------------------------------------------------- locking

    /**
     * Locks the reservation as part of {@code ctx}'s transaction, as {@code dma_resv_lock}.
     *
     * <p>Context: process context, may sleep uninterruptibly. Locking: takes the reservation's ww_mutex.
     *
     * @param ctx the transaction, or null to lock this one reservation without deadlock avoidance
     * @return 0, {@code -EALREADY} or {@code -EDEADLK}, see {@link WwMutex#lock}
     */
    public int lock(WwAcquireContext ctx) {
        return lock.lock(ctx);
    }

    /**
     * As {@link #lock}, interruptible, as {@code dma_resv_lock_interruptible}.
     *
     * <p>Context: process context, may sleep. Locking: takes the reservation's ww_mutex.
     *
     * @return 0, {@code -EALREADY}, {@code -EDEADLK} or {@code -EINTR}
     */
    public int lockInterruptible(WwAcquireContext ctx) {
        return lock.lockInterruptible(ctx);
    }

    /**
     * Sleeps until locked after backing off, as {@code dma_resv_lock_slow}.
     *
     * <p>Context: process context, sleeps. Locking: takes the ww_mutex; {@code ctx} must hold nothing else.
     */
    public void lockSlow(WwAcquireContext ctx) {
        lock.lockSlow(ctx);
    }

    /**
     * As {@link #lockSlow}, interruptible, as {@code dma_resv_lock_slow_interruptible}.
     *
     * <p>Context: process context, may sleep. Locking: takes the ww_mutex.
     *
     * @return 0 or {@code -EINTR}
     */
    public int lockSlowInterruptible(WwAcquireContext ctx) {
        return lock.lockSlowInterruptible(ctx);
    }

    /**
     * Locks without a context if free, as {@code dma_resv_trylock}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the ww_mutex on success.
     *
     * @return true if now held
     */
    public boolean trylock() {
        return lock.trylock();
    }

    /**
     * Unlocks, as {@code dma_resv_unlock}; reserved but unused slots lapse.
     *
     * <p>Context: the holding thread, never blocks. Locking: must hold the lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    public void unlock() {
        if (lock.isHeldByCurrentThread()) {
            reservedLimit = published.fences.length;
        }
        lock.unlock();
    }

    /**
     * Returns whether the reservation is locked, as {@code dma_resv_is_locked}.
     *
     * <p>Context: any thread (racy). Locking: none.
     */
    public boolean isLocked() {
        return lock.isLocked();
    }

    /**
     * Returns the context holding the lock, or null, as {@code dma_resv_locking_ctx}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public WwAcquireContext lockingCtx() {
        return lock.owner();
    }

    /** Returns whether the calling thread holds the lock. Context: any thread. Locking: none. */
    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /**
     * Checks that the calling thread holds the lock, as {@code dma_resv_assert_held}.
     *
     * <p>Context: any thread. Locking: none.
     *
     * @throws IllegalStateException if it does not
     */
    public void assertHeld() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException(
                    "dma_resv lock not held by " + Thread.currentThread().getName());
        }
    }

    /**
     * Drops every fence, as {@code dma_resv_fini}. The reservation must not be in use any more.
     *
     * <p>Context: any thread. Locking: the reservation must be unlocked.
     *
     * @throws IllegalStateException if it is locked
     */
    public void fini() {
        if (lock.isLocked()) {
            throw new IllegalStateException("dma_resv_fini on a locked reservation");
        }
        publish(new FenceList(FenceList.EMPTY.fences, FenceList.EMPTY.usages, published.seq + 1));
    }

    // ---------------------------------------------------------------- writers

    /**
     * Makes room for {@code n} more fences, as {@code dma_resv_reserve_fences}: a no-op if the list has room.
     * Otherwise the list is re-allocated with capacity max(count + n, 2 × capacity) (the first list: max(4, n
     * rounded up to a power of two)), rounded up to the slab allocator's bucket; signalled fences are left
     * behind, the others keep their order. The reservation is valid until {@link #unlock()}.
     *
     * <p>Context: process context. Locking: must hold the lock.
     *
     * @throws ErrnoException {@code EINVAL} if {@code n} is not positive; {@code ENOMEM} if the list would exceed
     *     the largest allocation the kernel allows
     * @throws IllegalStateException if the lock is not held
     */
    public void reserveFences(int n) {
        assertHeld();
        if (n <= 0) {
            throw new ErrnoException(Errno.EINVAL, "dma_resv_reserve_fences of " + n + " slots");
        }
        FenceList old = published;
        int count = old.fences.length;
        long max;
        if (maxFences > 0) {
            if ((long) count + n <= maxFences) {
                reservedLimit = maxFences;
                return;
            }
            max = Math.max((long) count + n, 2L * maxFences);
        } else {
            max = Math.max(4L, roundUpPowerOfTwo(n));
        }
        int capacity = slabCapacity(max);
        int kept = 0;
        Fence[] fences = new Fence[count];
        ResvUsage[] usages = new ResvUsage[count];
        for (int i = 0; i < count; i++) {
            if (!old.fences[i].isSignaled()) {
                fences[kept] = old.fences[i];
                usages[kept] = old.usages[i];
                kept++;
            }
        }
        // The unsignalled set is unchanged, so readers need not restart: keep the generation.
        publish(new FenceList(Arrays.copyOf(fences, kept), Arrays.copyOf(usages, kept), old.seq));
        maxFences = capacity;
        reservedLimit = capacity;
    }

    private static long roundUpPowerOfTwo(long n) {
        return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
    }

    /** Returns how many slots a list for {@code max} fences really has once kmalloc rounds it up (ksize). */
    private static int slabCapacity(long max) {
        long bytes = LIST_HEADER_BYTES + 8 * max;
        if (bytes > KMALLOC_MAX_SIZE) {
            throw new ErrnoException(Errno.ENOMEM, "dma_resv fence list of " + max + " slots");
        }
        long bucket = 0;
        for (int size : SMALL_CACHES) {
            if (bytes <= size) {
                bucket = size;
                break;
            }
        }
        if (bucket == 0) {
            bucket = roundUpPowerOfTwo(bytes);
        }
        return (int) ((bucket - LIST_HEADER_BYTES) / 8);
    }

    /**
     * Adds {@code fence} with {@code usage}, as {@code dma_resv_add_fence}. The first entry {@code old} (in list
     * order) with either the same context, a usage at least as weak ({@code old.usage >= usage}) and {@code
     * fence} later than or the same as {@code old}, or with {@code old} signalled, is overwritten in place;
     * otherwise the fence is appended into a reserved slot. So re-adding a fence with a stronger usage upgrades
     * its entry, re-adding it with a weaker usage adds a second entry, and signalled entries are recycled.
     *
     * <p>Context: process context, never sleeps (checking a fence may signal it through its driver's poll hook).
     * Locking: must hold the lock and have reserved a slot since locking.
     *
     * @throws IllegalArgumentException if {@code fence} is a container (a fence array or chain): add its fences
     * @throws IllegalStateException if the lock is not held, or an append finds no reserved slot (a kernel BUG)
     */
    public void addFence(Fence fence, ResvUsage usage) {
        Objects.requireNonNull(fence, "fence");
        Objects.requireNonNull(usage, "usage");
        assertHeld();
        if (FenceUnwrap.isContainer(fence)) {
            throw new IllegalArgumentException("containers are not added to a reservation: " + fence);
        }
        FenceList cur = published;
        int count = cur.fences.length;
        int slot = count;
        for (int i = 0; i < count; i++) {
            Fence old = cur.fences[i];
            if ((old.context() == fence.context()
                            && cur.usages[i].compareTo(usage) >= 0
                            && Fence.isLaterOrSame(fence, old))
                    || old.isSignaled()) {
                slot = i;
                break;
            }
        }
        Fence[] fences;
        ResvUsage[] usages;
        if (slot == count) {
            if (count >= reservedLimit) {
                throw new IllegalStateException("dma_resv_add_fence without a reserved slot (" + count + " of "
                        + maxFences + " used, " + reservedLimit + " reserved)");
            }
            fences = Arrays.copyOf(cur.fences, count + 1);
            usages = Arrays.copyOf(cur.usages, count + 1);
        } else {
            fences = cur.fences.clone();
            usages = cur.usages.clone();
        }
        fences[slot] = fence;
        usages[slot] = usage;
        publish(new FenceList(fences, usages, cur.seq + 1));
    }

    /**
     * Replaces every fence of {@code context}, signalled or not, with ({@code replacement}, {@code usage}), as
     * {@code dma_resv_replace_fences}. Only valid when the replaced operations no longer access the buffer once
     * {@code replacement} completes (e.g. a preemption fence replaced by a page-table update).
     *
     * <p>Context: process context, never sleeps. Locking: must hold the lock.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void replaceFences(long context, Fence replacement, ResvUsage usage) {
        Objects.requireNonNull(replacement, "replacement");
        Objects.requireNonNull(usage, "usage");
        assertHeld();
        FenceList cur = published;
        Fence[] fences = cur.fences.clone();
        ResvUsage[] usages = cur.usages.clone();
        for (int i = 0; i < fences.length; i++) {
            if (fences[i].context() == context) {
                fences[i] = replacement;
                usages[i] = usage;
            }
        }
        publish(new FenceList(fences, usages, cur.seq + 1));
    }

    /**
     * Makes this reservation's fences a copy of {@code src}'s unsignalled fences of every usage (BOOKKEEP
     * included), usages kept, as {@code dma_resv_copy_fences}. {@code src} is read without its lock.
     *
     * <p>Context: process context. Locking: must hold this reservation's lock; takes none of {@code src}.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void copyFences(Reservation src) {
        assertHeld();
        List<Fence> fences = null;
        List<ResvUsage> usages = null;
        int srcCount = 0;
        ResvCursor c = src.cursor(ResvUsage.BOOKKEEP);
        for (Fence f = c.first(); f != null; f = c.next()) {
            if (c.isRestarted()) {
                srcCount = c.numFences();
                fences = new ArrayList<>(srcCount);
                usages = new ArrayList<>(srcCount);
            }
            fences.add(f);
            usages.add(c.usage());
        }
        FenceList cur = published;
        if (fences == null) {
            publish(new FenceList(FenceList.EMPTY.fences, FenceList.EMPTY.usages, cur.seq + 1));
            maxFences = 0;
        } else {
            publish(new FenceList(fences.toArray(new Fence[0]), usages.toArray(new ResvUsage[0]), cur.seq + 1));
            maxFences = slabCapacity(srcCount);
        }
        reservedLimit = maxFences;
    }

    // ---------------------------------------------------------------- readers

    /**
     * Starts a lock-free walk over the unsignalled fences with usage covered by {@code usage}, as {@code
     * dma_resv_iter_begin}; see {@link ResvCursor}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public ResvCursor cursor(ResvUsage usage) {
        return new ResvCursor(this, Objects.requireNonNull(usage, "usage"));
    }

    /**
     * Calls {@code action} with every entry, signalled ones included, whose usage {@code usage} covers, in list
     * order, as {@code dma_resv_for_each_fence}. The entries are those present when the walk starts.
     *
     * <p>Context: process context. Locking: must hold the lock; {@code action} runs with it held.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void forEachLocked(ResvUsage usage, BiConsumer<Fence, ResvUsage> action) {
        Objects.requireNonNull(usage, "usage");
        assertHeld();
        FenceList cur = published;
        for (int i = 0; i < cur.fences.length; i++) {
            if (usage.includes(cur.usages[i])) {
                action.accept(cur.fences[i], cur.usages[i]);
            }
        }
    }

    /**
     * Returns the unsignalled fences whose usage {@code usage} covers, as {@code dma_resv_get_fences}: one
     * consistent snapshot, possibly empty.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public Fence[] getFences(ResvUsage usage) {
        List<Fence> out = new ArrayList<>();
        ResvCursor c = cursor(usage);
        for (Fence f = c.first(); f != null; f = c.next()) {
            if (c.isRestarted()) {
                out.clear();
            }
            out.add(f);
        }
        return out.toArray(new Fence[0]);
    }

    /**
     * Returns one fence standing for every unsignalled fence whose usage {@code usage} covers, as {@code
     * dma_resv_get_singleton}: null if there is none, the fence itself if there is one, else a new {@link
     * FenceArray} of them on a fresh context with seqno 1 that signals when all have. The result must not be
     * added back to a reservation (an array is a container).
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public Fence getSingleton(ResvUsage usage) {
        Fence[] fences = getFences(usage);
        return switch (fences.length) {
            case 0 -> null;
            case 1 -> fences[0];
            default -> FenceArray.create(fences, FenceContext.allocate(), 1, false);
        };
    }

    /**
     * Returns true if no unsignalled fence has a usage {@code usage} covers, as {@code dma_resv_test_signaled}.
     *
     * <p>Context: any thread, never blocks (may signal fences through their drivers' poll hooks). Locking: none.
     */
    public boolean testSignaled(ResvUsage usage) {
        return cursor(usage).first() == null;
    }

    /**
     * Waits for every unsignalled fence with a usage {@code usage} covers, as {@code dma_resv_wait_timeout}: each
     * in turn, with the time the previous waits left. A zero timeout only tests (the kernel waits one jiffy per
     * pending fence; here nothing sleeps).
     *
     * <p>Context: process context, sleeps. Locking: none needed; may be called with the lock held.
     *
     * @param timeoutNanos the longest to wait, {@link Fence#MAX_SCHEDULE_TIMEOUT} for ever
     * @return the time left (&gt; 0) when all are signalled, 1 for a zero timeout with all signalled; 0 on
     *     timeout; {@code -EINTR} if interrupted; {@code -EINVAL} for a negative timeout
     */
    public long waitTimeout(ResvUsage usage, boolean interruptible, long timeoutNanos) {
        if (timeoutNanos < 0) {
            return Errno.EINVAL.negative();
        }
        long ret = timeoutNanos == 0 ? 1 : timeoutNanos;
        ResvCursor c = cursor(usage);
        for (Fence f = c.first(); f != null; f = c.next()) {
            ret = f.waitTimeout(interruptible, timeoutNanos == 0 ? 0 : ret);
            if (ret <= 0) {
                return ret;
            }
        }
        return ret;
    }

    /**
     * Passes a deadline hint to every unsignalled fence with a usage {@code usage} covers, as {@code
     * dma_resv_set_deadline}.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public void setDeadline(ResvUsage usage, long deadlineNanos) {
        ResvCursor c = cursor(usage);
        for (Fence f = c.first(); f != null; f = c.next()) {
            f.setDeadline(deadlineNanos);
        }
    }

    /**
     * Describes the fences for debugfs, as {@code dma_resv_describe}: for every entry of usage READ or stronger
     * (BOOKKEEP omitted, signalled included) {@code "\t<kernel|write|read> fence:"} followed by the fence's
     * {@link Fence#describe()} line.
     *
     * <p>Context: process context. Locking: must hold the lock.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        forEachLocked(
                ResvUsage.READ,
                (f, u) ->
                        sb.append('\t').append(u.debugName()).append(" fence:").append(f.describe()));
        return sb.toString();
    }

    /**
     * Returns the capacity of the current fence list (0 before the first reservation): what the slab allocator
     * would have handed out. For tests and debugging.
     *
     * <p>Context: any thread (racy without the lock). Locking: none.
     */
    public int capacity() {
        return maxFences;
    }

    /**
     * Returns the number of entries, signalled ones included. For tests and debugging.
     *
     * <p>Context: any thread. Locking: none.
     */
    public int numFences() {
        return published.fences.length;
    }

    @Override
    public String toString() {
        return "Reservation[" + published.fences.length + " fences, " + lock + "]";
    }
}
