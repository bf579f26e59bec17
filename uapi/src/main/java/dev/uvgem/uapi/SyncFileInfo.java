package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct sync_file_info} (56 bytes): the argument of {@link SyncIoctl#FILE_INFO}.
 *
 * <pre>
 *   0  char name[32]        out: the sync_file's name
 *  32  s32  status          out: 1 signalled, 0 active, negative errno on error
 *  36  u32  flags           in: must be 0
 *  40  u32  num_fences      in: capacity of the array (0 = only count); out: number of fences
 *  44  u32  pad             in: must be 0
 *  48  u64  sync_fence_info in: user pointer to num_fences {@link SyncFenceInfo} entries
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param name the sync_file's name
 * @param status the aggregate status
 * @param flags must be zero
 * @param numFences the array capacity in, the fence count out (unsigned)
 * @param pad must be zero
 * @param syncFenceInfo user address of the {@link SyncFenceInfo} array
 */
public record SyncFileInfo(String name, int status, int flags, int numFences, int pad, long syncFenceInfo) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 56;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static SyncFileInfo read(ByteBuffer b) {
        return new SyncFileInfo(
                CString.get(b, 0, SyncIoctl.NAME_LEN),
                b.getInt(32),
                b.getInt(36),
                b.getInt(40),
                b.getInt(44),
                b.getLong(48));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        CString.put(b, 0, SyncIoctl.NAME_LEN, name);
        b.putInt(32, status)
                .putInt(36, flags)
                .putInt(40, numFences)
                .putInt(44, pad)
                .putLong(48, syncFenceInfo);
    }
}
