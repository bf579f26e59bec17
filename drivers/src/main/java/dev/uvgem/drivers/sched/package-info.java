/**
 * The GPU job scheduler, as {@code drivers/gpu/drm/scheduler}: entities (one software queue per userspace
 * context) push jobs whose dependencies are resolved through fence callbacks; a scheduler (one per hardware
 * ring) hands ready jobs to its driver's {@link dev.uvgem.drivers.sched.SchedBackendOps}, retires them in order,
 * and times out the head of its pending list (TDR) so that a hung job ends in bounded time.
 */
package dev.uvgem.drivers.sched;
