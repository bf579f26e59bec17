package dev.uvgem.drivers.drm;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;

/**
 * Dumb-buffer size rules, as {@code drm_dumb_buffers.c}: the core's argument checks and the sizing helper
 * drivers use to compute pitch and size.
 *
 * <p>Thread-safety: stateless.
 */
public final class DrmDumb {
    private static final long U32_MAX = 0xFFFF_FFFFL;

    private DrmDumb() {}

    /**
     * A dumb buffer's layout.
     *
     * @param pitch bytes per row
     * @param size bytes in all, page-aligned
     */
    public record Layout(int pitch, long size) {}

    /**
     * The checks the core makes before asking the driver, as {@code drm_mode_create_dumb}: all three values
     * non-zero, and {@code height * width * ceil(bpp / 8)} page-aligned fitting 32 bits. Arguments are unsigned.
     *
     * @throws ErrnoException EINVAL if not
     */
    public static void checkCreateArgs(int width, int height, int bpp) {
        long w = Integer.toUnsignedLong(width);
        long h = Integer.toUnsignedLong(height);
        long b = Integer.toUnsignedLong(bpp);
        if (w == 0 || h == 0 || b == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (b > U32_MAX - 8) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long cpp = (b + 7) / 8;
        if (cpp > U32_MAX / w) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long stride = cpp * w;
        if (h > U32_MAX / stride) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long size = h * stride;
        if ((((size + Mman.PAGE_SIZE - 1) & -(long) Mman.PAGE_SIZE) & U32_MAX) == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    /**
     * Computes pitch and size, as {@code drm_mode_size_dumb}: the pitch is the minimum pitch of the pixel format
     * of colour mode {@code bpp} (1, 2, 4, 8 → C1..C8; 15 → XRGB1555; 16 → RGB565; 24 → RGB888; 32 → XRGB8888),
     * or {@code width * ceil(bpp / 8)} for other values; it is rounded up to {@code pitchAlign}; the size is
     * {@code height * pitch} rounded up to {@code sizeAlign} (the page size if 0). Everything must fit 32 bits.
     *
     * @param pitchAlign the hardware's pitch alignment in bytes, 0 for none
     * @param sizeAlign the hardware's size alignment in bytes (a multiple of the page size), 0 for the page size
     * @throws ErrnoException EINVAL for a zero or oversized pitch or size
     */
    public static Layout size(int width, int height, int bpp, long pitchAlign, long sizeAlign) {
        long w = Integer.toUnsignedLong(width);
        long h = Integer.toUnsignedLong(height);
        long b = Integer.toUnsignedLong(bpp);
        long pitch = switch ((int) Math.min(b, Integer.MAX_VALUE)) {
            case 1 -> (w + 7) / 8;
            case 2 -> (w + 3) / 4;
            case 4 -> (w + 1) / 2;
            case 8 -> w;
            case 15, 16 -> w * 2;
            case 24 -> w * 3;
            case 32 -> w * 4;
            default -> w * ((b + 7) / 8);
        };
        if (pitch == 0 || pitch > U32_MAX) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (pitchAlign != 0) {
            pitch = ((pitch + pitchAlign - 1) / pitchAlign) * pitchAlign;
            if (pitch > U32_MAX) {
                throw new ErrnoException(Errno.EINVAL);
            }
        }
        if (sizeAlign == 0) {
            sizeAlign = Mman.PAGE_SIZE;
        } else if (sizeAlign % Mman.PAGE_SIZE != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long size = h * pitch;
        if (size > U32_MAX) {
            throw new ErrnoException(Errno.EINVAL);
        }
        size = ((size + sizeAlign - 1) / sizeAlign) * sizeAlign;
        if (size == 0 || size > U32_MAX) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return new Layout((int) pitch, size);
    }
}
