package dev.uvgem.drivers.gpu;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuBoCreate;
import dev.uvgem.uapi.UvGpuCmd;
import dev.uvgem.uapi.UvGpuCtxCreate;
import dev.uvgem.uapi.UvGpuCtxDestroy;
import dev.uvgem.uapi.UvGpuResetStats;
import dev.uvgem.uapi.UvGpuSubmit;
import dev.uvgem.uapi.UvGpuSubmitBo;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.Executor;

/**
 * A kernel for uvgpu tests: {@link DrmTestKit}'s virtual clock, dma-bufs, vgem device and process, plus a uvgpu
 * device (index 2) on the same dma-buf list whose engine is, by default, the calling thread (jobs run inside
 * SUBMIT, hang timeouts inside the clock's advance). Helpers return the result or {@code -errno}, as the syscall layer.
 */
final class GpuTestKit {
    final DrmTestKit kit = new DrmTestKit();
    final DrmDevice gpu;

    /** A kit whose GPU engine is the calling thread. */
    GpuTestKit() {
        this(Runnable::run);
    }

    /** A kit whose GPU engine is {@code engine}. */
    GpuTestKit(Executor engine) {
        gpu = new DrmDevice(new UvGpuDriver(kit.clock, engine), kit.allocator, kit.dmaBufs, 2);
    }

    int openGpu() {
        return kit.task.install(gpu.render().open(OpenFile.O_RDWR, kit.task), 0);
    }

    /** CTX_CREATE: the id, or -errno. */
    long ctxCreate(int fd, long timeoutNs, int banLimit) {
        DrmTestKit.Result r =
                kit.call(fd, UvGpu.IOCTL_CTX_CREATE, b -> new UvGpuCtxCreate(0, 0, timeoutNs, banLimit, 0).write(b));
        return r.ret() != 0 ? r.ret() : UvGpuCtxCreate.read(r.arg()).ctxId();
    }

    /** CTX_DESTROY: 0 or -errno. */
    long ctxDestroy(int fd, int ctx) {
        return kit.call(fd, UvGpu.IOCTL_CTX_DESTROY, b -> new UvGpuCtxDestroy(ctx, 0).write(b))
                .ret();
    }

    /** BO_CREATE: the handle, or -errno. */
    long boCreate(int fd, long size) {
        DrmTestKit.Result r = kit.call(fd, UvGpu.IOCTL_BO_CREATE, b -> new UvGpuBoCreate(size, 0, 0, 0).write(b));
        return r.ret() != 0 ? r.ret() : UvGpuBoCreate.read(r.arg()).handle();
    }

    /** RESET_STATS, asserting success. */
    UvGpuResetStats stats(int fd, int ctx) {
        DrmTestKit.Result r =
                kit.call(fd, UvGpu.IOCTL_RESET_STATS, b -> new UvGpuResetStats(ctx, 0, 0, 0, 0, 0, 0).write(b));
        if (r.ret() != 0) {
            throw new AssertionError("RESET_STATS failed: " + r.ret());
        }
        return UvGpuResetStats.read(r.arg());
    }

    /** Writes the buffer list and commands into user memory and returns the submit struct pointing at them. */
    UvGpuSubmit request(int ctx, int flags, UvGpuSubmitBo[] bos, UvGpuCmd[] cmds, int inFenceFd) {
        long bosAt = kit.task.alloc(Math.max(8, bos.length * UvGpuSubmitBo.SIZE));
        long cmdsAt = kit.task.alloc(Math.max(8, cmds.length * UvGpuCmd.SIZE));
        ByteBuffer b = ByteBuffer.allocate(bos.length * UvGpuSubmitBo.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < bos.length; i++) {
            bos[i].write(b.slice(i * UvGpuSubmitBo.SIZE, UvGpuSubmitBo.SIZE).order(ByteOrder.LITTLE_ENDIAN));
        }
        kit.task.user().write(bosAt, b.array());
        ByteBuffer c = ByteBuffer.allocate(cmds.length * UvGpuCmd.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < cmds.length; i++) {
            cmds[i].write(c.slice(i * UvGpuCmd.SIZE, UvGpuCmd.SIZE).order(ByteOrder.LITTLE_ENDIAN));
        }
        kit.task.user().write(cmdsAt, c.array());
        return new UvGpuSubmit(ctx, flags, bosAt, cmdsAt, bos.length, cmds.length, inFenceFd, -1, 0);
    }

