package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_array} (16 bytes): the argument of {@link DrmSyncobj#IOCTL_RESET} and {@link
 * DrmSyncobj#IOCTL_SIGNAL}.
 *
 * <pre>
 *   0  u64 handles        in: user pointer to u32[count_handles]
 *   8  u32 count_handles  in
 *  12  u32 pad            in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handles user pointer to the handles
 * @param countHandles how many handles
 * @param pad must be zero
 */
public record DrmSyncobjArray(long handles, int countHandles, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmSyncobjArray read(ByteBuffer b) {
        return new DrmSyncobjArray(b.getLong(0), b.getInt(8), b.getInt(12));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, handles).putInt(8, countHandles).putInt(12, pad);
    }
}
