package dev.uvgem.drivers.sched;

import dev.uvgem.core.fence.Fence;

/**
 * A driver's scheduler backend, as {@code struct drm_sched_backend_ops}: how jobs reach the hardware, what
 * happens when one hangs, and how they are released.
 *
 * <p>Thread-safety: implementations are called from the scheduler's ordered work (one call at a time per
 * scheduler), except {@link #freeJob} for jobs of a killed entity, which runs on whichever thread signalled their
 * last dependency.
 */
public interface SchedBackendOps {
    /**
     * Hands {@code job} to the hardware, as {@code run_job}. If the job was cancelled ({@link
     * SchedJob#isCancelled()}: its entity was guilty), the driver should skip the payload.
     *
     * <p>Context: the scheduler's ordered work; must not block. Locking: no scheduler lock held.
     *
     * @return the hardware fence that signals when the job is done (its error becomes the job's), or null if the
     *     job is already complete
     * @throws dev.uvgem.uapi.ErrnoException to complete the job with that error (the kernel's ERR_PTR)
     */
    Fence runJob(SchedJob job);

    /**
     * Handles a timeout of {@code job}, the head of the pending list, as {@code timedout_job}. The usual recovery
     * is {@link GpuScheduler#stop}, a reset of the ring, then {@link GpuScheduler#start}.
     *
     * <p>Context: the scheduler's ordered work; may wait for fences of jobs already completing. Locking: no
     * scheduler lock held.
     */
    GpuSchedStat timedoutJob(SchedJob job);

    /**
     * Releases {@code job} once its finished fence has signalled, as {@code free_job}; jobs are freed in the order
     * they were run.
     *
     * <p>Context: the scheduler's ordered work, or the thread that signalled the last dependency of a job killed
     * with its entity. Locking: no scheduler lock held.
     */
    void freeJob(SchedJob job);

    /**
     * Cancels a job still on the hardware when the scheduler is torn down, as {@code cancel_job}: the driver
     * signals the job's hardware fence with an error such as {@code -ECANCELED}. Optional.
     *
     * <p>Context: {@link GpuScheduler#fini}'s caller. Locking: no scheduler lock held.
     */
    default void cancelJob(SchedJob job) {}
}
