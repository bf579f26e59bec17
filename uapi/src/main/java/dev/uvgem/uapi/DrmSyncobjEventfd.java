package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_eventfd} (24 bytes): the argument of {@link DrmSyncobj#IOCTL_EVENTFD}.
 *
 * <pre>
 *   0  u32 handle  in
 *   4  u32 flags   in: 0 or WAIT_AVAILABLE
 *   8  u64 point   in: the timeline point, 0 for the binary fence
 *  16  s32 fd      in: the eventfd to signal
 *  20  u32 pad     in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the syncobj handle
 * @param flags 0 or {@link DrmSyncobj#WAIT_FLAGS_WAIT_AVAILABLE}
 * @param point the point to wait for
 * @param fd the eventfd
 * @param pad must be zero
 */
public record DrmSyncobjEventfd(int handle, int flags, long point, int fd, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 24;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmSyncobjEventfd read(ByteBuffer b) {
        return new DrmSyncobjEventfd(b.getInt(0), b.getInt(4), b.getLong(8), b.getInt(16), b.getInt(20));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, flags).putLong(8, point).putInt(16, fd).putInt(20, pad);
    }
}
