package dev.uvgem.uapi;

/**
 * The uvgpu virtual GPU's uAPI (its {@code uvgpu_drm.h}): five ioctls in the DRM driver range and the constants
 * of their structs. Layouts are in {@code docs/gpu.md} and on each struct record.
 *
 * <p>Thread-safety: constants only.
 */
public final class UvGpu {
    /** Driver ioctl number of CTX_CREATE (relative to DRM_COMMAND_BASE). */
    public static final int CTX_CREATE = 0x0;
    /** Driver ioctl number of CTX_DESTROY. */
    public static final int CTX_DESTROY = 0x1;
    /** Driver ioctl number of SUBMIT. */
    public static final int SUBMIT = 0x2;
    /** Driver ioctl number of RESET_STATS. */
    public static final int RESET_STATS = 0x3;
    /** Driver ioctl number of BO_CREATE. */
    public static final int BO_CREATE = 0x4;

    /** {@code DRM_IOCTL_UVGPU_CTX_CREATE} = 0xC0186440. */
    public static final int IOCTL_CTX_CREATE = Ioc.iowr('d', 0x40 + CTX_CREATE, UvGpuCtxCreate.SIZE);
    /** {@code DRM_IOCTL_UVGPU_CTX_DESTROY} = 0x40086441. */
    public static final int IOCTL_CTX_DESTROY = Ioc.iow('d', 0x40 + CTX_DESTROY, UvGpuCtxDestroy.SIZE);
    /** {@code DRM_IOCTL_UVGPU_SUBMIT} = 0xC0306442. */
    public static final int IOCTL_SUBMIT = Ioc.iowr('d', 0x40 + SUBMIT, UvGpuSubmit.SIZE);
    /** {@code DRM_IOCTL_UVGPU_RESET_STATS} = 0xC0286443. */
    public static final int IOCTL_RESET_STATS = Ioc.iowr('d', 0x40 + RESET_STATS, UvGpuResetStats.SIZE);
    /** {@code DRM_IOCTL_UVGPU_BO_CREATE} = 0xC0186444. */
    public static final int IOCTL_BO_CREATE = Ioc.iowr('d', 0x40 + BO_CREATE, UvGpuBoCreate.SIZE);

    /** SUBMIT flag: wait for the sync_file in {@code in_fence_fd} before running. */
    public static final int SUBMIT_IN_FENCE = 0x1;
    /** SUBMIT flag: return a sync_file of the job's finished fence in {@code out_fence_fd}. */
    public static final int SUBMIT_OUT_FENCE = 0x2;
    /** Every SUBMIT flag. */
    public static final int SUBMIT_FLAGS = SUBMIT_IN_FENCE | SUBMIT_OUT_FENCE;

    /** Buffer usage: the job reads the buffer (waits for its writers; adds a READ fence). */
    public static final int BO_READ = 0x1;
    /** Buffer usage: the job writes the buffer (waits for readers and writers; adds a WRITE fence). */
    public static final int BO_WRITE = 0x2;

    /** Command: fill {@code length} bytes at {@code dst_offset} of buffer {@code dst} with the 32-bit {@code value}. */
    public static final int CMD_FILL = 1;
    /** Command: copy {@code length} bytes from {@code src} at {@code src_offset} to {@code dst} at {@code dst_offset}. */
    public static final int CMD_COPY = 2;
    /** Command: alpha-blend {@code length} bytes of ARGB8888 pixels of {@code src} over {@code dst}. */
    public static final int CMD_BLEND = 3;
    /** Command: the job keeps the engine busy for {@code length} nanoseconds of the kernel clock. */
    public static final int CMD_DURATION = 4;
    /** Command: the job never completes (until the hang timeout kills it). For tests. */
    public static final int CMD_HANG = 5;

    /** The most buffers one SUBMIT may list. */
    public static final int MAX_BOS = 64;
    /** The most commands one SUBMIT may carry. */
    public static final int MAX_CMDS = 256;

    private UvGpu() {}
}
