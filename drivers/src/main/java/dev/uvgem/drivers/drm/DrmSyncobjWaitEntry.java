package dev.uvgem.drivers.drm;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import java.util.concurrent.locks.LockSupport;

/**
 * One syncobj point a thread waits on, as {@code struct syncobj_wait_entry}: the captured fence of its point, the
 * callback that wakes the waiter when that fence signals, and the syncobj it waits on for the point to appear.
 * {@link DrmSyncobjArrayWait} keeps one per syncobj of a WAIT or TIMELINE_WAIT; {@link DrmSyncobj#findFence}
 * uses one (without the fence callback) to sleep until a point materialises.
 *
 * <p>Thread-safety: owned by the waiting thread; the threads that update the syncobj or signal the fence touch it
 * only through the volatile {@link #fence} and unpark.
 */
final class DrmSyncobjWaitEntry extends FenceCallback implements DrmSyncobj.PointWaiter {
    private final Thread thread;
    private final long point;
    volatile Fence fence;
    DrmSyncobj registeredOn;
    private Fence callbackOn;

    DrmSyncobjWaitEntry(Thread thread, long point) {
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
