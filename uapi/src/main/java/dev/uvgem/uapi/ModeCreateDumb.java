package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_create_dumb} (32 bytes): the argument of {@link Drm#IOCTL_MODE_CREATE_DUMB}.
 *
 * <pre>
 *   0  u32 height  in
 *   4  u32 width   in
 *   8  u32 bpp     in: bits per pixel (a colour mode)
 *  12  u32 flags   in: ignored
 *  16  u32 handle  out
 *  20  u32 pitch   out: bytes per row
 *  24  u64 size    out: bytes, page-aligned
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param height rows
 * @param width pixels per row
 * @param bpp bits per pixel
 * @param flags ignored
 * @param handle the new GEM handle
 * @param pitch bytes per row
 * @param size the buffer size in bytes
 */
public record ModeCreateDumb(int height, int width, int bpp, int flags, int handle, int pitch, long size) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 32;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeCreateDumb read(ByteBuffer b) {
        return new ModeCreateDumb(
                b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20), b.getLong(24));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, height)
                .putInt(4, width)
                .putInt(8, bpp)
                .putInt(12, flags)
                .putInt(16, handle)
                .putInt(20, pitch)
                .putLong(24, size);
    }
}
