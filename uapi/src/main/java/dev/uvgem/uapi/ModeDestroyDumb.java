package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_destroy_dumb} (4 bytes): the argument of {@link Drm#IOCTL_MODE_DESTROY_DUMB}.
 *
 * <pre>
 *   0  u32 handle  in
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the GEM handle to close
 */
public record ModeDestroyDumb(int handle) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 4;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeDestroyDumb read(ByteBuffer b) {
        return new ModeDestroyDumb(b.getInt(0));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle);
    }
}
