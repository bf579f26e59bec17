package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct sync_fence_info} (80 bytes): one fence of a sync_file, an element of the array that
 * {@link SyncIoctl#FILE_INFO} writes to {@link SyncFileInfo#syncFenceInfo()}.
 *
 * <pre>
 *   0  char obj_name[32]     the fence's timeline name
 *  32  char driver_name[32]  the fence's driver name
 *  64  s32  status           1 signalled, 0 active, negative errno if signalled with an error
 *  68  u32  flags            0
 *  72  u64  timestamp_ns     CLOCK_MONOTONIC time of signalling, 0 while active
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param objName the timeline name
 * @param driverName the driver name
 * @param status the fence's status
 * @param flags zero
 * @param timestampNs the signal time, or 0
 */
public record SyncFenceInfo(String objName, String driverName, int status, int flags, long timestampNs) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 80;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static SyncFenceInfo read(ByteBuffer b) {
        return new SyncFenceInfo(
                CString.get(b, 0, SyncIoctl.NAME_LEN),
                CString.get(b, 32, SyncIoctl.NAME_LEN),
                b.getInt(64),
                b.getInt(68),
                b.getLong(72));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        CString.put(b, 0, SyncIoctl.NAME_LEN, objName);
        CString.put(b, 32, SyncIoctl.NAME_LEN, driverName);
        b.putInt(64, status).putInt(68, flags).putLong(72, timestampNs);
    }
}
