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
    /**
     * Attach flag, a uvgem extension (not in Linux): the fence never expires, so only FENCE_SIGNAL or closing the
     * file signals it. For testing hang detection, as the 2016 review of the vgem fence ioctls suggested ("a flag
     * for root to override" the timeout, restricted to debugfs): accepted only from a privileged process
     * ({@code EPERM} otherwise) on a kernel with debugfs enabled; a kernel without debugfs does not know the flag
     * ({@code EINVAL}, as for any unknown flag). Bit 30, far from the upstream flags.
     */
    public static final int UVGEM_FENCE_NO_EXPIRY = 1 << 30;
    /** {@code DRM_IOCTL_VGEM_FENCE_ATTACH} = 0xC0106441. */
    public static final int IOCTL_FENCE_ATTACH = Ioc.iowr('d', 0x40 + FENCE_ATTACH, 16);
    /** {@code DRM_IOCTL_VGEM_FENCE_SIGNAL} = 0x40086442. */
    public static final int IOCTL_FENCE_SIGNAL = Ioc.iow('d', 0x40 + FENCE_SIGNAL, VgemFenceSignal.SIZE);

    private Vgem() {}
}
