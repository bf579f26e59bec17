package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_destroy} (8 bytes): the argument of {@link DrmSyncobj#IOCTL_DESTROY}.
 *
 * <pre>
 *   0  u32 handle  in
 *   4  u32 pad     in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the handle to destroy
 * @param pad must be zero
 */
public record DrmSyncobjDestroy(int handle, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 8;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmSyncobjDestroy read(ByteBuffer b) {
        return new DrmSyncobjDestroy(b.getInt(0), b.getInt(4));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, pad);
    }
}
