package dev.uvgem.drivers.drm;

import dev.uvgem.core.time.Clock;
import java.util.Set;

/**
 * A DRM driver for tests that is nothing but its name, clock and feature set: version 1.0, no ioctls of its own,
 * no dumb buffers. For checking what the DRM core does with a given feature set.
 *
 * <p>Thread-safety: immutable.
 *
 * @param name the driver name
 * @param clock the kernel clock, or null for none (as {@link DrmDriver#clock()} defaults)
 * @param features the features the driver claims
 */
record StubDrmDriver(String name, Clock clock, Set<DrmFeature> features) implements DrmDriver {
    @Override
    public String desc() {
        return "test";
    }

    @Override
    public String date() {
        return "0";
    }

    @Override
    public int major() {
        return 1;
    }

    @Override
    public int minor() {
        return 0;
    }
}
