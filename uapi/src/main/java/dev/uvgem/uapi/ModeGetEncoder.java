package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_get_encoder} (20 bytes): the argument of {@link DrmMode#IOCTL_GETENCODER}.
 *
 * <pre>
 *   0  u32 encoder_id        in
 *   4  u32 encoder_type      out
 *   8  u32 crtc_id           out
 *  12  u32 possible_crtcs    out: bitmask of CRTC indices
 *  16  u32 possible_clones   out
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param encoderId the encoder
 * @param encoderType DRM_MODE_ENCODER_*
 * @param crtcId the CRTC it drives, 0 if none
 * @param possibleCrtcs CRTC index mask
 * @param possibleClones encoder index mask
 */
public record ModeGetEncoder(int encoderId, int encoderType, int crtcId, int possibleCrtcs, int possibleClones) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 20;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeGetEncoder read(ByteBuffer b) {
        return new ModeGetEncoder(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, encoderId).putInt(4, encoderType).putInt(8, crtcId).putInt(12, possibleCrtcs);
        b.putInt(16, possibleClones);
    }
}
