package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_get_plane} (32 bytes): the argument of {@link DrmMode#IOCTL_GETPLANE}.
 *
 * <pre>
 *   0  u32 plane_id             in
 *   4  u32 crtc_id              out: the CRTC it is on, 0 if none
 *   8  u32 fb_id                out: its framebuffer, 0 if none
 *  12  u32 possible_crtcs       out: CRTC index mask
 *  16  u32 gamma_size           out
 *  20  u32 count_format_types   in/out
 *  24  u64 format_type_ptr      in: u32[count_format_types]
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param planeId the plane
 * @param crtcId its CRTC
 * @param fbId its framebuffer
 * @param possibleCrtcs CRTC index mask
 * @param gammaSize gamma size
 * @param countFormatTypes capacity in, count out
 * @param formatTypePtr user array of fourcc codes
 */
public record ModeGetPlane(
        int planeId, int crtcId, int fbId, int possibleCrtcs, int gammaSize, int countFormatTypes, long formatTypePtr) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 32;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeGetPlane read(ByteBuffer b) {
        return new ModeGetPlane(
                b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20), b.getLong(24));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, planeId)
                .putInt(4, crtcId)
                .putInt(8, fbId)
                .putInt(12, possibleCrtcs)
                .putInt(16, gammaSize);
        b.putInt(20, countFormatTypes).putLong(24, formatTypePtr);
    }
}
