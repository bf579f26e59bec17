package dev.uvgem.drivers.drm;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Ioc;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An entry of a DRM ioctl table, as {@code struct drm_ioctl_desc}: the request code the kernel declares (whose
 * size and direction decide how much of the argument is copied in and out), who may call it, and the handler.
 *
 *
 * <p>Thread-safety: immutable.
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

    /**
     * Builds a driver ioctl table, as {@code DRM_IOCTL_DEF_DRV} does: each entry at index {@code nr -
     * DRM_COMMAND_BASE} of its request code, holes left null, the table as long as the highest number needs.
     *
     * @throws IllegalArgumentException for a code outside the driver range or a number used twice
     */
    public static List<DrmIoctlDesc> driverTable(DrmIoctlDesc... descs) {
        int size = 0;
        for (DrmIoctlDesc d : descs) {
            int nr = Ioc.nr(d.cmd());
            if (Ioc.type(d.cmd()) != Drm.IOCTL_BASE || nr < Drm.COMMAND_BASE || nr >= Drm.COMMAND_END) {
                throw new IllegalArgumentException("not a driver ioctl: " + d.name());
            }
            size = Math.max(size, nr - Drm.COMMAND_BASE + 1);
        }
        DrmIoctlDesc[] table = new DrmIoctlDesc[size];
        for (DrmIoctlDesc d : descs) {
            int index = Ioc.nr(d.cmd()) - Drm.COMMAND_BASE;
            if (table[index] != null) {
                throw new IllegalArgumentException("ioctl number used twice: " + d.name());
            }
            table[index] = d;
        }
        return Collections.unmodifiableList(Arrays.asList(table));
    }
}
