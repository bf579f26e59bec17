package dev.uvgem.drivers.display;

import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.drm.DrmDriver;
import dev.uvgem.drivers.drm.DrmDriverInfo;
import dev.uvgem.drivers.drm.DrmFeature;
import dev.uvgem.drivers.drm.DrmFile;
import java.util.EnumSet;

/**
 * The vkms driver's operations table, as vkms's {@code struct drm_driver}: a GEM and atomic modesetting driver
 * with no driver-private ioctls (its KMS ioctls are the DRM core's, installed by {@link VkmsDevice}) and no render
 * node. One instance drives one {@link VkmsDevice}.
 *
 * <p>Thread-safety: immutable; safe for concurrent use.
 */
public final class VkmsDriver implements DrmDriver {
    /** The driver name VERSION reports and fences carry. */
    public static final String NAME = "vkms";

    /** Name, description, date, version 1.0 and features. */
    private static final DrmDriverInfo INFO = new DrmDriverInfo(
            NAME,
            "Virtual Kernel Mode Setting",
            "20180514",
            1,
            0,
            0,
            EnumSet.of(DrmFeature.GEM, DrmFeature.MODESET, DrmFeature.ATOMIC));

    private final VkmsDevice device;

    VkmsDriver(VkmsDevice device) {
        this.device = device;
    }

    /** Returns the display this driver instance drives. */
    public VkmsDevice device() {
        return device;
    }

    @Override
    public DrmDriverInfo info() {
        return INFO;
    }

    /**
     * Drops the closing file's pending vblank events and removes its framebuffers, as {@code drm_events_release}
     * and {@code drm_fb_release}: a framebuffer the plane shows turns the
     * plane off; commits already queued keep theirs until they have been shown.
     *
     * <p>Context: whoever dropped the last reference to the file. Locking: takes the mode config's monitor, then
     * the CRTC's lock.
     */
    @Override
    public void postclose(DrmDevice drm, DrmFile file) {
        device.releaseFile(file);
    }
}
