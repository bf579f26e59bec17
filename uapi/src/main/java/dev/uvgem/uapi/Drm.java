package dev.uvgem.uapi;

/**
 * The DRM core uAPI ({@code include/uapi/drm/drm.h} and {@code drm_mode.h}) as far as vGEM uses it: ioctl
 * numbers and request codes, capabilities and PRIME flags.
 *
 * <p>DRM ioctls have type {@code 'd'}; numbers in [{@link #COMMAND_BASE}, {@link #COMMAND_END}) belong to the
 * driver, the rest to the core.
 *
 * <p>Thread-safety: constants only.
 */
public final class Drm {
    /** The DRM ioctl type byte, {@code DRM_IOCTL_BASE} = 'd'. */
    public static final int IOCTL_BASE = 'd';
    /** First driver-private ioctl number. */
    public static final int COMMAND_BASE = 0x40;
    /** One past the last driver-private ioctl number. */
    public static final int COMMAND_END = 0xA0;

    /** Core ioctl number of VERSION. */
    public static final int NR_VERSION = 0x00;
    /** Core ioctl number of SET_VERSION. */
    public static final int NR_SET_VERSION = 0x07;
    /** Core ioctl number of GEM_CLOSE. */
    public static final int NR_GEM_CLOSE = 0x09;
    /** Core ioctl number of GET_CAP. */
    public static final int NR_GET_CAP = 0x0c;
    /** Core ioctl number of PRIME_HANDLE_TO_FD. */
    public static final int NR_PRIME_HANDLE_TO_FD = 0x2d;
    /** Core ioctl number of PRIME_FD_TO_HANDLE. */
    public static final int NR_PRIME_FD_TO_HANDLE = 0x2e;
    /** Core ioctl number of MODE_CREATE_DUMB. */
    public static final int NR_MODE_CREATE_DUMB = 0xB2;
    /** Core ioctl number of MODE_MAP_DUMB. */
    public static final int NR_MODE_MAP_DUMB = 0xB3;
    /** Core ioctl number of MODE_DESTROY_DUMB. */
    public static final int NR_MODE_DESTROY_DUMB = 0xB4;

    /** {@code DRM_IOCTL_VERSION} = 0xC0406400. */
    public static final int IOCTL_VERSION = Ioc.iowr(IOCTL_BASE, NR_VERSION, DrmVersion.SIZE);
    /** {@code DRM_IOCTL_SET_VERSION} = 0xC0106407. */
    public static final int IOCTL_SET_VERSION = Ioc.iowr(IOCTL_BASE, NR_SET_VERSION, DrmSetVersion.SIZE);
    /** {@code DRM_IOCTL_GEM_CLOSE} = 0x40086409. */
    public static final int IOCTL_GEM_CLOSE = Ioc.iow(IOCTL_BASE, NR_GEM_CLOSE, DrmGemClose.SIZE);
    /** {@code DRM_IOCTL_GET_CAP} = 0xC010640C. */
    public static final int IOCTL_GET_CAP = Ioc.iowr(IOCTL_BASE, NR_GET_CAP, DrmGetCap.SIZE);
    /** {@code DRM_IOCTL_PRIME_HANDLE_TO_FD} = 0xC00C642D. */
    public static final int IOCTL_PRIME_HANDLE_TO_FD = Ioc.iowr(IOCTL_BASE, NR_PRIME_HANDLE_TO_FD, DrmPrimeHandle.SIZE);
    /** {@code DRM_IOCTL_PRIME_FD_TO_HANDLE} = 0xC00C642E. */
    public static final int IOCTL_PRIME_FD_TO_HANDLE = Ioc.iowr(IOCTL_BASE, NR_PRIME_FD_TO_HANDLE, DrmPrimeHandle.SIZE);
    /** {@code DRM_IOCTL_MODE_CREATE_DUMB} = 0xC02064B2. */
    public static final int IOCTL_MODE_CREATE_DUMB = Ioc.iowr(IOCTL_BASE, NR_MODE_CREATE_DUMB, ModeCreateDumb.SIZE);
    /** {@code DRM_IOCTL_MODE_MAP_DUMB} = 0xC01064B3. */
    public static final int IOCTL_MODE_MAP_DUMB = Ioc.iowr(IOCTL_BASE, NR_MODE_MAP_DUMB, ModeMapDumb.SIZE);
    /** {@code DRM_IOCTL_MODE_DESTROY_DUMB} = 0xC00464B4. */
    public static final int IOCTL_MODE_DESTROY_DUMB = Ioc.iowr(IOCTL_BASE, NR_MODE_DESTROY_DUMB, ModeDestroyDumb.SIZE);

    /** Capability: dumb buffers (only answered by modesetting drivers). */
    public static final long CAP_DUMB_BUFFER = 0x1;
    /** Capability: high CRTC vblank. */
    public static final long CAP_VBLANK_HIGH_CRTC = 0x2;
    /** Capability: preferred dumb depth. */
    public static final long CAP_DUMB_PREFERRED_DEPTH = 0x3;
    /** Capability: dumb buffers prefer a shadow. */
    public static final long CAP_DUMB_PREFER_SHADOW = 0x4;
    /** Capability: PRIME import/export, a mask of {@link #PRIME_CAP_IMPORT} and {@link #PRIME_CAP_EXPORT}. */
    public static final long CAP_PRIME = 0x5;
    /** Capability: event timestamps are CLOCK_MONOTONIC. */
    public static final long CAP_TIMESTAMP_MONOTONIC = 0x6;
    /** Capability: asynchronous page flips. */
    public static final long CAP_ASYNC_PAGE_FLIP = 0x7;
    /** Capability: cursor width. */
    public static final long CAP_CURSOR_WIDTH = 0x8;
    /** Capability: cursor height. */
    public static final long CAP_CURSOR_HEIGHT = 0x9;
    /** Capability: ADDFB2 modifiers. */
    public static final long CAP_ADDFB2_MODIFIERS = 0x10;
    /** Capability: page flip target. */
    public static final long CAP_PAGE_FLIP_TARGET = 0x11;
    /** Capability: CRTC id in vblank events. */
    public static final long CAP_CRTC_IN_VBLANK_EVENT = 0x12;
    /** Capability: sync objects. */
    public static final long CAP_SYNCOBJ = 0x13;
    /** Capability: timeline sync objects. */
    public static final long CAP_SYNCOBJ_TIMELINE = 0x14;

    /** {@link #CAP_PRIME} bit: the driver imports dma-bufs. */
    public static final long PRIME_CAP_IMPORT = 0x1;
    /** {@link #CAP_PRIME} bit: the driver exports dma-bufs. */
    public static final long PRIME_CAP_EXPORT = 0x2;

    /** PRIME export flag: close-on-exec for the new fd ({@code O_CLOEXEC}). */
    public static final int CLOEXEC = 0x80000;
    /** PRIME export flag: the dma-buf file is opened read-write ({@code O_RDWR}). */
    public static final int RDWR = 2;

    private Drm() {}
}
