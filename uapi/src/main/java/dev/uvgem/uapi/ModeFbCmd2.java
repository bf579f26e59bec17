package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_fb_cmd2} (104 bytes): the argument of {@link DrmMode#IOCTL_ADDFB2}.
 *
 * <pre>
 *   0  u32 fb_id           out
 *   4  u32 width           in
 *   8  u32 height          in
 *  12  u32 pixel_format    in: fourcc
 *  16  u32 flags           in: DRM_MODE_FB_INTERLACED | DRM_MODE_FB_MODIFIERS
 *  20  u32 handles[4]      in: GEM handles, one per format plane
 *  36  u32 pitches[4]      in
 *  52  u32 offsets[4]      in
 *  68  (pad)
 *  72  u64 modifier[4]     in: with DRM_MODE_FB_MODIFIERS
 * </pre>
 *
 * <p>Thread-safety: an immutable value (the arrays are copied in and out).
 *
 * @param fbId the new framebuffer id
 * @param width pixels
 * @param height lines
 * @param pixelFormat fourcc code
 * @param flags DRM_MODE_FB_*
 * @param handles four GEM handles
 * @param pitches four pitches
 * @param offsets four offsets
 * @param modifier four format modifiers
 */
public record ModeFbCmd2(
        int fbId,
        int width,
        int height,
        int pixelFormat,
        int flags,
        int[] handles,
        int[] pitches,
        int[] offsets,
        long[] modifier) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 104;
    /** Number of format planes the struct describes. */
    public static final int PLANES = 4;

    /** Copies the arrays, each of {@link #PLANES} entries. */
    public ModeFbCmd2 {
        handles = copy(handles);
        pitches = copy(pitches);
        offsets = copy(offsets);
        if (modifier.length != PLANES) {
            throw new IllegalArgumentException("modifier needs " + PLANES + " entries");
        }
        modifier = modifier.clone();
    }

    private static int[] copy(int[] a) {
        if (a.length != PLANES) {
            throw new IllegalArgumentException("need " + PLANES + " entries");
        }
        return a.clone();
    }

    /** A single-plane framebuffer description: handle, pitch and offset 0, no modifiers. */
    public static ModeFbCmd2 singlePlane(int width, int height, int pixelFormat, int handle, int pitch) {
        return new ModeFbCmd2(
                0,
                width,
                height,
                pixelFormat,
                0,
                new int[] {handle, 0, 0, 0},
                new int[] {pitch, 0, 0, 0},
                new int[PLANES],
                new long[PLANES]);
    }

    @Override
    public int[] handles() {
        return handles.clone();
    }

    @Override
    public int[] pitches() {
        return pitches.clone();
    }

    @Override
    public int[] offsets() {
        return offsets.clone();
    }

    @Override
    public long[] modifier() {
        return modifier.clone();
    }

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeFbCmd2 read(ByteBuffer b) {
        int[] h = new int[PLANES];
        int[] p = new int[PLANES];
        int[] o = new int[PLANES];
        long[] m = new long[PLANES];
        for (int i = 0; i < PLANES; i++) {
            h[i] = b.getInt(20 + 4 * i);
            p[i] = b.getInt(36 + 4 * i);
            o[i] = b.getInt(52 + 4 * i);
            m[i] = b.getLong(72 + 8 * i);
        }
        return new ModeFbCmd2(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16), h, p, o, m);
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, fbId)
                .putInt(4, width)
                .putInt(8, height)
                .putInt(12, pixelFormat)
                .putInt(16, flags);
        for (int i = 0; i < PLANES; i++) {
            b.putInt(20 + 4 * i, handles[i]).putInt(36 + 4 * i, pitches[i]).putInt(52 + 4 * i, offsets[i]);
            b.putLong(72 + 8 * i, modifier[i]);
        }
    }
}
