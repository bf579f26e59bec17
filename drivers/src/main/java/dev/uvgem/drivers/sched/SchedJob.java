package dev.uvgem.drivers.sched;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A job for the scheduler, as {@code struct drm_sched_job}: drivers extend it with their payload. Its life:
 * construct ({@code drm_sched_job_init}), add dependencies, {@link #arm()} (the point of no return: fences
 * exist, the job must be pushed), {@link SchedEntity#pushJob}; the scheduler runs it once every dependency has
 * signalled, and frees it through {@link SchedBackendOps#freeJob} after its finished fence has signalled.
 *
 * <p>Dependencies are kept one per fence context, the later of two on one context ({@code
 * drm_sched_job_add_dependency}), and waited for in insertion order.
 *
 * <p>Thread-safety: the dependency list is guarded by this object's monitor; construction, arming and pushing
 * are the submitting thread's and must be serialised per entity by the driver (so that seqno order is queue
 * order).
 */
public class SchedJob {
    private final SchedEntity entity;
    private final int credits;
    private final List<Fence> dependencies = new ArrayList<>();
    private int nextDependency;
    private SchedFence fence;
    private int karma;
    private volatile boolean cancelled;

    /** The hardware fence's completion callback, as {@code drm_sched_job.cb}. */
    final FenceCallback doneCallback = new FenceCallback() {
        @Override
        protected void onSignal(Fence hw) {
            scheduler().jobDone(SchedJob.this, hw.error());
        }
    };

    /**
     * Initialises a job for {@code entity} taking {@code credits} of the scheduler's capacity, as {@code
     * drm_sched_job_init}.
     *
     * @throws ErrnoException EINVAL for zero or negative credits; ENOENT if the entity has been killed (the older
     *     kernels' answer for an entity without a run-queue)
     */
    public SchedJob(SchedEntity entity, int credits) {
        this.entity = Objects.requireNonNull(entity, "entity");
        if (credits <= 0) {
            throw new ErrnoException(Errno.EINVAL, "a job takes at least one credit");
        }
        if (entity.isStopped()) {
            throw new ErrnoException(Errno.ENOENT, "entity killed");
        }
        this.credits = credits;
    }

    /** Returns the entity the job belongs to. */
    public final SchedEntity entity() {
        return entity;
    }

    /** Returns the scheduler of the job's entity. */
    public final GpuScheduler scheduler() {
        return entity.scheduler();
    }

    /** Returns the share of the scheduler's credit limit the job takes while on the hardware. */
    public final int credits() {
        return credits;
    }

    /** Returns how often the job was blamed for a hang ({@link GpuScheduler#increaseKarma}). */
    public final synchronized int karma() {
        return karma;
    }

    /**
     * Returns whether the job was cancelled when popped (its entity was guilty): its finished fence will signal
     * with {@code -ECANCELED}, and the driver's {@link SchedBackendOps#runJob} should skip the payload. (The kernel's
     * drivers read the finished fence's error, which a fence here reveals only once signalled.)
     */
    public final boolean isCancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
        fence.finished().setError(Errno.ECANCELED);
    }

    synchronized void addKarma() {
        karma++;
    }

    /**
     * Adds a fence the job must wait for, as {@code drm_sched_job_add_dependency}: null is ignored; of two fences
     * on one context only the later is kept.
     *
     * <p>Context: the submitting thread, before pushing. Locking: takes this job's monitor.
     *
     * @throws ErrnoException EDEADLK if, once armed, the job is made to wait for its own fences or for fences of
     *     jobs its entity queues after it: a wait cycle the scheduler can see (the kernel would silently skip a
     *     fence of the job's own entity and run the job before the work it was told to wait for)
     */
    public final synchronized void addDependency(Fence dependency) {
        if (dependency == null) {
            return;
        }
        SchedFence s = SchedFence.of(dependency);
        if (fence != null && s != null && s.entity() == entity && !Fence.isLater(fence.finished(), s.finished())) {
            throw new ErrnoException(Errno.EDEADLK, "job would wait for itself");
        }
        for (int i = 0; i < dependencies.size(); i++) {
            Fence old = dependencies.get(i);
            if (old.context() == dependency.context()) {
                if (Fence.isLater(dependency, old)) {
                    dependencies.set(i, dependency);
                }
                return;
            }
        }
        dependencies.add(dependency);
    }

    /**
     * Adds the implicit-sync fences of a buffer, as {@code drm_sched_job_add_implicit_dependencies}: every
     * unsignalled fence of {@code resv} with a usage {@code dma_resv_usage_rw(write)} covers, so a write waits for
     * readers and writers, a read for writers (kernel fences always).
     *
     * <p>Context: the submitting thread, before pushing. Locking: the caller holds {@code resv}'s lock.
     */
    public final void addImplicitDependencies(Reservation resv, boolean write) {
        resv.assertHeld();
        for (Fence f : resv.getFences(ResvUsage.rw(write))) {
            addDependency(f);
        }
    }

    /** Returns a snapshot of the dependencies, in insertion order. Locking: takes this job's monitor. */
    public final synchronized List<Fence> dependencies() {
        return List.copyOf(dependencies);
    }

    /**
     * Returns the next dependency the scheduler has not yet looked at, or null once all have been handed out.
     * Locking: takes this job's monitor.
     */
    final synchronized Fence nextDependency() {
        return nextDependency < dependencies.size() ? dependencies.get(nextDependency++) : null;
    }

    /**
     * Arms the job, as {@code drm_sched_job_arm}: takes the entity's next seqno and creates the scheduled and
     * finished fences. The job must then be pushed.
     *
     * <p>Context: the submitting thread, serialised with pushes to the same entity. Locking: takes the entity's
     * scheduler lock briefly.
     *
     * @throws IllegalStateException if already armed
     */
    public final void arm() {
        if (fence != null) {
            throw new IllegalStateException("job armed twice");
        }
        fence = new SchedFence(entity, entity.nextSeqno());
    }

    /** Returns the job's scheduler fences, or null before {@link #arm()}. */
    public final SchedFence fence() {
        return fence;
    }

    /** Returns the fence that signals when the job is on the hardware. Requires an armed job. */
    public final Fence scheduled() {
        return fence.scheduled();
    }

    /** Returns the fence that signals, with the job's error, when it has completed. Requires an armed job. */
    public final Fence finished() {
        return fence.finished();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + (fence == null ? "unarmed" : fence.finished()) + ")";
    }
}
