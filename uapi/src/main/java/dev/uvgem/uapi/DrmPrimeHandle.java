package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_prime_handle} (12 bytes): the argument of {@link Drm#IOCTL_PRIME_HANDLE_TO_FD} and {@link
 * Drm#IOCTL_PRIME_FD_TO_HANDLE}.
 *
 * <pre>
 *   0  u32 handle  in (export) / out (import)
 *   4  u32 flags   in (export): DRM_CLOEXEC | DRM_RDWR; ignored on import
 *   8  s32 fd      out (export) / in (import)
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the GEM handle
 * @param flags the export flags
 * @param fd the dma-buf fd
 */
public record DrmPrimeHandle(int handle, int flags, int fd) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 12;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmPrimeHandle read(ByteBuffer b) {
        return new DrmPrimeHandle(b.getInt(0), b.getInt(4), b.getInt(8));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, flags).putInt(8, fd);
    }
}
