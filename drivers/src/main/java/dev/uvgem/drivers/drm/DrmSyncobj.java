package dev.uvgem.drivers.drm;

import static dev.uvgem.uapi.DrmSyncobj.WAIT_FOR_SUBMIT_TIMEOUT_NS;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.container.FenceChain;
import dev.uvgem.core.fence.container.FenceUnwrap;
import dev.uvgem.core.time.Clock;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A DRM sync object, as {@code struct drm_syncobj}: a reference-counted container of one nullable fence pointer,
 * with the waiters blocked until a point materialises and the eventfds registered on it.
 *
 * <p>Used as a binary syncobj the pointer is the current fence (null: unsubmitted). Used as a timeline it is the
 * head of a {@link FenceChain} whose node seqnos are the points; point 0 always means "the current fence". The two
 * uses share the object: {@link #replaceFence} (RESET, SIGNAL, binary import) replaces a whole timeline.
 *
 * <p>References are held by handles ({@link DrmSyncobjTable}), opaque fds and ioctls in progress. The last {@link
 * #put()} frees the object: the fence is replaced by null and eventfd registrations still waiting for their point
 * are dropped without signalling.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the object's monitor guards the fence pointer and the waiter
 * list; updates ({@link #replaceFence}, {@link #addPoint}) re-evaluate every waiter under it. A waiter's reaction
 * (unparking a thread, adding a fence callback, signalling an eventfd) takes no lock of this object, so fences may
 * signal and callbacks run under it; no fence callback ever takes it.
 */
public final class DrmSyncobj {
    private final DrmDevice device;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final List<PointWaiter> waiters = new ArrayList<>(); // guarded by this
    private volatile Fence fence; // written under this

    /**
     * Someone waiting for a point of this syncobj to materialise, as the kernel's wait and eventfd entries on
     * {@code cb_list} / {@code ev_fd_list}.
     */
    interface PointWaiter {
        /** The point waited for; 0 for the current fence. */
        long point();

        /**
         * Called with the point's fence once it has materialised (the stub if it already signalled and was
         * collected). Context: the updating thread, under the syncobj's monitor; must not block or take it.
         *
         * @return true to leave the waiter list
         */
        boolean materialised(Fence fence);
    }

    DrmSyncobj(DrmDevice device) {
        this.device = device;
    }

    /** Returns the device whose clock and stub fence this syncobj uses. */
    public DrmDevice device() {
        return device;
    }

    // ---------------------------------------------------------------- references

    /**
     * Takes a reference, as {@code drm_syncobj_get}.
     *
     * <p>Context: any thread; the caller must already hold one. Locking: none.
     */
    public DrmSyncobj get() {
        if (refs.getAndIncrement() <= 0) {
            throw new IllegalStateException("get on a freed syncobj");
        }
        return this;
    }

    /**
     * Drops a reference, as {@code drm_syncobj_put}; the last one frees the object ({@code drm_syncobj_free}).
     *
     * <p>Context: any thread. Locking: the last put takes the monitor to clear the fence and the waiters.
     */
    public void put() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            free();
        } else if (left < 0) {
            throw new IllegalStateException("syncobj put more often than got");
        }
    }

    /** Returns the number of references (handles, fds, ioctls in progress). */
    public int refCount() {
        return refs.get();
    }

    private void free() {
        replaceFence(null);
        synchronized (this) {
            // Only eventfd entries can be left: a blocked wait holds a reference. They go unsignalled.
            waiters.clear();
        }
        device.syncobjFreed();
    }

    // ---------------------------------------------------------------- the fence

    /**
     * Returns the current fence (a chain head for a timeline), or null, as {@code drm_syncobj_fence_get}.
     *
     * <p>Context: any thread. Locking: none (a volatile read).
     */
    public Fence fence() {
        return fence;
    }

    /**
     * Replaces the fence, as {@code drm_syncobj_replace_fence}; if the pointer changed, re-evaluates the waiters.
     *
     * <p>Context: any thread, never blocks. Locking: takes the monitor; waiters react under it.
     *
     * @param newFence the new fence, or null to reset
     */
    public void replaceFence(Fence newFence) {
        synchronized (this) {
            Fence old = fence;
            fence = newFence;
            if (old != newFence) {
                updateLocked();
            }
        }
    }

    /**
     * Replaces the fence with a new signalled stub stamped now, as {@code drm_syncobj_assign_null_handle} (the
     * SIGNAL ioctl, CREATE with SIGNALED).
     *
     * <p>Context: any thread, never blocks. Locking: as {@link #replaceFence}.
     */
    public void signal() {
        replaceFence(Fence.privateStub(device.clock().nanoTime()));
    }

    /**
     * Appends {@code pointFence} as timeline point {@code point}, as {@code drm_syncobj_add_point}: a new chain
     * node after the current fence becomes the head, then the waiters are re-evaluated and the old chain walked
     * once, which collects the points that have signalled. A point not later than the head is still added (it
     * starts a new chain context, and a later QUERY may stop there).
     *
     * <p>Context: any thread, never blocks. Locking: takes the monitor for the swap and the waiters; walks the
     * chain after dropping it.
     *
     * <p>A chain node (a timeline point exported to a sync_file and imported again) is flattened into the fences
     * it waits for first: uvgem's chains never contain a chain, where the kernel would nest it.
     *
     * @param pointFence the fence of the point
     * @param point the point (unsigned 64-bit)
     */
    public void addPoint(Fence pointFence, long point) {
        Fence contained =
                FenceChain.asChain(pointFence) == null ? pointFence : FenceUnwrap.merge(device.clock(), pointFence);
        Fence prev;
        synchronized (this) {
            prev = fence;
            fence = FenceChain.create(device.clock(), prev, contained, point);
            updateLocked();
        }
        for (Fence f = prev; f != null; f = FenceChain.walk(f)) {
            // Only the walk's side effect matters: signalled points are unlinked.
        }
    }

    /** Re-evaluates every waiter against the current fence. Locking: caller holds the monitor. */
    private void updateLocked() {
        if (waiters.isEmpty()) {
            return;
        }
        Fence head = fence;
        for (int i = 0; i < waiters.size(); ) {
            PointWaiter w = waiters.get(i);
            Fence f = resolve(head, w.point());
            if (f != null && w.materialised(f)) {
                waiters.remove(i);
            } else {
                i++;
            }
        }
    }

    /**
     * Resolves {@code point} on {@code head}, as {@code dma_fence_chain_find_seqno}: null when there is no fence
     * or the point is not on the timeline yet; the kernel's stub when the point has signalled and was collected;
     * otherwise the node (or fence) to wait on.
     */
    Fence resolve(Fence head, long point) {
        if (head == null) {
            return null;
        }
        if (point != 0) {
            FenceChain chain = FenceChain.asChain(head);
            if (chain == null || Long.compareUnsigned(chain.seqno(), point) < 0) {
                return null;
            }
        }
        Fence f = FenceChain.findSeqno(head, point);
        return f == null ? device.stubFence() : f;
    }

    /**
     * Registers {@code w} unless its point has already materialised, in which case it is told at once, as {@code
     * drm_syncobj_fence_add_wait} / {@code drm_syncobj_add_eventfd}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the monitor; {@code w} reacts under it.
     */
    void addWaiter(PointWaiter w) {
        synchronized (this) {
            Fence f = resolve(fence, w.point());
            if (f == null || !w.materialised(f)) {
                waiters.add(w);
            }
        }
    }

    /**
     * Unregisters {@code w} if it is still waiting.
     *
     * <p>Context: any thread. Locking: takes the monitor.
     */
    void removeWaiter(PointWaiter w) {
        synchronized (this) {
            waiters.remove(w);
        }
    }

    /** Returns the number of registered waiters (blocked waits and eventfds not yet materialised), for tests. */
    public synchronized int waiterCount() {
        return waiters.size();
    }

    // ---------------------------------------------------------------- lookups

    /**
     * Returns the fence of {@code point} for a consumer, as {@code drm_syncobj_find_fence} once the handle is
     * found: the node (or fence) of the point, the stub if it already signalled and was collected. If the point
     * has not materialised: EINVAL, or with {@code waitForSubmit} a wait of up to 5 s for it.
     *
     * <p>Context: process context; sleeps only with {@code waitForSubmit}. Locking: takes the monitor briefly;
     * sleeps without it.
     *
     * @throws ErrnoException EINVAL for an unsubmitted point; ETIME when the 5 s pass; EINTR if the thread is
     *     interrupted (it stays interrupted)
     */
    public Fence findFence(long point, boolean waitForSubmit) {
        Fence f = resolve(fence, point);
        if (f != null) {
            return f;
        }
        if (!waitForSubmit) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Clock clock = device.clock();
        long deadline = Clock.deadlineAfter(clock.nanoTime(), WAIT_FOR_SUBMIT_TIMEOUT_NS);
        SubmitWaiter w = new SubmitWaiter(Thread.currentThread(), point);
        addWaiter(w);
        try {
            while (w.fence == null) {
                if (clock.nanoTime() >= deadline) {
                    throw new ErrnoException(Errno.ETIME);
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new ErrnoException(Errno.EINTR);
                }
                clock.parkUntil(this, deadline);
            }
            return w.fence;
        } finally {
            removeWaiter(w);
        }
    }

    /** A thread blocked in {@link #findFence} until the point materialises. */
    private static final class SubmitWaiter implements PointWaiter {
        private final Thread thread;
        private final long point;
        volatile Fence fence;

        SubmitWaiter(Thread thread, long point) {
            this.thread = thread;
            this.point = point;
        }

        @Override
        public long point() {
            return point;
        }

        @Override
        public boolean materialised(Fence f) {
            fence = f;
            LockSupport.unpark(thread);
            return true;
        }
    }

    /**
     * Returns the timeline value QUERY reports, as {@code drm_syncobj_query_ioctl} does per syncobj: 0 unless the
     * fence is a chain; with {@code lastSubmitted} the head's point; otherwise the highest point P such that P and
     * every point before it on the head's context have signalled (the walk collects signalled points, so its cost
     * follows the unsignalled points, not the history).
     *
     * <p>Context: any thread, never blocks. Locking: none (the chain is walked lock-free).
     */
    public long query(boolean lastSubmitted) {
        Fence head = fence;
        FenceChain chain = FenceChain.asChain(head);
        if (chain == null) {
            return 0;
        }
        if (lastSubmitted) {
            return head.seqno();
        }
        Fence last = head;
        for (Fence it = head; it != null; it = FenceChain.walk(it)) {
            if (it.context() != head.context()) {
                // Unordered points started a new context: stop there.
                break;
            }
            last = it;
        }
        if (last.isSignaled()) {
            return last.seqno();
        }
        FenceChain lastChain = FenceChain.asChain(last);
        return lastChain == null ? 0 : lastChain.prevSeqno();
    }

    @Override
    public String toString() {
        return "drm_syncobj[" + fence + "]";
    }
}
