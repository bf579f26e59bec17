package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_vgem_fence_attach} (16 bytes): the argument of {@link Vgem#IOCTL_FENCE_ATTACH}.
 *
 * <pre>
 *   0  u32 handle     in: GEM handle
 *   4  u32 flags      in: 0 or VGEM_FENCE_WRITE
 *   8  u32 out_fence  out: fence id
 *  12  u32 pad        in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param handle the GEM handle
 * @param flags 0 or {@link Vgem#VGEM_FENCE_WRITE}
 * @param outFence the new fence id
 * @param pad must be zero
 */
public record VgemFenceAttach(int handle, int flags, int outFence, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static VgemFenceAttach read(ByteBuffer b) {
        return new VgemFenceAttach(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, handle).putInt(4, flags).putInt(8, outFence).putInt(12, pad);
    }
}
