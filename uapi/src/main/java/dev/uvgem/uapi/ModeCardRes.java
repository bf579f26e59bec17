package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_card_res} (64 bytes): the argument of {@link DrmMode#IOCTL_GETRESOURCES}. Each id array is
 * filled up to the count userspace passed; every count comes back as the real number (the two-call protocol).
 *
 * <pre>
 *   0  u64 fb_id_ptr          in: u32[count_fbs]
 *   8  u64 crtc_id_ptr        in: u32[count_crtcs]
 *  16  u64 connector_id_ptr   in: u32[count_connectors]
 *  24  u64 encoder_id_ptr     in: u32[count_encoders]
 *  32  u32 count_fbs          in/out
 *  36  u32 count_crtcs        in/out
 *  40  u32 count_connectors   in/out
 *  44  u32 count_encoders     in/out
 *  48  u32 min_width, max_width, min_height, max_height   out
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param fbIdPtr user array of framebuffer ids
 * @param crtcIdPtr user array of CRTC ids
 * @param connectorIdPtr user array of connector ids
 * @param encoderIdPtr user array of encoder ids
 * @param countFbs capacity in, count out
 * @param countCrtcs capacity in, count out
 * @param countConnectors capacity in, count out
 * @param countEncoders capacity in, count out
 * @param minWidth smallest framebuffer width
 * @param maxWidth largest framebuffer width
 * @param minHeight smallest framebuffer height
 * @param maxHeight largest framebuffer height
 */
public record ModeCardRes(
        long fbIdPtr,
        long crtcIdPtr,
        long connectorIdPtr,
        long encoderIdPtr,
        int countFbs,
        int countCrtcs,
        int countConnectors,
        int countEncoders,
        int minWidth,
        int maxWidth,
        int minHeight,
        int maxHeight) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 64;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeCardRes read(ByteBuffer b) {
        return new ModeCardRes(
                b.getLong(0),
                b.getLong(8),
                b.getLong(16),
                b.getLong(24),
                b.getInt(32),
                b.getInt(36),
                b.getInt(40),
                b.getInt(44),
                b.getInt(48),
                b.getInt(52),
                b.getInt(56),
                b.getInt(60));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, fbIdPtr).putLong(8, crtcIdPtr).putLong(16, connectorIdPtr).putLong(24, encoderIdPtr);
        b.putInt(32, countFbs)
                .putInt(36, countCrtcs)
                .putInt(40, countConnectors)
                .putInt(44, countEncoders);
        b.putInt(48, minWidth).putInt(52, maxWidth).putInt(56, minHeight).putInt(60, maxHeight);
    }
}
