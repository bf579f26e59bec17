package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct sync_merge_data} (48 bytes): the argument of {@link SyncIoctl#MERGE}.
 *
 * <pre>
 *   0  char name[32]  in: name of the new sync_file (NUL-terminated; byte 31 is forced to NUL)
 *  32  s32  fd2       in: the sync_file to merge with the ioctl's own
 *  36  s32  fence     out: fd of the new sync_file
 *  40  u32  flags     in: must be 0
 *  44  u32  pad       in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param name the new sync_file's name
 * @param fd2 the other sync_file's fd
 * @param fence the new sync_file's fd (out)
 * @param flags must be zero
 * @param pad must be zero
 */
public record SyncMergeData(String name, int fd2, int fence, int flags, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 48;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static SyncMergeData read(ByteBuffer b) {
        return new SyncMergeData(
                CString.get(b, 0, SyncIoctl.NAME_LEN), b.getInt(32), b.getInt(36), b.getInt(40), b.getInt(44));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        CString.put(b, 0, SyncIoctl.NAME_LEN, name);
        b.putInt(32, fd2).putInt(36, fence).putInt(40, flags).putInt(44, pad);
    }
}
