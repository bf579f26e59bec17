package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct sw_sync_create_fence_data} (40 bytes): the argument of {@link SwSyncIoctl#CREATE_FENCE}.
 *
 * <pre>
 *   0  u32  value     in: the point's seqno on the timeline
 *   4  char name[32]  in: ignored by the kernel
 *  36  s32  fence     out: fd of the new sync_file
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param value the point (unsigned)
 * @param name ignored
 * @param fence the new sync_file's fd (out)
 */
public record SwSyncCreateFenceData(int value, String name, int fence) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 40;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static SwSyncCreateFenceData read(ByteBuffer b) {
        return new SwSyncCreateFenceData(b.getInt(0), CString.get(b, 4, 32), b.getInt(36));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, value);
        CString.put(b, 4, 32, name);
        b.putInt(36, fence);
    }
}
