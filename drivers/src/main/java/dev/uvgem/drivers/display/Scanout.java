package dev.uvgem.drivers.display;

/**
 * The pixels a CRTC scanned out for one frame, as vkms's composer output: {@code width x height} pixels, XRGB8888
 * little-endian (byte order B, G, R, X per pixel), 4 bytes each, rows packed. The primary plane's pixels are
 * blended over black: XRGB8888 is taken as opaque (X forced to 0xff), ARGB8888 is multiplied by its alpha.
 *
 * <p>Thread-safety: immutable (the accessors copy).
 */
public final class Scanout {
    private final int width;
    private final int height;
    private final byte[] xrgb;

    Scanout(int width, int height, byte[] xrgb) {
        this.width = width;
        this.height = height;
        this.xrgb = xrgb;
    }

    /** Returns the width in pixels. */
    public int width() {
        return width;
    }

    /** Returns the height in pixels. */
    public int height() {
        return height;
    }

    /** Returns pixel (x, y) as 0xffRRGGBB. */
    public int argb(int x, int y) {
        int i = (y * width + x) * 4;
        return (xrgb[i] & 0xff) | (xrgb[i + 1] & 0xff) << 8 | (xrgb[i + 2] & 0xff) << 16 | 0xff << 24;
    }

    /** Returns every pixel as 0xffRRGGBB, row by row (what {@code BufferedImage.setRGB} takes). */
    public int[] toArgb() {
        int[] out = new int[width * height];
        for (int p = 0; p < out.length; p++) {
            int i = p * 4;
            out[p] = (xrgb[i] & 0xff) | (xrgb[i + 1] & 0xff) << 8 | (xrgb[i + 2] & 0xff) << 16 | 0xff << 24;
        }
        return out;
    }

    /** Returns a copy of the raw XRGB8888 bytes (what the CRC covers). */
    public byte[] bytes() {
        return xrgb.clone();
    }

    /** The bytes without a copy, for the CRC. */
    byte[] rawBytes() {
        return xrgb;
    }
}
