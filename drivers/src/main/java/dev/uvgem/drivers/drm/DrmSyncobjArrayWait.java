package dev.uvgem.drivers.drm;

import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_ALL;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.time.Clock;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.concurrent.locks.LockSupport;

/**
 * A host wait on an array of syncobj points, as {@code drm_syncobj_array_wait_timeout}: the engine of the WAIT and
 * TIMELINE_WAIT ioctls.
 *
 * <p>The calling thread sleeps on the kernel clock and is woken by the callbacks it registers: one fence callback
 * per captured fence, and (with WAIT_FOR_SUBMIT or WAIT_AVAILABLE) one waiter per syncobj whose point had not
 * materialised, which captures the point's fence when an update installs it. A later reset does not un-capture
 * it. No thread is started and nothing polls.
 *
 * <p>Thread-safety: one instance per wait, used by the waiting thread; its entries are touched by the threads
 * that update the syncobjs or signal the fences, through volatile fields and unpark only.
 */
final class DrmSyncobjArrayWait {
    /** A tick of the kernel's timeout conversion ({@code HZ} = 250, a common distribution setting). */
    static final long JIFFY_NS = 4_000_000L;

    /** The value {@code first_signaled} keeps when no entry was signalled (before the sleep, with WAIT_ALL). */
    static final int NO_INDEX = -1;

    private DrmSyncobjArrayWait() {}

    /**
     * Converts an absolute CLOCK_MONOTONIC timeout to a deadline on {@code clock}, as {@code
     * drm_timeout_abs_to_jiffies}: 0, or any time not after now, polls ({@link Long#MIN_VALUE}); otherwise the
     * remaining time is rounded up to whole jiffies plus one, saturating at {@link Clock#FOREVER}.
     *
     * <p>Context: any thread. Locking: none.
     */
    static long deadline(Clock clock, long timeoutNsec) {
        if (timeoutNsec == 0) {
            return Long.MIN_VALUE;
        }
        long now = clock.nanoTime();
        if (timeoutNsec <= now) {
            return Long.MIN_VALUE;
        }
        long remaining = timeoutNsec - now;
        long jiffies = remaining / JIFFY_NS + (remaining % JIFFY_NS != 0 ? 1 : 0) + 1;
        if (jiffies >= Clock.FOREVER / JIFFY_NS) {
            return Clock.FOREVER;
        }
        return Clock.deadlineAfter(now, jiffies * JIFFY_NS);
    }

    /**
     * Waits until any (or, with WAIT_ALL, every) point has signalled (or, with WAIT_AVAILABLE, materialised).
     *
     * <p>Context: process context; sleeps on the kernel clock unless polling. Locking: takes each syncobj's monitor
     * briefly to register and unregister; sleeps holding none.
     *
     * @param syncobjs the syncobjs, referenced by the caller for the duration
     * @param points the point per syncobj (0: the current fence)
     * @param flags WAIT_ALL, WAIT_FOR_SUBMIT, WAIT_AVAILABLE (already validated)
     * @param deadline from {@link #deadline}
     * @param deadlineHint the WAIT_DEADLINE hint to pass to the fences, or null
     * @return the index for {@code first_signaled}: the first entry done, or with WAIT_ALL the first one already
     *     signalled before sleeping ({@link #NO_INDEX} if none)
     * @throws ErrnoException EINVAL if a point had not materialised and neither WAIT_FOR_SUBMIT nor WAIT_AVAILABLE
     *     was given; ETIME when the deadline passes; EINTR if the thread is interrupted (it stays interrupted)
     */
    static int await(DrmSyncobj[] syncobjs, long[] points, int flags, long deadline, Long deadlineHint) {
        int n = syncobjs.length;
        boolean all = (flags & WAIT_FLAGS_WAIT_ALL) != 0;
        boolean available = (flags & WAIT_FLAGS_WAIT_AVAILABLE) != 0;
        boolean forSubmit = (flags & (WAIT_FLAGS_WAIT_FOR_SUBMIT | WAIT_FLAGS_WAIT_AVAILABLE)) != 0;
        Thread self = Thread.currentThread();
        Entry[] entries = new Entry[n];
        int first = NO_INDEX;
        int signaled = 0;
        // Resolve every point up front, so that a missing one fails before anything is registered.
        for (int i = 0; i < n; i++) {
            entries[i] = new Entry(self, points[i]);
            DrmSyncobj s = syncobjs[i];
            Fence f = s.resolve(s.fence(), points[i]);
            if (f == null) {
                if (forSubmit) {
                    continue;
                }
                throw new ErrnoException(Errno.EINVAL);
            }
            entries[i].fence = f;
            if (available || f.isSignaled()) {
                if (signaled == 0) {
                    first = i;
                }
                signaled++;
            }
        }
        if (signaled == n || (signaled > 0 && !all)) {
            return first;
        }
        Clock clock = syncobjs[0].device().clock();
        try {
            if (forSubmit) {
                for (int i = 0; i < n; i++) {
                    if (entries[i].fence == null) {
                        entries[i].registeredOn = syncobjs[i];
                        syncobjs[i].addWaiter(entries[i]);
                    }
                }
            }
            if (deadlineHint != null) {
                for (Entry e : entries) {
                    Fence f = e.fence;
                    if (f != null) {
                        f.setDeadline(deadlineHint);
                    }
                }
            }
            while (true) {
                signaled = 0;
                for (int i = 0; i < n; i++) {
                    if (entries[i].done(available)) {
                        if (!all) {
                            return i;
                        }
                        signaled++;
                    }
                }
                if (signaled == n) {
                    return first;
                }
                if (clock.nanoTime() >= deadline) {
                    throw new ErrnoException(Errno.ETIME);
                }
                if (self.isInterrupted()) {
                    throw new ErrnoException(Errno.EINTR);
                }
                clock.parkUntil(entries, deadline);
            }
        } finally {
            for (Entry e : entries) {
                e.cleanup();
            }
        }
    }

    /**
     * One syncobj of the wait, as {@code struct syncobj_wait_entry}: the captured fence of its point, the callback
     * that wakes the waiter when that fence signals, and the syncobj it waits on for the point to appear.
     */
    private static final class Entry extends FenceCallback implements DrmSyncobj.PointWaiter {
        private final Thread thread;
        private final long point;
        volatile Fence fence;
        DrmSyncobj registeredOn;
        private Fence callbackOn;

        Entry(Thread thread, long point) {
            this.thread = thread;
            this.point = point;
        }

        @Override
        public long point() {
            return point;
        }

        /** Captures the point's fence and wakes the waiter. Context: the updater, under the syncobj's monitor. */
        @Override
        public boolean materialised(Fence f) {
            fence = f;
            LockSupport.unpark(thread);
            return true;
        }

        @Override
        protected void onSignal(Fence f) {
            LockSupport.unpark(thread);
        }

        /**
         * Whether this entry is done: its point materialised (with WAIT_AVAILABLE) or its fence signalled. The
         * first time it is not, arms the wake-up callback (which may find the fence signalled after all).
         */
        boolean done(boolean available) {
            Fence f = fence;
            if (f == null) {
                return false;
            }
            if (available || f.isSignaled()) {
                return true;
            }
            if (callbackOn == null) {
                if (f.addCallback(this) != 0) {
                    return true;
                }
                callbackOn = f;
            }
            return false;
        }

        void cleanup() {
            if (registeredOn != null) {
                registeredOn.removeWaiter(this);
            }
            if (callbackOn != null) {
                callbackOn.removeCallback(this);
            }
        }
    }
}
