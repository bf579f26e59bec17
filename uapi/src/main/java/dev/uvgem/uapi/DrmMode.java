package dev.uvgem.uapi;

/**
 * The KMS (mode-setting) uAPI of {@code include/uapi/drm/drm_mode.h} and the display parts of {@code drm.h}: the
 * mode ioctls' request codes, mode object types, property flags, page-flip and atomic flags, vblank-wait type
 * bits, event types, client capabilities and the pixel formats the virtual display scans out.
 *
 * <p>Thread-safety: constants only.
 */
public final class DrmMode {
    /** {@code DRM_IOCTL_SET_CLIENT_CAP} = 0x4010640D ({@code drm.h}). */
    public static final int IOCTL_SET_CLIENT_CAP = Ioc.iow(Drm.IOCTL_BASE, 0x0d, DrmSetClientCap.SIZE);
    /** {@code DRM_IOCTL_WAIT_VBLANK} = 0xC018643A (LP64). */
    public static final int IOCTL_WAIT_VBLANK = Ioc.iowr(Drm.IOCTL_BASE, 0x3a, DrmWaitVblank.SIZE);
    /** {@code DRM_IOCTL_MODE_GETRESOURCES} = 0xC04064A0. */
    public static final int IOCTL_GETRESOURCES = Ioc.iowr(Drm.IOCTL_BASE, 0xa0, ModeCardRes.SIZE);
    /** {@code DRM_IOCTL_MODE_GETCRTC} = 0xC06864A1. */
    public static final int IOCTL_GETCRTC = Ioc.iowr(Drm.IOCTL_BASE, 0xa1, ModeCrtc.SIZE);
    /** {@code DRM_IOCTL_MODE_GETENCODER} = 0xC01464A6. */
    public static final int IOCTL_GETENCODER = Ioc.iowr(Drm.IOCTL_BASE, 0xa6, ModeGetEncoder.SIZE);
    /** {@code DRM_IOCTL_MODE_GETCONNECTOR} = 0xC05064A7. */
    public static final int IOCTL_GETCONNECTOR = Ioc.iowr(Drm.IOCTL_BASE, 0xa7, ModeGetConnector.SIZE);
    /** {@code DRM_IOCTL_MODE_GETPROPERTY} = 0xC04064AA. */
    public static final int IOCTL_GETPROPERTY = Ioc.iowr(Drm.IOCTL_BASE, 0xaa, ModeGetProperty.SIZE);
    /** {@code DRM_IOCTL_MODE_GETPROPBLOB} = 0xC01064AC. */
    public static final int IOCTL_GETPROPBLOB = Ioc.iowr(Drm.IOCTL_BASE, 0xac, ModeGetBlob.SIZE);
    /** {@code DRM_IOCTL_MODE_RMFB} = 0xC00464AF (the argument is one {@code unsigned int}). */
    public static final int IOCTL_RMFB = Ioc.iowr(Drm.IOCTL_BASE, 0xaf, 4);
    /** {@code DRM_IOCTL_MODE_PAGE_FLIP} = 0xC01864B0. */
    public static final int IOCTL_PAGE_FLIP = Ioc.iowr(Drm.IOCTL_BASE, 0xb0, ModeCrtcPageFlip.SIZE);
    /** {@code DRM_IOCTL_MODE_GETPLANERESOURCES} = 0xC01064B5. */
    public static final int IOCTL_GETPLANERESOURCES = Ioc.iowr(Drm.IOCTL_BASE, 0xb5, ModeGetPlaneRes.SIZE);
    /** {@code DRM_IOCTL_MODE_GETPLANE} = 0xC02064B6. */
    public static final int IOCTL_GETPLANE = Ioc.iowr(Drm.IOCTL_BASE, 0xb6, ModeGetPlane.SIZE);
    /** {@code DRM_IOCTL_MODE_ADDFB2} = 0xC06864B8. */
    public static final int IOCTL_ADDFB2 = Ioc.iowr(Drm.IOCTL_BASE, 0xb8, ModeFbCmd2.SIZE);
    /** {@code DRM_IOCTL_MODE_OBJ_GETPROPERTIES} = 0xC02064B9. */
    public static final int IOCTL_OBJ_GETPROPERTIES = Ioc.iowr(Drm.IOCTL_BASE, 0xb9, ModeObjGetProperties.SIZE);
    /** {@code DRM_IOCTL_MODE_ATOMIC} = 0xC03864BC. */
    public static final int IOCTL_ATOMIC = Ioc.iowr(Drm.IOCTL_BASE, 0xbc, ModeAtomic.SIZE);

