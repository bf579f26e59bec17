package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_uvgpu_bo_create} (24 bytes): the argument of {@link UvGpu#IOCTL_BO_CREATE}.
 *
 * <pre>
 *   0  u64 size    in: bytes, rounded up to pages
 *   8  u32 handle  out: the GEM handle
 *  12  u32 flags   in: must be 0
 *  16  u64 offset  out: the fake offset to mmap the buffer at through the device file
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param size the size in bytes
 * @param handle the new handle
 * @param flags must be zero
 * @param offset the mmap offset
 */
public record UvGpuBoCreate(long size, int handle, int flags, long offset) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 24;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static UvGpuBoCreate read(ByteBuffer b) {
        return new UvGpuBoCreate(b.getLong(0), b.getInt(8), b.getInt(12), b.getLong(16));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, size).putInt(8, handle).putInt(12, flags).putLong(16, offset);
    }
}
