package dev.uvgem.drivers.drm;

import java.util.Objects;

/**
 * An entry of a DRM ioctl table, as {@code struct drm_ioctl_desc}: the request code the kernel declares (whose
 * size and direction decide how much of the argument is copied in and out), who may call it, and the handler.
 *
 * @param cmd the declared request code
 * @param flags a mask of {@link #AUTH}, {@link #MASTER}, {@link #ROOT_ONLY}, {@link #RENDER_ALLOW}
 * @param name the kernel's name for the ioctl, for diagnostics
 * @param handler the implementation
 */
public record DrmIoctlDesc(int cmd, int flags, String name, DrmIoctlHandler handler) {
    /** Only authenticated clients of the primary node (and render clients) may call it. */
    public static final int AUTH = 0x1;
    /** Only the current DRM master may call it. */
    public static final int MASTER = 0x2;
    /** Only privileged (CAP_SYS_ADMIN) callers may call it. */
    public static final int ROOT_ONLY = 0x4;
    /** Historical: no big lock is taken (every uvgem ioctl is unlocked). */
    public static final int UNLOCKED = 0x10;
    /** Clients of a render node may call it. */
    public static final int RENDER_ALLOW = 0x20;

    /** Checks the components. */
    public DrmIoctlDesc {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
    }
}
