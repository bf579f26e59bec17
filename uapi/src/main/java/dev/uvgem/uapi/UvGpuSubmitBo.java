package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_uvgpu_submit_bo} (8 bytes): one entry of a SUBMIT's buffer list.
 *
 * <pre>
 *   0  u32 handle  in: GEM handle
 *   4  u32 flags   in: BO_READ, BO_WRITE or both
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the GEM handle
 * @param flags {@link UvGpu#BO_READ} and/or {@link UvGpu#BO_WRITE}
 */
public record UvGpuSubmitBo(int handle, int flags) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 8;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static UvGpuSubmitBo read(ByteBuffer b) {
        return new UvGpuSubmitBo(b.getInt(0), b.getInt(4));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, flags);
    }
}
