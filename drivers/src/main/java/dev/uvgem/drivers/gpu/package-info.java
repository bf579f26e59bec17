/**
 * uvgpu, a virtual GPU DRM driver on the {@link dev.uvgem.drivers.sched} scheduler: contexts with one ring each,
 * jobs of simple commands (fill, copy, blend, a duration on the kernel clock, a hang) run on buffers' memory,
 * implicit sync through buffers' reservations, sync_file in- and out-fences, hang timeouts that kill the job and
 * ban a context after repeated hangs.
 */
package dev.uvgem.drivers.gpu;
