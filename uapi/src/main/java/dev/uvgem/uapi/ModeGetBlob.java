package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_get_blob} (16 bytes): the argument of {@link DrmMode#IOCTL_GETPROPBLOB}. The blob's bytes
 * are copied only when {@code length} equals the blob's length; the length always comes back.
 *
 * <pre>
 *   0  u32 blob_id   in
 *   4  u32 length    in: the buffer's size; out: the blob's length
 *   8  u64 data      in: user buffer
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param blobId the blob
 * @param length buffer size in, blob length out
 * @param data user pointer
 */
public record ModeGetBlob(int blobId, int length, long data) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeGetBlob read(ByteBuffer b) {
        return new ModeGetBlob(b.getInt(0), b.getInt(4), b.getLong(8));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, blobId).putInt(4, length).putLong(8, data);
    }
}
