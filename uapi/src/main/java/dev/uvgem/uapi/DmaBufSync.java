package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct dma_buf_sync} (8 bytes): the argument of {@link DmaBufIoctl#IOCTL_SYNC}.
 *
 * <pre>
 *   0  u64 flags  in: SYNC_READ/WRITE/RW | SYNC_START/END
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param flags the direction and start/end bits
 */
public record DmaBufSync(long flags) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 8;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DmaBufSync read(ByteBuffer b) {
        return new DmaBufSync(b.getLong(0));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, flags);
    }
}
