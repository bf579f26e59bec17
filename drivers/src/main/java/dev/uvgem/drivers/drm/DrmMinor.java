package dev.uvgem.drivers.drm;

import dev.uvgem.core.vfs.Device;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;

/**
 * A device node of a DRM device, as {@code struct drm_minor}: the primary node {@code /dev/dri/cardN} or the
 * render node {@code /dev/dri/renderD(128+N)}. Opening it creates a {@link DrmFile}; render clients may only
 * call ioctls flagged {@link DrmIoctlDesc#RENDER_ALLOW}.
 *
 * <p>Thread-safety: immutable; opens are safe concurrently.
 */
public final class DrmMinor implements Device {
    /** The kind of node. */
    public enum Type {
        /** The primary (legacy, modesetting) node. */
        PRIMARY,
        /** The render node: unprivileged rendering, no modesetting. */
        RENDER
    }

    private final DrmDevice device;
    private final Type type;
    private final int index;

    DrmMinor(DrmDevice device, Type type, int index) {
        this.device = device;
        this.type = type;
        this.index = index;
    }

    /** Returns the device. */
    public DrmDevice device() {
        return device;
    }

    /** Returns the kind of node. */
    public Type type() {
        return type;
    }

    /** Returns the minor number: N for cardN, 128+N for renderD(128+N). */
    public int index() {
        return index;
    }

    /** Returns the node's name, e.g. {@code "card0"} or {@code "renderD128"}. */
    public String name() {
        return (type == Type.PRIMARY ? "card" : "renderD") + index;
    }

    /** Returns the node's path, e.g. {@code "/dev/dri/card0"}. */
    public String path() {
        return "/dev/dri/" + name();
    }

    /**
     * Opens the node, as {@code drm_open}: O_EXCL is refused with EBUSY; the first client of the primary node
     * becomes the device's master; the driver's open hook runs.
     *
     * <p>Context: the opening process. Locking: takes the device's master lock briefly (primary nodes); the driver's
     * open hook runs with no DRM lock held.
     */
    @Override
    public OpenFile open(int flags, Task task) {
        return device.open(this, flags, task);
    }

    @Override
    public String toString() {
        return path();
    }
}
