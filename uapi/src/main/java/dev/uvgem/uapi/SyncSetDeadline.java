package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct sync_set_deadline} (16 bytes): the argument of {@link SyncIoctl#SET_DEADLINE}.
 *
 * <pre>
 *   0  u64 deadline_ns  in: absolute CLOCK_MONOTONIC deadline
 *   8  u64 pad          in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param deadlineNs the deadline
 * @param pad must be zero
 */
public record SyncSetDeadline(long deadlineNs, long pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static SyncSetDeadline read(ByteBuffer b) {
        return new SyncSetDeadline(b.getLong(0), b.getLong(8));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, deadlineNs).putLong(8, pad);
    }
}
