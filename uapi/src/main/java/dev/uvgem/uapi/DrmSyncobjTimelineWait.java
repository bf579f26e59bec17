package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_timeline_wait} (48 bytes; 40 before the deadline field): the argument of {@link
 * DrmSyncobj#IOCTL_TIMELINE_WAIT}.
 *
 * <pre>
 *   0  u64 handles         in: user pointer to u32[count_handles]
 *   8  u64 points          in: user pointer to u64[count_handles]; point 0 is the current fence
 *  16  s64 timeout_nsec    in: absolute CLOCK_MONOTONIC time; 0 (or the past) polls
 *  24  u32 count_handles   in
 *  28  u32 flags           in: WAIT_ALL, WAIT_FOR_SUBMIT, WAIT_AVAILABLE, WAIT_DEADLINE
 *  32  u32 first_signaled  out: index of the first signalled handle, on success
 *  36  u32 pad
 *  40  u64 deadline_nsec   in: absolute CLOCK_MONOTONIC deadline hint, with WAIT_DEADLINE (newer kernels)
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handles user pointer to the handles
 * @param points user pointer to the points
 * @param timeoutNsec the absolute timeout
 * @param countHandles how many handles
 * @param flags the wait flags
 * @param firstSignaled the index of the first signalled handle
 * @param pad unused
 * @param deadlineNsec the deadline hint
 */
public record DrmSyncobjTimelineWait(
        long handles,
        long points,
        long timeoutNsec,
        int countHandles,
        int flags,
        int firstSignaled,
        int pad,
        long deadlineNsec) {
    /** Size of the struct in bytes, with the deadline field. */
    public static final int SIZE = 48;
    /** Size of the older struct, without the deadline field. */
    public static final int SIZE_V1 = 40;

    /** Reads the struct from {@code b}; a 40-byte buffer reads as deadline 0 (little-endian, absolute offsets). */
    public static DrmSyncobjTimelineWait read(ByteBuffer b) {
        long deadline = b.limit() >= SIZE ? b.getLong(40) : 0;
        return new DrmSyncobjTimelineWait(
                b.getLong(0),
                b.getLong(8),
                b.getLong(16),
                b.getInt(24),
                b.getInt(28),
                b.getInt(32),
                b.getInt(36),
                deadline);
    }

    /** Writes the struct into {@code b}; into a 40-byte buffer without the deadline (little-endian, absolute). */
    public void write(ByteBuffer b) {
        b.putLong(0, handles)
                .putLong(8, points)
                .putLong(16, timeoutNsec)
                .putInt(24, countHandles)
                .putInt(28, flags)
                .putInt(32, firstSignaled)
                .putInt(36, pad);
        if (b.limit() >= SIZE) {
            b.putLong(40, deadlineNsec);
        }
    }
}
