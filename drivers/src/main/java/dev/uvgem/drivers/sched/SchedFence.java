package dev.uvgem.drivers.sched;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.Clock;

/**
 * The two fences of one scheduled job, as {@code struct drm_sched_fence}: {@link #scheduled()} signals when the
 * job has been handed to the hardware, {@link #finished()} when it has completed, carrying the job's error. They
 * lie on the entity's two consecutive contexts (N for scheduled, N+1 for finished) with one shared seqno, so the
 * fences of one entity are ordered; the driver name is {@code "drm_sched"} and the timeline name the scheduler's.
 *
 * <p>A deadline set on the finished fence keeps the earliest and is forwarded to the hardware fence ({@link
 * #parent()}) once the job runs.
 *
 * <p>Thread-safety: safe for concurrent use; the parent and the deadline are guarded by this object's monitor.
 */
public final class SchedFence {
    private static final FenceOps SCHEDULED_OPS = new Ops();
    private static final FenceOps FINISHED_OPS = new Ops();

    private final GpuScheduler sched;
    private final SchedEntity entity;
    private final Part scheduled;
    private final Part finished;
    private Fence parent;
    private long deadline = Clock.FOREVER;

    SchedFence(SchedEntity entity, long seqno) {
        this.sched = entity.scheduler();
        this.entity = entity;
        Clock clock = sched.clock();
        this.scheduled = new Part(SCHEDULED_OPS, clock, entity.fenceContext(), seqno, this);
        this.finished = new Part(FINISHED_OPS, clock, entity.fenceContext() + 1, seqno, this);
    }

    /**
     * Returns the scheduler fence {@code fence} belongs to, or null if it is not a scheduler fence, as {@code
     * to_drm_sched_fence}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public static SchedFence of(Fence fence) {
        return fence instanceof Part p ? p.owner : null;
    }

    /** Returns the fence that signals when the job has been handed to the hardware. */
    public Fence scheduled() {
        return scheduled;
    }

    /** Returns the fence that signals, with the job's error, when the job has completed. */
    public Fence finished() {
        return finished;
    }

    /** Returns the scheduler the job runs on. */
    public GpuScheduler scheduler() {
        return sched;
    }

    /** Returns the entity the job was pushed to. */
    public SchedEntity entity() {
        return entity;
    }

    /** Returns whether {@code fence} is this job's finished fence. */
    boolean isFinished(Fence fence) {
        return fence == finished;
    }

    /**
     * Returns the hardware fence of the running job, or null before it runs and after a reset detached it.
     *
     * <p>Context: any thread. Locking: takes this object's monitor briefly.
     */
    public synchronized Fence parent() {
        return parent;
    }

    /** Records the hardware fence and forwards a pending deadline to it. Locking: takes the monitor. */
    void setParent(Fence hw) {
        long d;
        synchronized (this) {
            parent = hw;
            d = deadline;
        }
        if (hw != null && d != Clock.FOREVER) {
            hw.setDeadline(d);
        }
    }

    private void setDeadline(long deadlineNanos) {
        Fence hw;
        synchronized (this) {
            if (deadlineNanos >= deadline) {
                return;
            }
            deadline = deadlineNanos;
            hw = parent;
        }
        if (hw != null) {
            hw.setDeadline(deadlineNanos);
        }
    }

    /** One of the two fences; knows its owner so that a dependency can be recognised as a scheduler fence. */
    private static final class Part extends Fence {
        final SchedFence owner;

        Part(FenceOps ops, Clock clock, long context, long seqno, SchedFence owner) {
            super(ops, clock, context, seqno);
            this.owner = owner;
        }
    }

    /** Names every scheduler fence; the finished fence forwards deadlines to the hardware fence. */
    private static final class Ops implements FenceOps {
        @Override
        public String driverName(Fence fence) {
            return "drm_sched";
        }

        @Override
        public String timelineName(Fence fence) {
            return ((Part) fence).owner.sched.name();
        }

        @Override
        public void setDeadline(Fence fence, long deadlineNanos) {
            Part p = (Part) fence;
            if (p.owner.finished == p) {
                p.owner.setDeadline(deadlineNanos);
            }
        }
    }
}
