package dev.uvgem.drivers.drm;

import dev.uvgem.core.time.Clock;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.List;

/**
 * A DRM driver's operations table, as {@code struct drm_driver}: its identity, features, driver-private ioctls
 * and the hooks the DRM core calls.
 *
 * <p>Thread-safety: implementations must be safe for concurrent use by all files of all devices they drive.
 */
public interface DrmDriver {
    /** Returns the driver's name, description, date, version and features. */
    DrmDriverInfo info();

    /**
     * Returns the kernel clock the driver and the DRM core's waits on its device run on; a driver declaring {@link
     * DrmFeature#SYNCOBJ} must give one. Default: none.
     */
    default Clock clock() {
        return null;
    }

    /**
     * Returns the driver's ioctl table: entry {@code i} serves ioctl number {@code DRM_COMMAND_BASE + i}; a null
     * entry is a hole (EINVAL). Build it with {@link DrmIoctlDesc#driverTable}.
     */
    default List<DrmIoctlDesc> ioctls() {
        return List.of();
    }

    /**
     * Called when a file is opened on one of the device's nodes, after the core set it up, as {@code
     * drm_driver.open}: the place to attach per-file driver data ({@link DrmFile#setDriverPrivate}).
     *
     * <p>Context: the opening process. Locking: called with no DRM lock held. May throw {@link ErrnoException} to
     * refuse the open.
     */
    default void open(DrmDevice device, DrmFile file) {}

    /**
     * Called when a file is closed, after its GEM handles are gone, as {@code drm_driver.postclose}.
     *
     * <p>Context: whoever dropped the last reference to the file; may signal fences (running their callbacks) on
     * it. Locking: called with no DRM lock held. Must not fail.
     */
    default void postclose(DrmDevice device, DrmFile file) {}

    /** Returns whether the driver implements {@link #dumbCreate} (otherwise the dumb ioctls give ENOSYS). */
    default boolean hasDumbCreate() {
        return false;
    }

    /**
     * Creates a dumb buffer and a handle for it in {@code file}, as {@code drm_driver.dumb_create}. The core has
     * already checked that width, height and bpp are non-zero and that {@code height * width * ceil(bpp / 8)}
     * fits 32 bits.
     *
     * <p>Context: the calling process. Locking: called with no DRM lock held; creating the handle takes the
     * device's object-name lock and the file's table monitor ({@link DrmFile#handleCreate}).
     *
     * @param width pixels per row, unsigned
     * @param height rows, unsigned
     * @param bpp bits per pixel, unsigned
     * @throws ErrnoException EINVAL for sizes the driver cannot represent, ENOMEM, ...
     */
    default DumbBuffer dumbCreate(DrmDevice device, DrmFile file, int width, int height, int bpp) {
        throw new ErrnoException(Errno.ENOSYS);
    }
}
