package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct dma_buf_import_sync_file} (8 bytes): the argument of {@link
 * DmaBufIoctl#IOCTL_IMPORT_SYNC_FILE}.
 *
 * <pre>
 *   0  u32 flags  in: SYNC_READ / SYNC_WRITE / SYNC_RW (WRITE adds the fences as writers)
 *   4  s32 fd     in: a sync_file fd
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param flags how to add the fences
 * @param fd the sync_file fd
 */
public record DmaBufImportSyncFile(int flags, int fd) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 8;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DmaBufImportSyncFile read(ByteBuffer b) {
        return new DmaBufImportSyncFile(b.getInt(0), b.getInt(4));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, flags).putInt(4, fd);
    }
}
