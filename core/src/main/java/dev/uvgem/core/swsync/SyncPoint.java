package dev.uvgem.core.swsync;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceOps;
import java.util.OptionalLong;

/**
 * A point on a {@link SwSyncTimeline}, as the kernel's {@code struct sync_pt}: a fence whose seqno is the 32-bit
 * timeline value at which it signals. Driver name {@code "sw_sync"}, timeline name the timeline's.
 *
 * <p>The point counts as complete once the timeline value has reached it under the 32-bit wrap rule
 * ({@link SwSyncTimeline#isPassed}); {@link #isSignaled()} then signals it as a side effect, so a point created
 * at or below the current value reads as signalled from birth. It also keeps the earliest deadline hint it was
 * given, which {@code SW_SYNC_GET_DEADLINE} reports.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the deadline is guarded by the fence lock.
 */
public final class SyncPoint extends Fence {
    private static final FenceOps OPS = new PointOps();

    private final SwSyncTimeline timeline;
    private boolean hasDeadline;
    private long deadline;

    SyncPoint(SwSyncTimeline timeline, int value) {
        super(OPS, timeline.clock(), timeline.context(), Integer.toUnsignedLong(value));
        this.timeline = timeline;
    }

    /** Returns the timeline this point belongs to. */
    public SwSyncTimeline timeline() {
        return timeline;
    }

    /** Returns the point's value on its timeline (the low 32 bits of the seqno). */
    public int value() {
        return (int) seqno();
    }

    /**
     * Returns the earliest deadline ever hinted to this point while it was unsignalled, or empty if none was.
     *
     * <p>Context: any thread, never blocks. Locking: takes the fence lock.
     */
    public OptionalLong deadline() {
        synchronized (lock()) {
            return hasDeadline ? OptionalLong.of(deadline) : OptionalLong.empty();
        }
    }

    private void hintDeadline(long deadlineNanos) {
        synchronized (lock()) {
            if (!hasDeadline || deadlineNanos < deadline) {
                deadline = deadlineNanos;
                hasDeadline = true;
            }
        }
    }

    /** The sw_sync fence operations: names, the passed rule, deadline bookkeeping. */
    private static final class PointOps implements FenceOps {
        @Override
        public String driverName(Fence fence) {
            return SwSyncTimeline.DRIVER_NAME;
        }

        @Override
        public String timelineName(Fence fence) {
            return ((SyncPoint) fence).timeline.name();
        }

        @Override
        public boolean signaled(Fence fence) {
            SyncPoint pt = (SyncPoint) fence;
            return pt.timeline.isPassed(pt.value());
        }

        @Override
        public void setDeadline(Fence fence, long deadlineNanos) {
            ((SyncPoint) fence).hintDeadline(deadlineNanos);
        }
    }
}
