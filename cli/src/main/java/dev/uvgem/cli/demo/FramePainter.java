package dev.uvgem.cli.demo;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Draws one recognisable frame of the demo into XRGB8888 pixels: a diagonal gradient whose hue drifts with the
 * frame number, a ball that bounces across the frame, a bar that sweeps down it, and the frame number in large
 * digits, so that a frame shown out of order or half drawn is obvious at a glance.
 *
 * <p>Thread-safety: stateless; concurrent calls on different buffers are safe.
 */
public final class FramePainter {
    // A 3x5 bitmap font for the digits 0-9: five rows of three bits each, the high bit on the left.
    private static final int[][] DIGITS = {
        {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
        {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}
    };

    private FramePainter() {}

    /**
     * Paints rows {@code [fromRow, toRow)} of frame {@code frame} into {@code pixels} (rows {@code pitch} bytes
     * apart, 4 bytes a pixel, little-endian XRGB).
     *
     * <p>Context: any thread; pure computation over the segment.
     */
    public static void paint(
            MemorySegment pixels, int pitch, int width, int height, int frame, int fromRow, int toRow) {
        int[] row = new int[width];
        for (int y = fromRow; y < toRow; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = pixel(frame, x, y, width, height);
            }
            MemorySegment.copy(row, 0, pixels, ValueLayout.JAVA_INT_UNALIGNED, (long) y * pitch, width);
        }
    }

    /** Returns the XRGB colour of pixel (x, y) of frame {@code frame}. Context: any thread. */
    public static int pixel(int frame, int x, int y, int width, int height) {
        if (inDigits(frame, x, y, width, height)) {
            return 0xffffff;
        }
        int ballX = bounce(frame * 13, width - width / 8) + width / 16;
        int ballY = bounce(frame * 9 + height / 3, height - height / 8) + height / 16;
        int r = Math.max(4, Math.min(width, height) / 10);
        int dx = x - ballX;
        int dy = y - ballY;
        if (dx * dx + dy * dy <= r * r) {
            return 0xffd23f;
        }
        int barY = (frame * 4) % Math.max(1, height);
        if (y >= barY && y < barY + Math.max(2, height / 30)) {
            return 0x1b1b3a;
        }
        int t = (x * 255 / Math.max(1, width - 1) + y * 255 / Math.max(1, height - 1)) / 2;
        int phase = (frame * 6) % 256;
        int red = (t + phase) & 0xff;
        int green = (255 - t + phase / 2) & 0xff;
        int blue = (96 + t / 2) & 0xff;
        return red << 16 | green << 8 | blue;
    }

    // A position that runs 0..span and back as v grows.
    private static int bounce(int v, int span) {
        if (span <= 0) {
            return 0;
        }
        int m = v % (2 * span);
        return m < span ? m : 2 * span - m;
    }

    // The frame number in the top-left corner, digits scaled to about a fifth of the height.
    private static boolean inDigits(int frame, int x, int y, int width, int height) {
        int scale = Math.max(1, height / 25);
        int margin = scale * 2;
        int cx = x - margin;
        int cy = y - margin;
        if (cx < 0 || cy < 0 || cy >= 5 * scale) {
            return false;
        }
        String text = Integer.toString(frame);
        int cell = cx / (4 * scale);
        if (cell >= text.length() || (cx % (4 * scale)) >= 3 * scale) {
            return false;
        }
        int col = (cx % (4 * scale)) / scale;
        int rowBits = DIGITS[text.charAt(cell) - '0'][cy / scale];
        return (rowBits >> (2 - col) & 1) != 0;
    }
}
