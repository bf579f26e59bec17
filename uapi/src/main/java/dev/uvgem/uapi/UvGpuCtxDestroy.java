package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_uvgpu_ctx_destroy} (8 bytes): the argument of {@link UvGpu#IOCTL_CTX_DESTROY}.
 *
 * <pre>
 *   0  u32 ctx_id  in: the context to destroy
 *   4  u32 pad     in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param ctxId the context
 * @param pad must be zero
 */
public record UvGpuCtxDestroy(int ctxId, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 8;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static UvGpuCtxDestroy read(ByteBuffer b) {
        return new UvGpuCtxDestroy(b.getInt(0), b.getInt(4));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, ctxId).putInt(4, pad);
    }
}
