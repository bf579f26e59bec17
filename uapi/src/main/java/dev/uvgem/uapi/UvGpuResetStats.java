package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_uvgpu_reset_stats} (40 bytes): the argument of {@link UvGpu#IOCTL_RESET_STATS}, in the
 * spirit of i915's {@code drm_i915_reset_stats} and amdgpu's context query.
 *
 * <pre>
 *   0  u32 ctx_id     in: the context
 *   4  u32 flags      in: must be 0
 *   8  u32 hangs      out: jobs of this context killed by the hang timeout
 *  12  u32 banned     out: 1 once the context is banned
 *  16  u64 completed  out: jobs that completed without error
 *  24  u64 killed     out: jobs killed by the hang timeout (finished with -ETIME)
 *  32  u64 cancelled  out: jobs cancelled because the context was banned (finished with -ECANCELED)
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param ctxId the context
 * @param flags must be zero
 * @param hangs hangs so far
 * @param banned 1 if banned
 * @param completed jobs completed without error
 * @param killed jobs killed by the timeout
 * @param cancelled jobs cancelled by the ban
 */
public record UvGpuResetStats(
        int ctxId, int flags, int hangs, int banned, long completed, long killed, long cancelled) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 40;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static UvGpuResetStats read(ByteBuffer b) {
        return new UvGpuResetStats(
                b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getLong(16), b.getLong(24), b.getLong(32));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, ctxId)
                .putInt(4, flags)
                .putInt(8, hangs)
                .putInt(12, banned)
                .putLong(16, completed)
                .putLong(24, killed)
                .putLong(32, cancelled);
    }
}
