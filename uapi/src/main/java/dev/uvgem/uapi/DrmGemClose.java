package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_gem_close} (8 bytes): the argument of {@link Drm#IOCTL_GEM_CLOSE}.
 *
 * <pre>
 *   0  u32 handle  in: the GEM handle to close
 *   4  u32 pad     ignored
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the GEM handle
 * @param pad padding (not checked by the kernel)
 */
public record DrmGemClose(int handle, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 8;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmGemClose read(ByteBuffer b) {
        return new DrmGemClose(b.getInt(0), b.getInt(4));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, pad);
    }
}