    /** Client capability: stereo 3D modes. */
    public static final long CLIENT_CAP_STEREO_3D = 1;
    /** Client capability: every plane (primary and cursor too) is exposed. */
    public static final long CLIENT_CAP_UNIVERSAL_PLANES = 2;
    /** Client capability: the atomic API (implies universal planes). */
    public static final long CLIENT_CAP_ATOMIC = 3;
    /** Client capability: aspect-ratio mode flags. */
    public static final long CLIENT_CAP_ASPECT_RATIO = 4;
    /** Client capability: writeback connectors (needs atomic). */
    public static final long CLIENT_CAP_WRITEBACK_CONNECTORS = 5;

    /** Mode object type: CRTC. */
    public static final int OBJECT_CRTC = 0xcccccccc;
    /** Mode object type: connector. */
    public static final int OBJECT_CONNECTOR = 0xc0c0c0c0;
    /** Mode object type: encoder. */
    public static final int OBJECT_ENCODER = 0xe0e0e0e0;
    /** Mode object type: mode. */
    public static final int OBJECT_MODE = 0xdededede;
    /** Mode object type: property. */
    public static final int OBJECT_PROPERTY = 0xb0b0b0b0;
    /** Mode object type: framebuffer. */
    public static final int OBJECT_FB = 0xfbfbfbfb;
    /** Mode object type: blob. */
    public static final int OBJECT_BLOB = 0xbbbbbbbb;
    /** Mode object type: plane. */
    public static final int OBJECT_PLANE = 0xeeeeeeee;
    /** Mode object type: any (lookups by id alone). */
    public static final int OBJECT_ANY = 0;

    /** Property flag: pending (legacy). */
    public static final int PROP_PENDING = 1;
    /** Property type: unsigned range, values = [min, max]. */
    public static final int PROP_RANGE = 1 << 1;
    /** Property flag: read-only for userspace. */
    public static final int PROP_IMMUTABLE = 1 << 2;
    /** Property type: enumeration. */
    public static final int PROP_ENUM = 1 << 3;
    /** Property type: blob id. */
    public static final int PROP_BLOB = 1 << 4;
    /** Property type: bitmask. */
    public static final int PROP_BITMASK = 1 << 5;
    /** The extended-type field of the flags. */
    public static final int PROP_EXTENDED_TYPE = 0x0000ffc0;
    /** Extended property type: a mode object id, values = [object type]. */
    public static final int PROP_OBJECT = 1 << 6;
    /** Extended property type: signed range. */
    public static final int PROP_SIGNED_RANGE = 2 << 6;
    /** Property flag: only atomic clients see it. */
    public static final int PROP_ATOMIC = 0x80000000;
    /** Length of a property (and enum) name field. */
    public static final int PROP_NAME_LEN = 32;

    /** Page flip / atomic flag: send a FLIP_COMPLETE event. */
    public static final int PAGE_FLIP_EVENT = 0x01;
    /** Page flip flag: tearing (asynchronous) flip. */
    public static final int PAGE_FLIP_ASYNC = 0x02;
    /** Page flip flag: the sequence field is an absolute vblank target. */
    public static final int PAGE_FLIP_TARGET_ABSOLUTE = 0x4;
    /** Page flip flag: the sequence field is a vblank target relative to now. */
    public static final int PAGE_FLIP_TARGET_RELATIVE = 0x8;
    /** Every valid page flip flag. */
    public static final int PAGE_FLIP_FLAGS = 0x0f;
    /** Atomic flag: check only, change nothing. */
    public static final int ATOMIC_TEST_ONLY = 0x0100;
    /** Atomic flag: return before the commit is applied. */
    public static final int ATOMIC_NONBLOCK = 0x0200;
    /** Atomic flag: full modesets are allowed. */
    public static final int ATOMIC_ALLOW_MODESET = 0x0400;
    /** Every valid atomic flag. */
    public static final int ATOMIC_FLAGS =
            PAGE_FLIP_EVENT | PAGE_FLIP_ASYNC | ATOMIC_TEST_ONLY | ATOMIC_NONBLOCK | ATOMIC_ALLOW_MODESET;

