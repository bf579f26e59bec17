package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_crtc_page_flip} / {@code _target} (24 bytes): the argument of {@link
 * DrmMode#IOCTL_PAGE_FLIP}.
 *
 * <pre>
 *   0  u32 crtc_id     in
 *   4  u32 fb_id       in
 *   8  u32 flags       in: DRM_MODE_PAGE_FLIP_*
 *  12  u32 sequence    in: reserved (0), or the vblank target with a TARGET flag
 *  16  u64 user_data   in: echoed in the FLIP_COMPLETE event
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param crtcId the CRTC
 * @param fbId the new framebuffer
 * @param flags page flip flags
 * @param sequence target vblank, or 0
 * @param userData the event's user data
 */
public record ModeCrtcPageFlip(int crtcId, int fbId, int flags, int sequence, long userData) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 24;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeCrtcPageFlip read(ByteBuffer b) {
        return new ModeCrtcPageFlip(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getLong(16));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, crtcId)
                .putInt(4, fbId)
                .putInt(8, flags)
                .putInt(12, sequence)
                .putLong(16, userData);
    }
}
