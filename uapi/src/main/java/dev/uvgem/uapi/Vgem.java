package dev.uvgem.uapi;

/**
 * The vGEM driver's uAPI ({@code include/uapi/drm/vgem_drm.h}): its two fence ioctls in the DRM driver range.
 *
 * <p>Thread-safety: constants only.
 */
public final class Vgem {
    /** DRM driver ioctl number of FENCE_ATTACH (relative to DRM_COMMAND_BASE). */
    public static final int FENCE_ATTACH = 0x1;
    /** DRM driver ioctl number of FENCE_SIGNAL (relative to DRM_COMMAND_BASE). */
    public static final int FENCE_SIGNAL = 0x2;
    /** Attach flag: the fence is a write (exclusive) fence. */
    public static final int VGEM_FENCE_WRITE = 0x1;
    /** {@code DRM_IOCTL_VGEM_FENCE_ATTACH} = 0xC0106441. */
    public static final int IOCTL_FENCE_ATTACH = Ioc.iowr('d', 0x40 + FENCE_ATTACH, 16);
    /** {@code DRM_IOCTL_VGEM_FENCE_SIGNAL} = 0x40086442. */
    public static final int IOCTL_FENCE_SIGNAL = Ioc.iow('d', 0x40 + FENCE_SIGNAL, VgemFenceSignal.SIZE);

    private Vgem() {}
}
