package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_crtc} (104 bytes): the argument of {@link DrmMode#IOCTL_GETCRTC}.
 *
 * <pre>
 *   0  u64 set_connectors_ptr   (SETCRTC only)
 *   8  u32 count_connectors     (SETCRTC only)
 *  12  u32 crtc_id              in
 *  16  u32 fb_id                out: the primary plane's framebuffer, 0 if none
 *  20  u32 x, y                 out: the primary plane's source position
 *  28  u32 gamma_size           out
 *  32  u32 mode_valid           out: 1 if the CRTC has a mode
 *  36  struct drm_mode_modeinfo mode   out
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param setConnectorsPtr user array of connector ids (SETCRTC)
 * @param countConnectors number of connectors (SETCRTC)
 * @param crtcId the CRTC
 * @param fbId the scanned-out framebuffer
 * @param x source x
 * @param y source y
 * @param gammaSize gamma table size
 * @param modeValid whether {@code mode} is set
 * @param mode the current mode (all zero without one)
 */
public record ModeCrtc(
        long setConnectorsPtr,
        int countConnectors,
        int crtcId,
        int fbId,
        int x,
        int y,
        int gammaSize,
        int modeValid,
        ModeModeInfo mode) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 104;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeCrtc read(ByteBuffer b) {
        return new ModeCrtc(
                b.getLong(0),
                b.getInt(8),
                b.getInt(12),
                b.getInt(16),
                b.getInt(20),
                b.getInt(24),
                b.getInt(28),
                b.getInt(32),
                ModeModeInfo.read(b, 36));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, setConnectorsPtr)
                .putInt(8, countConnectors)
                .putInt(12, crtcId)
                .putInt(16, fbId);
        b.putInt(20, x).putInt(24, y).putInt(28, gammaSize).putInt(32, modeValid);
        mode.write(b, 36);
    }
}
