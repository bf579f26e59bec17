package dev.uvgem.api;

import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuCtxDestroy;
import dev.uvgem.uapi.UvGpuResetStats;
import dev.uvgem.uapi.UvGpuSubmit;

/**
 * A context of the virtual GPU: a ring that runs submitted jobs one at a time, in submission order, each once its
 * dependencies have signalled. A job running longer than the context's hang timeout is killed (its fence signals
 * with {@code -ETIME}); after the context's ban limit of hangs, the context is banned: its queued jobs are
 * cancelled ({@code -ECANCELED}) and further submissions fail with {@code ECANCELED}. Other contexts are not
 * affected. Closing destroys the context (UVGPU_CTX_DESTROY): queued jobs end with {@code -ESRCH}.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class GpuContext implements AutoCloseable {
    private final GpuDevice device;
    private final int id;
    private volatile boolean closed;

    GpuContext(GpuDevice device, int id) {
        this.device = device;
        this.id = id;
    }

    /** Returns the context id. */
    public int id() {
        return id;
    }

    /**
     * A submitted job.
     *
     * @param seqno the job's position on the context's ring (its fences' seqno)
     * @param outFence a sync_file of its finished fence, or null if the job did not ask for one
     */
    public record Submission(long seqno, SyncFileFd outFence) {}

    /**
     * Submits {@code job} (UVGPU_SUBMIT).
     *
     * <p>Context: the calling thread; never waits for the job. Locking: none of its own.
     *
     * @throws ErrnoException ECANCELED if the context is banned; ENOENT if it or a buffer is gone; EINVAL for a
     *     command out of a buffer's bounds; EBADF for a closed in-fence
     */
    public Submission submit(GpuJob job) {
        byte[] user = new byte[Math.max(1, job.userBytes())];
        int cmdOffset = job.writeTo(user);
        byte[] arg = new byte[UvGpuSubmit.SIZE];
        long base = Syscalls.USER_BASE;
        new UvGpuSubmit(
                        id,
                        job.flags(),
                        base,
                        base + cmdOffset,
                        job.bufferCount(),
                        job.commandCount(),
                        job.inFenceFd(),
                        -1,
                        0)
                .write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, UvGpu.IOCTL_SUBMIT, arg, user));
        UvGpuSubmit out = UvGpuSubmit.read(Check.le(arg));
        SyncFileFd fence =
                (job.flags() & UvGpu.SUBMIT_OUT_FENCE) != 0 ? new SyncFileFd(device.sys, out.outFenceFd()) : null;
        return new Submission(out.seqno(), fence);
    }

    /**
     * A context's reset statistics, from UVGPU_RESET_STATS.
     *
     * @param hangs jobs killed by the hang timeout
     * @param banned whether the context is banned
     * @param completed jobs completed without error
     * @param killed jobs killed by the hang timeout
     * @param cancelled queued jobs cancelled by the ban
     */
    public record ResetStats(int hangs, boolean banned, long completed, long killed, long cancelled) {}

    /** Returns the context's reset statistics. @throws ErrnoException ENOENT once the context is destroyed */
    public ResetStats resetStats() {
        byte[] arg = new byte[UvGpuResetStats.SIZE];
        new UvGpuResetStats(id, 0, 0, 0, 0, 0, 0).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, UvGpu.IOCTL_RESET_STATS, arg, null));
        UvGpuResetStats r = UvGpuResetStats.read(Check.le(arg));
        return new ResetStats(r.hangs(), r.banned() != 0, r.completed(), r.killed(), r.cancelled());
    }

    /** Destroys the context (UVGPU_CTX_DESTROY). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            byte[] arg = new byte[UvGpuCtxDestroy.SIZE];
            new UvGpuCtxDestroy(id, 0).write(Check.le(arg));
            device.sys.ioctl(device.fd, UvGpu.IOCTL_CTX_DESTROY, arg, null);
        }
    }
}
