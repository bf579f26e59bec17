package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct sw_sync_get_deadline} (16 bytes): the argument of {@link SwSyncIoctl#GET_DEADLINE}.
 *
 * <pre>
 *   0  u64 deadline_ns  in: must be 0; out: the earliest deadline set on the point
 *   8  u32 pad          in: must be 0
 *  12  s32 fence_fd     in: a sync_file holding a sw_sync point
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param deadlineNs the deadline (out)
 * @param pad must be zero
 * @param fenceFd the sync_file's fd
 */
public record SwSyncGetDeadline(long deadlineNs, int pad, int fenceFd) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static SwSyncGetDeadline read(ByteBuffer b) {
        return new SwSyncGetDeadline(b.getLong(0), b.getInt(8), b.getInt(12));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, deadlineNs).putInt(8, pad).putInt(12, fenceFd);
    }
}
