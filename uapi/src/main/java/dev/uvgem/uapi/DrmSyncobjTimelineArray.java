package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_timeline_array} (24 bytes): the argument of {@link DrmSyncobj#IOCTL_QUERY} and
 * {@link DrmSyncobj#IOCTL_TIMELINE_SIGNAL}.
 *
 * <pre>
 *   0  u64 handles        in: user pointer to u32[count_handles]
 *   8  u64 points         in (signal; 0 means all points 0) / out (query): user pointer to u64[count_handles]
 *  16  u32 count_handles  in
 *  20  u32 flags          in: QUERY_FLAGS_LAST_SUBMITTED for QUERY, 0 for TIMELINE_SIGNAL
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handles user pointer to the handles
 * @param points user pointer to the points
 * @param countHandles how many handles
 * @param flags the flags
 */
public record DrmSyncobjTimelineArray(long handles, long points, int countHandles, int flags) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 24;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmSyncobjTimelineArray read(ByteBuffer b) {
        return new DrmSyncobjTimelineArray(b.getLong(0), b.getLong(8), b.getInt(16), b.getInt(20));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, handles).putLong(8, points).putInt(16, countHandles).putInt(20, flags);
    }
}
