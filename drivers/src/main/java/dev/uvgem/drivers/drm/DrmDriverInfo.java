package dev.uvgem.drivers.drm;

import java.util.Objects;
import java.util.Set;

/**
 * The constant part of a DRM driver's operations table, as the data fields of {@code struct drm_driver}: what
 * VERSION and SET_VERSION report and the {@code driver_features}.
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param name the driver name reported by VERSION, e.g. {@code "vgem"}
 * @param desc the description reported by VERSION
 * @param date the date string reported by VERSION, e.g. {@code "20120112"}
 * @param major the major version
 * @param minor the minor version
 * @param patchlevel the patch level
 * @param features the features the driver supports
 */
public record DrmDriverInfo(
        String name, String desc, String date, int major, int minor, int patchlevel, Set<DrmFeature> features) {
    /** Checks the strings and copies the feature set. */
    public DrmDriverInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(desc, "desc");
        Objects.requireNonNull(date, "date");
        features = Set.copyOf(features);
    }
}
