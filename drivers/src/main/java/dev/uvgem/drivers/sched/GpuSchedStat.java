package dev.uvgem.drivers.sched;

/**
 * What a driver's timeout handler reports, as {@code enum drm_gpu_sched_stat} (newest kernel numbering).
 *
 * <p>Thread-safety: immutable.
 */
public enum GpuSchedStat {
    /** Reserved; never returned by a correct handler. */
    NONE,
    /** The job hung and the driver recovered (stop, reset, start): the TDR is re-armed. */
    RESET,
    /** The device is gone: the TDR is not re-armed. */
    ENODEV,
    /** A false alarm: the job is still running; it goes back to the head of the pending list. */
    NO_HANG
}
