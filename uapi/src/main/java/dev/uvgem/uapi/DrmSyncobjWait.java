package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_wait} (40 bytes; 32 before the deadline field): the argument of {@link
 * DrmSyncobj#IOCTL_WAIT}.
 *
 * <pre>
 *   0  u64 handles         in: user pointer to u32[count_handles]
 *   8  s64 timeout_nsec    in: absolute CLOCK_MONOTONIC time; 0 (or the past) polls
 *  16  u32 count_handles   in
 *  20  u32 flags           in: WAIT_ALL, WAIT_FOR_SUBMIT, WAIT_DEADLINE
 *  24  u32 first_signaled  out: index of the first signalled handle, on success
 *  28  u32 pad
 *  32  u64 deadline_nsec   in: absolute CLOCK_MONOTONIC deadline hint, with WAIT_DEADLINE (newer kernels)
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handles user pointer to the handles
 * @param timeoutNsec the absolute timeout
 * @param countHandles how many handles
 * @param flags the wait flags
 * @param firstSignaled the index of the first signalled handle
 * @param pad unused
 * @param deadlineNsec the deadline hint
 */
public record DrmSyncobjWait(
        long handles, long timeoutNsec, int countHandles, int flags, int firstSignaled, int pad, long deadlineNsec) {
    /** Size of the struct in bytes, with the deadline field. */
    public static final int SIZE = 40;
    /** Size of the older struct, without the deadline field. */
    public static final int SIZE_V1 = 32;

    /** Reads the struct from {@code b}; a 32-byte buffer reads as deadline 0 (little-endian, absolute offsets). */
    public static DrmSyncobjWait read(ByteBuffer b) {
        long deadline = b.limit() >= SIZE ? b.getLong(32) : 0;
        return new DrmSyncobjWait(
                b.getLong(0), b.getLong(8), b.getInt(16), b.getInt(20), b.getInt(24), b.getInt(28), deadline);
    }

    /** Writes the struct into {@code b}; into a 32-byte buffer without the deadline (little-endian, absolute). */
    public void write(ByteBuffer b) {
        b.putLong(0, handles)
                .putLong(8, timeoutNsec)
                .putInt(16, countHandles)
                .putInt(20, flags)
                .putInt(24, firstSignaled)
                .putInt(28, pad);
        if (b.limit() >= SIZE) {
            b.putLong(32, deadlineNsec);
        }
    }
}
