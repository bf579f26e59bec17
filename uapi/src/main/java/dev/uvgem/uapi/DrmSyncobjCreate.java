package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_create} (8 bytes): the argument of {@link DrmSyncobj#IOCTL_CREATE}.
 *
 * <pre>
 *   0  u32 handle  out: the new handle (1 or more)
 *   4  u32 flags   in: 0 or DRM_SYNCOBJ_CREATE_SIGNALED
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the new handle
 * @param flags 0 or {@link DrmSyncobj#CREATE_SIGNALED}
 */
public record DrmSyncobjCreate(int handle, int flags) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 8;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmSyncobjCreate read(ByteBuffer b) {
        return new DrmSyncobjCreate(b.getInt(0), b.getInt(4));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, flags);
    }
}
