package dev.uvgem.api;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuBoCreate;
import dev.uvgem.uapi.UvGpuCtxCreate;
import java.time.Duration;

/**
 * An open uvgpu device node ({@code /dev/dri/card2} or {@code /dev/dri/renderD130}), the virtual GPU: creates
 * buffers or imports dma-bufs of other devices (vgem's), and creates contexts that run {@link GpuJob}s. Contexts
 * and handles belong to this open file; closing it destroys its contexts (their queued jobs end with {@code
 * -ESRCH}) and drops its handles.
 *
 * <pre>{@code
 * try (GpuDevice gpu = uvgem.openGpu();
 *         GpuBuffer frame = gpu.importDmaBuf(dmabuf);
 *         GpuContext ctx = gpu.createContext()) {
 *     GpuContext.Submission s = ctx.submit(new GpuJob().fill(frame, 0, frame.size(), 0xff202020).outFence());
 *     s.outFence().await(Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class GpuDevice extends UvgemFile {
    GpuDevice(Syscalls sys, int fd) {
        super(sys, fd);
    }

    /**
     * Creates a zeroed buffer of {@code size} bytes, rounded up to pages (UVGPU_BO_CREATE).
     *
     * @throws ErrnoException EINVAL for a size that is not positive
     */
    public GpuBuffer createBuffer(long size) {
        byte[] arg = new byte[UvGpuBoCreate.SIZE];
        new UvGpuBoCreate(size, 0, 0, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, UvGpu.IOCTL_BO_CREATE, arg, null));
        UvGpuBoCreate out = UvGpuBoCreate.read(Check.le(arg));
        return new GpuBuffer(this, out.handle(), out.size(), out.offset());
    }

    /**
     * Imports a dma-buf (from vgem or any exporter) as a buffer of this device (PRIME_FD_TO_HANDLE): GPU jobs then
     * read and write its memory and take part in its implicit sync. Importing the same dma-buf again gives the same
     * handle; the returned objects then share it.
     *
     * @throws ErrnoException EBADF if the fd is not open; EINVAL if it is not a dma-buf
     */
    public GpuBuffer importDmaBuf(DmaBufFd dmabuf) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(0, 0, dmabuf.fd()).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, Drm.IOCTL_PRIME_FD_TO_HANDLE, arg, null));
        return new GpuBuffer(this, DrmPrimeHandle.read(Check.le(arg)).handle(), dmabuf.size(), -1);
    }

    /** Creates a context with the driver's defaults (2 s hang timeout, banned after 3 hangs). */
    public GpuContext createContext() {
        return createContext(Duration.ZERO, 0);
    }

    /**
     * Creates a context (UVGPU_CTX_CREATE): its own ring, where a job running longer than {@code hangTimeout} is
     * killed, and which is banned after {@code banLimit} such hangs.
     *
     * @param hangTimeout the per-job hang timeout; zero for the driver's default
     * @param banLimit hangs before the ban; 0 for the driver's default
     * @throws ErrnoException EINVAL for a negative timeout or limit
     */
    public GpuContext createContext(Duration hangTimeout, int banLimit) {
        byte[] arg = new byte[UvGpuCtxCreate.SIZE];
        new UvGpuCtxCreate(0, 0, hangTimeout.toNanos(), banLimit, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, UvGpu.IOCTL_CTX_CREATE, arg, null));
        return new GpuContext(this, UvGpuCtxCreate.read(Check.le(arg)).ctxId());
    }
}
