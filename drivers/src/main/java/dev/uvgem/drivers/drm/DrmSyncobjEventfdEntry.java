package dev.uvgem.drivers.drm;

import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.vfs.EventFdContext;

/**
 * One SYNCOBJ_EVENTFD registration, as {@code struct syncobj_eventfd_entry}: a one-shot that signals an eventfd
 * (adds 1) once its point has materialised (with WAIT_AVAILABLE) or, otherwise, once the point's fence has
 * signalled. It waits on the syncobj's waiter list until the point appears, then (without WAIT_AVAILABLE) as a
 * callback on the point's fence; if the syncobj is freed first it is dropped unsignalled.
 *
 * <p>Thread-safety: registered once; runs on the updating thread (under the syncobj's monitor) or on the fence's
 * signalling thread, and touches only the eventfd, which is safe for concurrent use.
 */
final class DrmSyncobjEventfdEntry extends FenceCallback implements DrmSyncobj.PointWaiter {
    private final EventFdContext eventfd;
    private final long point;
    private final int flags;

    DrmSyncobjEventfdEntry(EventFdContext eventfd, long point, int flags) {
        this.eventfd = eventfd;
        this.point = point;
        this.flags = flags;
    }

    @Override
    public long point() {
        return point;
    }

    @Override
    public boolean materialised(Fence fence) {
        if ((flags & WAIT_FLAGS_WAIT_AVAILABLE) != 0 || fence.addCallback(this) != 0) {
            eventfd.signal();
        }
        return true;
    }

    @Override
    protected void onSignal(Fence fence) {
        eventfd.signal();
    }
}
