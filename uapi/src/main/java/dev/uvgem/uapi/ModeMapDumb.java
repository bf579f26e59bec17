package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_map_dumb} (16 bytes): the argument of {@link Drm#IOCTL_MODE_MAP_DUMB}.
 *
 * <pre>
 *   0  u32 handle  in
 *   4  u32 pad     ignored
 *   8  u64 offset  out: the fake offset to pass to mmap on the DRM fd
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the GEM handle
 * @param pad padding
 * @param offset the fake mmap offset
 */
public record ModeMapDumb(int handle, int pad, long offset) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeMapDumb read(ByteBuffer b) {
        return new ModeMapDumb(b.getInt(0), b.getInt(4), b.getLong(8));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, pad).putLong(8, offset);
    }
}