    /** SUBMIT of a prepared request: the struct afterwards, with the return value in {@link DrmTestKit#lastRet}. */
    UvGpuSubmit submit(int fd, UvGpuSubmit request) {
        DrmTestKit.Result r = kit.call(fd, UvGpu.IOCTL_SUBMIT, request::write);
        kit.lastRet = r.ret();
        return UvGpuSubmit.read(r.arg());
    }

    /** SUBMIT: 0 or -errno. */
    long submitErr(int fd, int ctx, int flags, UvGpuSubmitBo[] bos, UvGpuCmd[] cmds, int inFenceFd) {
        submit(fd, request(ctx, flags, bos, cmds, inFenceFd));
        return kit.lastRet;
    }

    /** SUBMIT with an out-fence, asserting success: the out-fence's fence. */
    Fence submitOut(int fd, int ctx, UvGpuSubmitBo[] bos, UvGpuCmd... cmds) {
        UvGpuSubmit s = submit(fd, request(ctx, UvGpu.SUBMIT_OUT_FENCE, bos, cmds, -1));
        if (kit.lastRet != 0) {
            throw new AssertionError("SUBMIT failed: " + kit.lastRet);
        }
        return SyncFile.getFence(kit.task, s.outFenceFd());
    }

    /** The memory of buffer {@code handle} of {@code fd} (white-box, to check what jobs wrote). */
    MemorySegment memory(int fd, int handle) {
        GemObject obj = ((DrmFile) kit.task.file(fd).privateData()).lookup(handle);
        try {
            return obj.memory().segment();
        } finally {
            obj.put();
        }
    }

    /** A vgem dumb buffer of {@code pages} pages exported and imported into the GPU: {vgem handle, gpu handle}. */
    int[] shared(int vgemFd, int gpuFd, int pages) {
        int vh = kit.createBo(vgemFd, 1024, pages, 32);
        int dmabuf = (int) kit.exportFd(vgemFd, vh, Drm.CLOEXEC | Drm.RDWR);
        int gh = (int) kit.importFd(gpuFd, dmabuf);
        kit.task.close(dmabuf);
        return new int[] {vh, gh};
    }

    static UvGpuSubmitBo bo(int handle, int flags) {
        return new UvGpuSubmitBo(handle, flags);
    }

    static UvGpuSubmitBo[] bos(UvGpuSubmitBo... bos) {
        return bos;
    }

    static UvGpuCmd fill(int dst, long offset, long length, int value) {
        return new UvGpuCmd(UvGpu.CMD_FILL, dst, 0, value, offset, 0, length);
    }

    static UvGpuCmd copy(int src, long srcOffset, int dst, long dstOffset, long length) {
        return new UvGpuCmd(UvGpu.CMD_COPY, dst, src, 0, dstOffset, srcOffset, length);
    }

    static UvGpuCmd blend(int src, int dst, long length, int alpha) {
        return new UvGpuCmd(UvGpu.CMD_BLEND, dst, src, alpha, 0, 0, length);
    }

    static UvGpuCmd duration(long nanos) {
        return new UvGpuCmd(UvGpu.CMD_DURATION, 0, 0, 0, 0, 0, nanos);
    }

    static UvGpuCmd hang() {
        return new UvGpuCmd(UvGpu.CMD_HANG, 0, 0, 0, 0, 0, 0);
    }
}
