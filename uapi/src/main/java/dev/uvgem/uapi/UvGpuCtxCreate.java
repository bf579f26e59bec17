package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_uvgpu_ctx_create} (24 bytes): the argument of {@link UvGpu#IOCTL_CTX_CREATE}.
 *
 * <pre>
 *   0  u32 ctx_id           out: the new context
 *   4  u32 flags            in: must be 0
 *   8  u64 hang_timeout_ns  in: how long a job may run before it is killed; 0 = the default (2 s), at most 600 s
 *  16  u32 ban_limit        in: hangs after which the context is banned; 0 = the driver default (3)
 *  20  u32 pad              in: must be 0
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param ctxId the new context id
 * @param flags must be zero
 * @param hangTimeoutNs the per-job hang timeout in nanoseconds, 0 for the default
 * @param banLimit the number of hangs that bans the context, 0 for the default
 * @param pad must be zero
 */
public record UvGpuCtxCreate(int ctxId, int flags, long hangTimeoutNs, int banLimit, int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 24;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static UvGpuCtxCreate read(ByteBuffer b) {
        return new UvGpuCtxCreate(b.getInt(0), b.getInt(4), b.getLong(8), b.getInt(16), b.getInt(20));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, ctxId)
                .putInt(4, flags)
                .putLong(8, hangTimeoutNs)
                .putInt(16, banLimit)
                .putInt(20, pad);
    }
}
