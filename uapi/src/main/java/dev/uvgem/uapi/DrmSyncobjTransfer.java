package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_transfer} (32 bytes): the argument of {@link DrmSyncobj#IOCTL_TRANSFER}.
 *
 * <pre>
 *   0  u32 src_handle  in
 *   4  u32 dst_handle  in
 *   8  u64 src_point   in: 0 for the source's current fence
 *  16  u64 dst_point   in: 0 to replace the destination's fence, else the point to add
 *  24  u32 flags       in: 0 or WAIT_FOR_SUBMIT
 *  28  u32 pad         in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param srcHandle the source syncobj
 * @param dstHandle the destination syncobj
 * @param srcPoint the source point
 * @param dstPoint the destination point
 * @param flags 0 or {@link DrmSyncobj#WAIT_FLAGS_WAIT_FOR_SUBMIT}
 * @param pad must be zero
 */
public record DrmSyncobjTransfer(int srcHandle, int dstHandle, long srcPoint, long dstPoint, int flags, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 32;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmSyncobjTransfer read(ByteBuffer b) {
        return new DrmSyncobjTransfer(
                b.getInt(0), b.getInt(4), b.getLong(8), b.getLong(16), b.getInt(24), b.getInt(28));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, srcHandle)
                .putInt(4, dstHandle)
                .putLong(8, srcPoint)
                .putLong(16, dstPoint)
                .putInt(24, flags)
                .putInt(28, pad);
    }
}
