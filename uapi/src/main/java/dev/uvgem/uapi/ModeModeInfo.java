package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_modeinfo} (68 bytes): one display mode (timings), embedded in {@link ModeCrtc} and listed
 * by GETCONNECTOR.
 *
 * <pre>
 *   0  u32 clock        pixel clock in kHz
 *   4  u16 hdisplay, hsync_start, hsync_end, htotal, hskew
 *  14  u16 vdisplay, vsync_start, vsync_end, vtotal, vscan
 *  24  u32 vrefresh     Hz
 *  28  u32 flags        DRM_MODE_FLAG_*
 *  32  u32 type         DRM_MODE_TYPE_*
 *  36  char name[32]
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param clock pixel clock, kHz
 * @param hdisplay visible pixels per line
 * @param hsyncStart start of horizontal sync
 * @param hsyncEnd end of horizontal sync
 * @param htotal pixels per line including blanking
 * @param hskew horizontal skew
 * @param vdisplay visible lines
 * @param vsyncStart start of vertical sync
 * @param vsyncEnd end of vertical sync
 * @param vtotal lines per frame including blanking
 * @param vscan lines per scan
 * @param vrefresh refresh rate, Hz
 * @param flags sync polarity and other flags
 * @param type driver/preferred bits
 * @param name the mode's name, e.g. "640x480"
 */
public record ModeModeInfo(
        int clock,
        int hdisplay,
        int hsyncStart,
        int hsyncEnd,
        int htotal,
        int hskew,
        int vdisplay,
        int vsyncStart,
        int vsyncEnd,
        int vtotal,
        int vscan,
        int vrefresh,
        int flags,
        int type,
        String name) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 68;

    /** Reads the struct at {@code offset} of {@code b}. */
    public static ModeModeInfo read(ByteBuffer b, int offset) {
        return new ModeModeInfo(
                b.getInt(offset),
                u16(b, offset + 4),
                u16(b, offset + 6),
                u16(b, offset + 8),
                u16(b, offset + 10),
                u16(b, offset + 12),
                u16(b, offset + 14),
                u16(b, offset + 16),
                u16(b, offset + 18),
                u16(b, offset + 20),
                u16(b, offset + 22),
                b.getInt(offset + 24),
                b.getInt(offset + 28),
                b.getInt(offset + 32),
                CString.get(b, offset + 36, 32));
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xffff;
    }

    /** Writes the struct at {@code offset} of {@code b}. */
    public void write(ByteBuffer b, int offset) {
        b.putInt(offset, clock);
        int[] shorts = {hdisplay, hsyncStart, hsyncEnd, htotal, hskew, vdisplay, vsyncStart, vsyncEnd, vtotal, vscan};
        for (int i = 0; i < shorts.length; i++) {
            b.putShort(offset + 4 + 2 * i, (short) shorts[i]);
        }
        b.putInt(offset + 24, vrefresh).putInt(offset + 28, flags).putInt(offset + 32, type);
        CString.put(b, offset + 36, 32, name);
    }

    /** Returns the 68 bytes of the struct. */
    public byte[] toBytes() {
        byte[] out = new byte[SIZE];
        write(ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN), 0);
        return out;
    }
}