    /** Vblank wait type: the sequence is absolute. */
    public static final int VBLANK_ABSOLUTE = 0x0;
    /** Vblank wait type: the sequence is relative to the current count. */
    public static final int VBLANK_RELATIVE = 0x1;
    /** Vblank wait type: the CRTC index field. */
    public static final int VBLANK_HIGH_CRTC_MASK = 0x3e;
    /** Shift of the CRTC index field. */
    public static final int VBLANK_HIGH_CRTC_SHIFT = 1;
    /** Vblank wait type: queue an event instead of waiting. */
    public static final int VBLANK_EVENT = 0x4000000;
    /** Vblank wait type: scheduled buffer swap (ignored). */
    public static final int VBLANK_FLIP = 0x8000000;
    /** Vblank wait type: a passed target waits for the next vblank. */
    public static final int VBLANK_NEXTONMISS = 0x10000000;
    /** Vblank wait type: the secondary display (pipe 1). */
    public static final int VBLANK_SECONDARY = 0x20000000;
    /** Vblank wait type: send a signal (not supported: EINVAL). */
    public static final int VBLANK_SIGNAL = 0x40000000;
    /** Every type bit that is not the sequence type. */
    public static final int VBLANK_FLAGS_MASK =
            VBLANK_EVENT | VBLANK_SIGNAL | VBLANK_SECONDARY | VBLANK_NEXTONMISS | VBLANK_FLIP;
    /** The sequence-type bits. */
    public static final int VBLANK_TYPES_MASK = VBLANK_ABSOLUTE | VBLANK_RELATIVE;

    /** Event type: a vblank event (WAIT_VBLANK with EVENT). */
    public static final int EVENT_VBLANK = 0x01;
    /** Event type: a page flip (or atomic commit) completed. */
    public static final int EVENT_FLIP_COMPLETE = 0x02;

    /** Connector status: connected. */
    public static final int CONNECTED = 1;
    /** Connector type: virtual. */
    public static final int CONNECTOR_VIRTUAL = 15;
    /** Encoder type: virtual. */
    public static final int ENCODER_VIRTUAL = 5;
    /** Subpixel order: unknown. */
    public static final int SUBPIXEL_UNKNOWN = 1;
    /** Plane type enum value: primary. */
    public static final int PLANE_TYPE_PRIMARY = 1;
    /** Mode type flag: the mode was created by the driver. */
    public static final int MODE_TYPE_DRIVER = 1 << 6;
    /** Mode type flag: the preferred mode. */
    public static final int MODE_TYPE_PREFERRED = 1 << 3;
    /** Mode flag: negative hsync. */
    public static final int MODE_FLAG_NHSYNC = 1 << 1;
    /** Mode flag: negative vsync. */
    public static final int MODE_FLAG_NVSYNC = 1 << 3;

    /** Pixel format {@code DRM_FORMAT_XRGB8888} ('XR24'): 32 bpp, x:R:G:B little-endian. */
    public static final int FORMAT_XRGB8888 = fourcc('X', 'R', '2', '4');
    /** Pixel format {@code DRM_FORMAT_ARGB8888} ('AR24'). */
    public static final int FORMAT_ARGB8888 = fourcc('A', 'R', '2', '4');
    /** ADDFB2 flag: the modifier array is valid. */
    public static final int FB_MODIFIERS = 1 << 1;
    /** ADDFB2 flag: interlaced. */
    public static final int FB_INTERLACED = 1 << 0;
    /** Format modifier: linear. */
    public static final long FORMAT_MOD_LINEAR = 0;

    private DrmMode() {}

    /** Builds a fourcc code, as {@code fourcc_code}. */
    public static int fourcc(char a, char b, char c, char d) {
        return a | (b << 8) | (c << 16) | (d << 24);
    }
}
