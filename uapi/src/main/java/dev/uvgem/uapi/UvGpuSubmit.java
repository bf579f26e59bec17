package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_uvgpu_submit} (48 bytes): the argument of {@link UvGpu#IOCTL_SUBMIT}.
 *
 * <pre>
 *   0  u32 ctx_id        in: the context whose ring runs the job
 *   4  u32 flags         in: SUBMIT_IN_FENCE, SUBMIT_OUT_FENCE
 *   8  u64 bos           in: pointer to bo_count struct drm_uvgpu_submit_bo
 *  16  u64 cmds          in: pointer to cmd_count struct drm_uvgpu_cmd
 *  24  u32 bo_count      in: at most MAX_BOS
 *  28  u32 cmd_count     in: at most MAX_CMDS
 *  32  s32 in_fence_fd   in: a sync_file fd to wait for (with SUBMIT_IN_FENCE)
 *  36  s32 out_fence_fd  out: a sync_file fd of the job's finished fence (with SUBMIT_OUT_FENCE)
 *  40  u64 seqno         out: the job's seqno on its context's ring
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param ctxId the context
 * @param flags submit flags
 * @param bos user address of the buffer list
 * @param cmds user address of the commands
 * @param boCount number of buffers
 * @param cmdCount number of commands
 * @param inFenceFd the in-fence sync_file fd
 * @param outFenceFd the out-fence sync_file fd
 * @param seqno the job's seqno
 */
public record UvGpuSubmit(
        int ctxId,
        int flags,
        long bos,
        long cmds,
        int boCount,
        int cmdCount,
        int inFenceFd,
        int outFenceFd,
        long seqno) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 48;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static UvGpuSubmit read(ByteBuffer b) {
        return new UvGpuSubmit(
                b.getInt(0),
                b.getInt(4),
                b.getLong(8),
                b.getLong(16),
                b.getInt(24),
                b.getInt(28),
                b.getInt(32),
                b.getInt(36),
                b.getLong(40));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, ctxId)
                .putInt(4, flags)
                .putLong(8, bos)
                .putLong(16, cmds)
                .putInt(24, boCount)
                .putInt(28, cmdCount)
                .putInt(32, inFenceFd)
                .putInt(36, outFenceFd)
                .putLong(40, seqno);
    }
}
