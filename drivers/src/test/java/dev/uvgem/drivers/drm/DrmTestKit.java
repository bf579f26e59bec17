package dev.uvgem.drivers.drm;

import dev.uvgem.core.dmabuf.DmaBufRegistry;
import dev.uvgem.core.testsupport.CountingMemory;
import dev.uvgem.core.testsupport.TestTask;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.drivers.vgem.VgemDriver;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGemClose;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Ioc;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.ModeMapDumb;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import dev.uvgem.uapi.VgemFenceSignal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * A vGEM kernel for tests: a virtual clock, a dma-buf registry, a counting allocator, one vgem device and a
 * process, with syscall-like helpers that return {@code -errno} or the result, as the syscall layer would.
 */
public final class DrmTestKit {
    /** The kernel clock. */
    public final VirtualClock clock = new VirtualClock();
    /** The kernel's dma-bufs. */
    public final DmaBufRegistry dmaBufs = new DmaBufRegistry();
    /** Counts frees of buffer memory. */
    public final CountingMemory.Allocator allocator = new CountingMemory.Allocator();
    /** The vgem driver. */
    public final VgemDriver driver = new VgemDriver(clock);
    /** The vgem device. */
    public final DrmDevice device = new DrmDevice(driver, allocator, dmaBufs);
    /** The calling process. */
    public final TestTask task = TestTask.unprivileged("fake");

    /** Opens the primary node, returning the fd. */
    public int openCard() {
        return task.install(device.primary().open(OpenFile.O_RDWR, task), 0);
    }

    /** Opens the render node, returning the fd. */
    public int openRender() {
        return task.install(device.render().open(OpenFile.O_RDWR, task), 0);
    }

    /** Returns the DRM file behind {@code fd}. */
    public DrmFile drmFile(int fd) {
        return (DrmFile) task.file(fd).privateData();
    }

    /** Allocates a little-endian argument of {@code _IOC_SIZE(cmd)} bytes. */
    public static ByteBuffer arg(int cmd) {
        return ByteBuffer.allocate(Ioc.size(cmd)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Issues an ioctl as the syscall layer does: the result, or -errno. */
    public long ioctl(int fd, int cmd, ByteBuffer arg) {
        try {
            OpenFile f = task.file(fd);
            return f.ops().ioctl(f, cmd, arg, task);
        } catch (ErrnoException e) {
            return e.negative();
        }
    }

    /** Issues an ioctl with an argument prepared by {@code init}; returns the argument after the call. */
    public Result call(int fd, int cmd, Consumer<ByteBuffer> init) {
        ByteBuffer b = arg(cmd);
        init.accept(b);
        long r = ioctl(fd, cmd, b);
        return new Result(r, b);
    }

    /** An ioctl's return value and its argument afterwards. */
    public record Result(long ret, ByteBuffer arg) {}

    /** CREATE_DUMB; returns the struct after the call (check {@link #lastRet}). */
    public ModeCreateDumb createDumb(int fd, int width, int height, int bpp) {
        Result r =
                call(fd, Drm.IOCTL_MODE_CREATE_DUMB, b -> new ModeCreateDumb(height, width, bpp, 0, 0, 0, 0).write(b));
        lastRet = r.ret;
        return ModeCreateDumb.read(r.arg);
    }

    /** The return value of the last helper call that returns a struct. */
    public long lastRet;

    /** Creates a 1024x1x32 buffer (IGT's usual), asserting success; returns the handle. */
    public int createBo(int fd) {
        return createBo(fd, 1024, 1, 32);
    }

    /** Creates a buffer, asserting success; returns the handle. */
    public int createBo(int fd, int width, int height, int bpp) {
        ModeCreateDumb c = createDumb(fd, width, height, bpp);
        if (lastRet != 0) {
            throw new AssertionError("CREATE_DUMB failed: " + lastRet);
        }
        return c.handle();
    }

    /** MAP_DUMB: the offset, or -errno. */
    public long mapDumb(int fd, int handle) {
        Result r = call(fd, Drm.IOCTL_MODE_MAP_DUMB, b -> new ModeMapDumb(handle, 0, 0).write(b));
        return r.ret != 0 ? r.ret : ModeMapDumb.read(r.arg).offset();
    }

    /** GEM_CLOSE: 0 or -errno. */
    public long gemClose(int fd, int handle) {
        return call(fd, Drm.IOCTL_GEM_CLOSE, b -> new DrmGemClose(handle, 0).write(b)).ret;
    }

    /** PRIME_HANDLE_TO_FD: the new fd, or -errno. */
    public long exportFd(int fd, int handle, int flags) {
        Result r = call(fd, Drm.IOCTL_PRIME_HANDLE_TO_FD, b -> new DrmPrimeHandle(handle, flags, -1).write(b));
        return r.ret != 0 ? r.ret : DrmPrimeHandle.read(r.arg).fd();
    }

    /** PRIME_FD_TO_HANDLE: the handle, or -errno. */
    public long importFd(int fd, int dmabufFd) {
        Result r = call(fd, Drm.IOCTL_PRIME_FD_TO_HANDLE, b -> new DrmPrimeHandle(0, 0, dmabufFd).write(b));
        return r.ret != 0
                ? r.ret
                : Integer.toUnsignedLong(DrmPrimeHandle.read(r.arg).handle());
    }

    /** FENCE_ATTACH: the fence id, or -errno. */
    public long attach(int fd, int handle, int flags) {
        return attach(fd, handle, flags, 0);
    }

    /** FENCE_ATTACH with a pad value: the fence id, or -errno. */
    public long attach(int fd, int handle, int flags, int pad) {
        Result r = call(fd, Vgem.IOCTL_FENCE_ATTACH, b -> new VgemFenceAttach(handle, flags, 0, pad).write(b));
        return r.ret != 0
                ? r.ret
                : Integer.toUnsignedLong(VgemFenceAttach.read(r.arg).outFence());
    }

    /** FENCE_SIGNAL: 0 or -errno. */
    public long signal(int fd, int fence) {
        return signal(fd, fence, 0);
    }

    /** FENCE_SIGNAL with flags: 0 or -errno. */
    public long signal(int fd, int fence, int flags) {
        return call(fd, Vgem.IOCTL_FENCE_SIGNAL, b -> new VgemFenceSignal(fence, flags).write(b)).ret;
    }

    /** mmap(2) on {@code fd}: the mapping; throws {@link ErrnoException} on failure. */
    public Mapping mmap(int fd, long offset, long length, int prot) {
        OpenFile f = task.file(fd);
        return f.ops().mmap(f, offset, length, prot, task);
    }

    /** mmap(2) returning -errno on failure, 0 on success (the mapping is closed at once). */
    public long mmapErr(int fd, long offset, long length, int prot) {
        try (Mapping m = mmap(fd, offset, length, prot)) {
            return m == null ? -1 : 0;
        } catch (ErrnoException e) {
            return e.negative();
        }
    }

    /** poll(2) with a zero timeout: the ready events among POLLIN|POLLOUT. */
    public int poll(int fd) {
        OpenFile f = task.file(fd);
        return f.ops().poll(f, null) & (PollTable.POLLIN | PollTable.POLLOUT);
    }

    /** IGT's busy probe: POLLOUT for a write (or read-write) probe, POLLIN for a read probe. */
    public boolean busy(int fd, boolean write) {
        int ev = poll(fd);
        return (ev & (write ? PollTable.POLLOUT : PollTable.POLLIN)) == 0;
    }
}
