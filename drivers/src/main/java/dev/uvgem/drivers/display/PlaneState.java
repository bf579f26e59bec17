package dev.uvgem.drivers.display;

import dev.uvgem.core.fence.Fence;

/**
 * A plane's state, as {@code struct drm_plane_state}: the framebuffer it scans out and from where (source
 * rectangle, 16.16 fixed point), the CRTC and where on it (destination rectangle), and the fence to wait for
 * before scanning out (the explicit in-fence of the commit, or, once prepared, the implicit fences of the
 * framebuffer's buffer).
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param fb the framebuffer, or null when the plane is off
 * @param crtc the CRTC, or null when the plane is off
 * @param crtcX destination x (signed)
 * @param crtcY destination y (signed)
 * @param crtcW destination width
 * @param crtcH destination height
 * @param srcX source x, 16.16
 * @param srcY source y, 16.16
 * @param srcW source width, 16.16
 * @param srcH source height, 16.16
 * @param fence the in-fence, or null
 */
public record PlaneState(
        Framebuffer fb,
        Crtc crtc,
        int crtcX,
        int crtcY,
        long crtcW,
        long crtcH,
        long srcX,
        long srcY,
        long srcW,
        long srcH,
        Fence fence) {
    /** The state of a plane that is off. */
    public static final PlaneState OFF = new PlaneState(null, null, 0, 0, 0, 0, 0, 0, 0, 0, null);

    /** Returns a copy scanning out {@code fb}. */
    public PlaneState withFb(Framebuffer fb) {
        return new PlaneState(fb, crtc, crtcX, crtcY, crtcW, crtcH, srcX, srcY, srcW, srcH, fence);
    }

    /** Returns a copy on {@code crtc}. */
    public PlaneState withCrtc(Crtc crtc) {
        return new PlaneState(fb, crtc, crtcX, crtcY, crtcW, crtcH, srcX, srcY, srcW, srcH, fence);
    }

    /** Returns a copy with the destination rectangle. */
    public PlaneState withCrtcRect(int x, int y, long w, long h) {
        return new PlaneState(fb, crtc, x, y, w, h, srcX, srcY, srcW, srcH, fence);
    }

    /** Returns a copy with the source rectangle (16.16). */
    public PlaneState withSrcRect(long x, long y, long w, long h) {
        return new PlaneState(fb, crtc, crtcX, crtcY, crtcW, crtcH, x, y, w, h, fence);
    }

    /** Returns a copy waiting for {@code fence}. */
    public PlaneState withFence(Fence fence) {
        return new PlaneState(fb, crtc, crtcX, crtcY, crtcW, crtcH, srcX, srcY, srcW, srcH, fence);
    }
}
