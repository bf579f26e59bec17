package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_syncobj_handle} (24 bytes; 16 before the point field): the argument of {@link
 * DrmSyncobj#IOCTL_HANDLE_TO_FD} and {@link DrmSyncobj#IOCTL_FD_TO_HANDLE}.
 *
 * <pre>
 *   0  u32 handle  in (export, sync_file import) / out (opaque import)
 *   4  u32 flags   in: EXPORT_SYNC_FILE / IMPORT_SYNC_FILE, TIMELINE
 *   8  s32 fd      out (export) / in (import)
 *  12  u32 pad     in: must be 0
 *  16  u64 point   in: the timeline point, used only with the TIMELINE flag (newer kernels)
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the syncobj handle
 * @param flags the direction's flags
 * @param fd the syncobj or sync_file fd
 * @param pad must be zero
 * @param point the timeline point (0: the binary fence)
 */
public record DrmSyncobjHandle(int handle, int flags, int fd, int pad, long point) {
    /** Size of the struct in bytes, with the point field. */
    public static final int SIZE = 24;
    /** Size of the older struct, without the point field. */
    public static final int SIZE_V1 = 16;

    /** Reads the struct from {@code b}; a 16-byte buffer reads as point 0 (little-endian, absolute offsets). */
    public static DrmSyncobjHandle read(ByteBuffer b) {
        long point = b.limit() >= SIZE ? b.getLong(16) : 0;
        return new DrmSyncobjHandle(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), point);
    }

    /** Writes the struct into {@code b}; into a 16-byte buffer without the point (little-endian, absolute). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, flags).putInt(8, fd).putInt(12, pad);
        if (b.limit() >= SIZE) {
            b.putLong(16, point);
        }
    }
}
