package dev.uvgem.drivers.drm;

/**
 * Features a DRM driver declares, as the {@code DRIVER_*} bits of {@code drm_driver.driver_features}.
 *
 * <p>Thread-safety: immutable.
 */
public enum DrmFeature {
    /** Uses the GEM memory manager (handles, GEM_CLOSE, PRIME). */
    GEM,
    /** Supports modesetting (a KMS driver): unlocks the display capabilities. */
    MODESET,
    /** Supports atomic mode setting ({@code DRIVER_ATOMIC}): the ATOMIC ioctl and client capability. */
    ATOMIC,
    /** Has a render node. */
    RENDER,
    /** Supports DRM sync objects. */
    SYNCOBJ,
    /** Supports timeline sync objects. */
    SYNCOBJ_TIMELINE
}
