package dev.uvgem.drivers.drm;

import dev.uvgem.core.time.Clock;
import java.util.Set;

/**
 * A DRM driver for tests that is nothing but its identity, clock and feature set: no ioctls of its own, no dumb
 * buffers. For checking what the DRM core does with a given feature set. The record's accessors are the driver's
 * methods.
 *
 * <p>Thread-safety: immutable.
 *
 * @param name the driver name
 * @param desc its description
 * @param date its date
 * @param major its major version
 * @param minor its minor version
 * @param clock the kernel clock, or null for none (as {@link DrmDriver#clock()} defaults)
 * @param features the features the driver claims
 */
record StubDrmDriver(String name, String desc, String date, int major, int minor, Clock clock, Set<DrmFeature> features)
        implements DrmDriver {
    /** A driver "test", dated "0", version 1.0, with {@code clock} and {@code features}. */
    static StubDrmDriver of(String name, Clock clock, Set<DrmFeature> features) {
        return new StubDrmDriver(name, "test", "0", 1, 0, clock, features);
    }
}
