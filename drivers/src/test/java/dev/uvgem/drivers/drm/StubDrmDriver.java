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
 * @param info its name, description, date, version and features
 * @param clock the kernel clock, or null for none (as {@link DrmDriver#clock()} defaults)
 */
record StubDrmDriver(DrmDriverInfo info, Clock clock) implements DrmDriver {
    /** A driver "test", dated "0", version 1.0, with {@code clock} and {@code features}. */
    static StubDrmDriver of(String name, Clock clock, Set<DrmFeature> features) {
        return new StubDrmDriver(new DrmDriverInfo(name, "test", "0", 1, 0, 0, features), clock);
    }
}
