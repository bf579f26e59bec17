package dev.uvgem.drivers.display;

import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.List;

/**
 * The primary plane of the virtual display, as {@code struct drm_plane} of type primary: it scans out one
 * framebuffer of format XRGB8888 or ARGB8888 onto the CRTC. As the vkms primary plane it must cover the whole
 * CRTC without scaling.
 *
 * <p>Thread-safety: the current state is guarded by the CRTC's lock (methods ending in {@code Locked}); the
 * property values read it through the CRTC.
 */
public final class Plane extends ModeObject {
    /** The formats it scans out. */
    static final List<Integer> FORMATS = List.of(DrmMode.FORMAT_XRGB8888, DrmMode.FORMAT_ARGB8888);

    private final ModeConfig config;
    private Crtc crtc;
    private PlaneState state = PlaneState.OFF;

    Plane(int id, ModeConfig config) {
        super(id, DrmMode.OBJECT_PLANE);
        this.config = config;
    }

    void attach(Crtc crtc) {
        this.crtc = crtc;
    }

    /** Returns the CRTC it can be on. */
    public Crtc crtc() {
        return crtc;
    }

    /** Returns the mask of CRTC indices it can be on. */
    public int possibleCrtcs() {
        return 1 << crtc.index();
    }

    /** Returns whether it scans out {@code format}. */
    public boolean hasFormat(int format) {
        return FORMATS.contains(format);
    }

    /**
     * Checks a new state of this plane, as {@code drm_atomic_plane_check} and vkms's {@code atomic_check} ({@code
     * drm_atomic_helper_check_plane_state} without scaling or positioning): a CRTC without a framebuffer or the
     * reverse is EINVAL; a CRTC it cannot be on or a format it cannot scan out EINVAL; a destination overflowing
     * int ERANGE; a source outside the framebuffer ENOSPC; scaling ERANGE; not covering the whole CRTC EINVAL.
     *
     * <p>Context: any thread. Locking: none.
     */
    void check(PlaneState s) {
        if ((s.crtc() == null) != (s.fb() == null)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (s.crtc() == null) {
            return;
        }
        if ((possibleCrtcs() & (1 << s.crtc().index())) == 0 || !hasFormat(s.fb().format())) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (s.crtcW() > Integer.MAX_VALUE
                || s.crtcX() > Integer.MAX_VALUE - s.crtcW()
                || s.crtcH() > Integer.MAX_VALUE
                || s.crtcY() > Integer.MAX_VALUE - s.crtcH()) {
            throw new ErrnoException(Errno.ERANGE);
        }
        KmsIoctls.checkSrcCoords(s, s.fb());
        if (s.srcW() != s.crtcW() << 16 || s.srcH() != s.crtcH() << 16) {
            throw new ErrnoException(Errno.ERANGE);
        }
        DisplayMode mode = s.crtc().mode();
        if (s.crtcX() != 0 || s.crtcY() != 0 || s.crtcW() != mode.hdisplay() || s.crtcH() != mode.vdisplay()) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    /** Returns the current state. Locking: caller holds the CRTC's lock. */
    PlaneState stateLocked() {
        return state;
    }

    /** Makes {@code next} current and returns the old state. Locking: caller holds the CRTC's lock. */
    PlaneState swapStateLocked(PlaneState next) {
        PlaneState old = state;
        state = next;
        return old;
    }

    /**
     * Returns the current state.
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock briefly.
     */
    public PlaneState state() {
        return crtc.planeState();
    }

    @Override
    public List<Property> properties() {
        return List.of(
                config.planeType,
                config.fbId,
                config.inFenceFd,
                config.crtcId,
                config.crtcX,
                config.crtcY,
                config.crtcW,
                config.crtcH,
                config.srcX,
                config.srcY,
                config.srcW,
                config.srcH);
    }

    /** The state's values; IN_FENCE_FD always reads -1, as in the kernel. */
    @Override
    public long propertyValue(Property p) {
        PlaneState s = state();
        if (p == config.planeType) {
            return DrmMode.PLANE_TYPE_PRIMARY;
        } else if (p == config.fbId) {
            return s.fb() == null ? 0 : s.fb().id();
        } else if (p == config.inFenceFd) {
            return -1;
        } else if (p == config.crtcId) {
            return s.crtc() == null ? 0 : s.crtc().id();
        } else if (p == config.crtcX) {
            return s.crtcX();
        } else if (p == config.crtcY) {
            return s.crtcY();
        } else if (p == config.crtcW) {
            return s.crtcW();
        } else if (p == config.crtcH) {
            return s.crtcH();
        } else if (p == config.srcX) {
            return s.srcX();
        } else if (p == config.srcY) {
            return s.srcY();
        } else if (p == config.srcW) {
            return s.srcW();
        } else if (p == config.srcH) {
            return s.srcH();
        }
        return super.propertyValue(p);
    }
}
