package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_vgem_fence_signal} (8 bytes): the argument of {@link Vgem#IOCTL_FENCE_SIGNAL}.
 *
 * <pre>
 *   0  u32 fence   in: fence id from FENCE_ATTACH
 *   4  u32 flags   in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param fence the fence id
 * @param flags must be zero
 */
public record VgemFenceSignal(int fence, int flags) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 8;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static VgemFenceSignal read(ByteBuffer b) {
        return new VgemFenceSignal(b.getInt(0), b.getInt(4));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, fence).putInt(4, flags);
    }
}
