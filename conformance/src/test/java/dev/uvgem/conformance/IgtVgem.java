package dev.uvgem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.SwSyncTimelineFd;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.uapi.DmaBufExportSyncFile;
import dev.uvgem.uapi.DmaBufImportSyncFile;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.DmaBufSync;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGemClose;
import dev.uvgem.uapi.DrmGetCap;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.ModeMapDumb;
import dev.uvgem.uapi.SyncFenceInfo;
import dev.uvgem.uapi.SyncFileInfo;
import dev.uvgem.uapi.SyncIoctl;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import dev.uvgem.uapi.VgemFenceSignal;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The helpers the IGT vgem and dma-buf suites are written in ({@code lib/igt_vgem}, the PRIME wrappers, {@code
 * lib/dmabuf_sync_file}), re-expressed over one process's raw {@link Syscalls}: each helper issues the same
 * system calls with the same arguments. As in IGT, the plain form asserts success and the {@code try} form hands
 * back the result ({@code -errno} on failure) for the test to judge.
 *
 * <p>Thread-safety: stateless; safe wherever the {@link Syscalls} are.
 */
final class IgtVgem {
    /** open(2): read-write. */
    static final int O_RDWR = 2;
    /** open(2): non-blocking. */
    static final int O_NONBLOCK = 0x800;
    /** open(2): close-on-exec. */
    static final int O_CLOEXEC = 0x80000;
    /** poll(2): readable. */
    static final short POLLIN = 0x1;
    /** poll(2): writable. */
    static final short POLLOUT = 0x4;
    /** The attach flag IGT declares for fences without expiry; upstream vgem refuses it. */
    static final int WIP_VGEM_FENCE_NOTIMEOUT = 0x2;

    private IgtVgem() {}

    /** IGT's {@code struct vgem_bo}: the dimensions go in, the handle, pitch and size come out of create. */
    static final class VgemBo {
        int width;
        int height;
        int bpp;
        int handle;
        int pitch;
        long size;

        VgemBo(int width, int height, int bpp) {
            this.width = width;
            this.height = height;
            this.bpp = bpp;
        }
    }

    // ---------------------------------------------------------------- results

    /** Asserts that a system call succeeded and returns its result. */
    static long ok(long result) {
        assertThat(result).as("syscall result (-errno on failure)").isGreaterThanOrEqualTo(0);
        return result;
    }

    /** Asserts that a system call failed with {@code errno}, as IGT's {@code do_ioctl_err}. */
    static void assertErrno(long result, Errno errno) {
        assertThat(result).as("expected -%s", errno).isEqualTo(errno.negative());
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---------------------------------------------------------------- device nodes

    /** {@code drm_open_driver(DRIVER_VGEM)}: opens the primary node. */
    static int drmOpenDriver(Syscalls sys) {
        return (int) ok(sys.open(Uvgem.CARD0, O_RDWR | O_CLOEXEC));
    }

    /** {@code drm_open_driver_render(DRIVER_VGEM)}: opens the render node. */
    static int drmOpenDriverRender(Syscalls sys) {
        return (int) ok(sys.open(Uvgem.RENDER_D128, O_RDWR | O_CLOEXEC));
    }

    /** {@code drmGetCap}: the value, or -errno. */
    static long tryGetCap(Syscalls sys, int fd, long capability) {
        byte[] arg = new byte[DrmGetCap.SIZE];
        new DrmGetCap(capability, 0).write(le(arg));
        long r = sys.ioctl(fd, Drm.IOCTL_GET_CAP, arg, null);
        return r < 0 ? r : DrmGetCap.read(le(arg)).value();
    }

    static boolean hasPrimeExport(Syscalls sys, int fd) {
        long v = tryGetCap(sys, fd, Drm.CAP_PRIME);
        return v >= 0 && (v & Drm.PRIME_CAP_EXPORT) != 0;
    }

    static boolean hasPrimeImport(Syscalls sys, int fd) {
        long v = tryGetCap(sys, fd, Drm.CAP_PRIME);
        return v >= 0 && (v & Drm.PRIME_CAP_IMPORT) != 0;
    }

    // ---------------------------------------------------------------- buffers

    /** {@code __vgem_create}: CREATE_DUMB with the bo's dimensions; 0 (outputs stored in the bo) or -errno. */
    static long tryVgemCreate(Syscalls sys, int fd, VgemBo bo) {
        byte[] arg = new byte[ModeCreateDumb.SIZE];
        new ModeCreateDumb(bo.height, bo.width, bo.bpp, 0, 0, 0, 0).write(le(arg));
        long r = sys.ioctl(fd, Drm.IOCTL_MODE_CREATE_DUMB, arg, null);
        if (r < 0) {
            return r;
        }
        ModeCreateDumb out = ModeCreateDumb.read(le(arg));
        bo.handle = out.handle();
        bo.pitch = out.pitch();
        bo.size = out.size();
        return 0;
    }

    /** {@code vgem_create}: as {@link #tryVgemCreate}, asserting success. */
    static VgemBo vgemCreate(Syscalls sys, int fd, VgemBo bo) {
        assertThat(tryVgemCreate(sys, fd, bo)).as("vgem_create").isZero();
        return bo;
    }

    /** Creates a fresh bo of {@code width × height × bpp}. */
    static VgemBo vgemCreate(Syscalls sys, int fd, int width, int height, int bpp) {
        return vgemCreate(sys, fd, new VgemBo(width, height, bpp));
    }

    /** {@code MAP_DUMB}: the fake offset, or -errno. */
    static long tryMapDumb(Syscalls sys, int fd, int handle) {
        byte[] arg = new byte[ModeMapDumb.SIZE];
        new ModeMapDumb(handle, 0, 0).write(le(arg));
        long r = sys.ioctl(fd, Drm.IOCTL_MODE_MAP_DUMB, arg, null);
        return r < 0 ? r : ModeMapDumb.read(le(arg)).offset();
    }

    /** {@code __vgem_mmap}: MAP_DUMB and a shared mapping of the whole bo on the device fd; null on failure. */
    static MappedMemory tryVgemMmap(Syscalls sys, int fd, VgemBo bo, int prot) {
        long offset = tryMapDumb(sys, fd, bo.handle);
        if (offset < 0) {
            return null;
        }
        try {
            return sys.mmap(fd, offset, bo.size, prot);
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** {@code vgem_mmap}: as {@link #tryVgemMmap}, asserting success. */
    static MappedMemory vgemMmap(Syscalls sys, int fd, VgemBo bo, int prot) {
        long offset = ok(tryMapDumb(sys, fd, bo.handle));
        return sys.mmap(fd, offset, bo.size, prot);
    }

    /** {@code gem_close}: GEM_CLOSE, asserting success. */
    static void gemClose(Syscalls sys, int fd, int handle) {
        ok(tryGemClose(sys, fd, handle));
    }

    static long tryGemClose(Syscalls sys, int fd, int handle) {
        byte[] arg = new byte[DrmGemClose.SIZE];
        new DrmGemClose(handle, 0).write(le(arg));
        return sys.ioctl(fd, Drm.IOCTL_GEM_CLOSE, arg, null);
    }

    /** Reads the u32 at word {@code index} of a mapping. */
    static int word(MappedMemory m, long index) {
        return m.segment().get(ValueLayout.JAVA_INT, index * 4);
    }

    /** Writes the u32 at word {@code index} of a mapping. */
    static void setWord(MappedMemory m, long index, int value) {
        m.segment().set(ValueLayout.JAVA_INT, index * 4, value);
    }

    // ---------------------------------------------------------------- fences

    /** {@code __vgem_fence_attach} with every field given: the fence id ({@code > 0}), or -errno. */
    static long tryVgemFenceAttach(Syscalls sys, int fd, int handle, int flags, int pad) {
        byte[] arg = new byte[VgemFenceAttach.SIZE];
        new VgemFenceAttach(handle, flags, 0, pad).write(le(arg));
        long r = sys.ioctl(fd, Vgem.IOCTL_FENCE_ATTACH, arg, null);
        return r < 0 ? r : Integer.toUnsignedLong(VgemFenceAttach.read(le(arg)).outFence());
    }

    /** {@code vgem_fence_attach}: asserts success and returns the fence id. */
    static int vgemFenceAttach(Syscalls sys, int fd, VgemBo bo, int flags) {
        return vgemFenceAttach(sys, fd, bo.handle, flags);
    }

    static int vgemFenceAttach(Syscalls sys, int fd, int handle, int flags) {
        long id = tryVgemFenceAttach(sys, fd, handle, flags, 0);
        assertThat(id).as("vgem_fence_attach").isPositive();
        return (int) id;
    }

    /** {@code __vgem_fence_signal} with its flags: 0 or -errno. */
    static long tryVgemFenceSignal(Syscalls sys, int fd, int fence, int flags) {
        byte[] arg = new byte[VgemFenceSignal.SIZE];
        new VgemFenceSignal(fence, flags).write(le(arg));
        return sys.ioctl(fd, Vgem.IOCTL_FENCE_SIGNAL, arg, null);
    }

    /** {@code __vgem_fence_signal}: 0 or -errno. */
    static long tryVgemFenceSignal(Syscalls sys, int fd, int fence) {
        return tryVgemFenceSignal(sys, fd, fence, 0);
    }

    /** {@code vgem_fence_signal}: asserts 0. */
    static void vgemFenceSignal(Syscalls sys, int fd, int fence) {
        assertThat(tryVgemFenceSignal(sys, fd, fence)).as("vgem_fence_signal").isZero();
    }

    /** {@code vgem_has_fences}: an all-zero SIGNAL fails with ENOENT iff the fence ioctls exist. */
    static boolean vgemHasFences(Syscalls sys, int fd) {
        return tryVgemFenceSignal(sys, fd, 0, 0) == Errno.ENOENT.negative();
    }

    /** {@code vgem_fence_has_flag}: whether an attach with {@code flags} to a scratch bo succeeds. */
    static boolean vgemFenceHasFlag(Syscalls sys, int fd, int flags) {
        VgemBo bo = vgemCreate(sys, fd, 1, 1, 32);
        long id = tryVgemFenceAttach(sys, fd, bo.handle, flags, 0);
        if (id > 0) {
            vgemFenceSignal(sys, fd, (int) id);
        }
        gemClose(sys, fd, bo.handle);
        return id > 0;
    }

    // ---------------------------------------------------------------- PRIME

    /** PRIME_HANDLE_TO_FD with {@code flags}: the dma-buf fd, or -errno. */
    static long tryPrimeHandleToFd(Syscalls sys, int fd, int handle, int flags) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(handle, flags, -1).write(le(arg));
        long r = sys.ioctl(fd, Drm.IOCTL_PRIME_HANDLE_TO_FD, arg, null);
        return r < 0 ? r : DrmPrimeHandle.read(le(arg)).fd();
    }

    /** {@code prime_handle_to_fd}: export with DRM_CLOEXEC (a read-only dma-buf file). */
    static int primeHandleToFd(Syscalls sys, int fd, int handle) {
        return (int) ok(tryPrimeHandleToFd(sys, fd, handle, Drm.CLOEXEC));
    }

    /** {@code prime_handle_to_fd_for_mmap}: export with DRM_CLOEXEC | DRM_RDWR. */
    static int primeHandleToFdForMmap(Syscalls sys, int fd, int handle) {
        return (int) ok(tryPrimeHandleToFd(sys, fd, handle, Drm.CLOEXEC | Drm.RDWR));
    }

    /** PRIME_FD_TO_HANDLE: the handle, or -errno. */
    static long tryPrimeFdToHandle(Syscalls sys, int fd, int dmabuf) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(0, 0, dmabuf).write(le(arg));
        long r = sys.ioctl(fd, Drm.IOCTL_PRIME_FD_TO_HANDLE, arg, null);
        return r < 0 ? r : Integer.toUnsignedLong(DrmPrimeHandle.read(le(arg)).handle());
    }

    /** {@code prime_fd_to_handle}: asserts success. */
    static int primeFdToHandle(Syscalls sys, int fd, int dmabuf) {
        long handle = tryPrimeFdToHandle(sys, fd, dmabuf);
        assertThat(handle).as("prime_fd_to_handle").isPositive();
        return (int) handle;
    }

    /** DMA_BUF_IOCTL_SYNC with {@code flags}: 0 or -errno. */
    static long tryDmabufSync(Syscalls sys, int dmabuf, long flags) {
        byte[] arg = new byte[DmaBufSync.SIZE];
        new DmaBufSync(flags).write(le(arg));
        return sys.ioctl(dmabuf, DmaBufIoctl.IOCTL_SYNC, arg, null);
    }

    /** {@code prime_sync_start}: SYNC START|READ, plus WRITE if {@code write}; asserts success. */
    static void primeSyncStart(Syscalls sys, int dmabuf, boolean write) {
        long flags = DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_READ | (write ? DmaBufIoctl.SYNC_WRITE : 0);
        assertThat(tryDmabufSync(sys, dmabuf, flags)).as("prime_sync_start").isZero();
    }

    /** {@code prime_sync_end}: SYNC END|READ, plus WRITE if {@code write}; asserts success. */
    static void primeSyncEnd(Syscalls sys, int dmabuf, boolean write) {
        long flags = DmaBufIoctl.SYNC_END | DmaBufIoctl.SYNC_READ | (write ? DmaBufIoctl.SYNC_WRITE : 0);
        assertThat(tryDmabufSync(sys, dmabuf, flags)).as("prime_sync_end").isZero();
    }

    // ---------------------------------------------------------------- readiness

    /** poll(2) on one fd: the syscall's result (1 ready, 0 timeout, -errno). */
    static long poll(Syscalls sys, int fd, short events, int timeoutMs) {
        return sys.poll(new int[] {fd}, new short[] {events}, new short[1], timeoutMs);
    }

    /** The suites' {@code prime_busy(fd, excl)}: a zero-timeout poll for POLLOUT (excl) or POLLIN finds nothing. */
    static boolean primeBusy(Syscalls sys, int dmabuf, boolean excl) {
        return ok(poll(sys, dmabuf, excl ? POLLOUT : POLLIN, 0)) == 0;
    }

    /** {@code dmabuf_busy(flags)}: POLLOUT whenever the WRITE bit is set (so RW too), POLLIN for READ alone. */
    static boolean dmabufBusy(Syscalls sys, int dmabuf, int flags) {
        return primeBusy(sys, dmabuf, (flags & DmaBufIoctl.SYNC_WRITE) != 0);
    }

    /** {@code sync_file_busy}: a zero-timeout POLLIN finds nothing. */
    static boolean syncFileBusy(Syscalls sys, int syncFile) {
        return ok(poll(sys, syncFile, POLLIN, 0)) == 0;
    }

    // ---------------------------------------------------------------- dma-buf sync files

    /** DMA_BUF_IOCTL_EXPORT_SYNC_FILE with fd -1 in: the new sync file fd, or -errno. */
    static long tryDmabufExportSyncFile(Syscalls sys, int dmabuf, int flags) {
        byte[] arg = new byte[DmaBufExportSyncFile.SIZE];
        new DmaBufExportSyncFile(flags, -1).write(le(arg));
        long r = sys.ioctl(dmabuf, DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE, arg, null);
        return r < 0 ? r : DmaBufExportSyncFile.read(le(arg)).fd();
    }

    /** {@code dmabuf_export_sync_file}: asserts success. */
    static int dmabufExportSyncFile(Syscalls sys, int dmabuf, int flags) {
        return (int) ok(tryDmabufExportSyncFile(sys, dmabuf, flags));
    }

    /** DMA_BUF_IOCTL_IMPORT_SYNC_FILE: 0 or -errno. */
    static long tryDmabufImportSyncFile(Syscalls sys, int dmabuf, int flags, int syncFile) {
        byte[] arg = new byte[DmaBufImportSyncFile.SIZE];
        new DmaBufImportSyncFile(flags, syncFile).write(le(arg));
        return sys.ioctl(dmabuf, DmaBufIoctl.IOCTL_IMPORT_SYNC_FILE, arg, null);
    }

    /** {@code dmabuf_import_sync_file}: asserts success. */
    static void dmabufImportSyncFile(Syscalls sys, int dmabuf, int flags, int syncFile) {
        assertThat(tryDmabufImportSyncFile(sys, dmabuf, flags, syncFile))
                .as("dmabuf_import_sync_file")
                .isZero();
    }

    /** {@code dmabuf_import_timeline_fence}: a sw_sync point {@code seq} of {@code tl}, imported, its fd closed. */
    static void dmabufImportTimelineFence(Syscalls sys, int dmabuf, int flags, SwSyncTimelineFd tl, int seq) {
        try (SyncFileFd fence = tl.createFence(seq)) {
            dmabufImportSyncFile(sys, dmabuf, flags, fence.fd());
        }
    }

    /** One fence of a sync file as FILE_INFO reports it: 1 signalled, 0 active, -errno; when it signalled. */
    record FenceStatus(int status, long timestampNanos) {}

    /** A sync file as FILE_INFO reports it: its status and each fence (containers flattened). */
    record SyncInfo(int status, List<FenceStatus> fences) {}

    /** SYNC_IOC_FILE_INFO, both passes (count, then the fences); asserts success. */
    static SyncInfo syncFileInfo(Syscalls sys, int syncFile) {
        byte[] arg = new byte[SyncFileInfo.SIZE];
        ok(sys.ioctl(syncFile, SyncIoctl.FILE_INFO, arg, null));
        int n = SyncFileInfo.read(le(arg)).numFences();
        byte[] user = new byte[Math.max(1, n) * SyncFenceInfo.SIZE];
        new SyncFileInfo("", 0, 0, n, 0, n == 0 ? 0 : Syscalls.USER_BASE).write(le(arg));
        ok(sys.ioctl(syncFile, SyncIoctl.FILE_INFO, arg, user));
        SyncFileInfo info = SyncFileInfo.read(le(arg));
        List<FenceStatus> fences = new ArrayList<>();
        for (int i = 0; i < Math.min(n, info.numFences()); i++) {
            ByteBuffer b = ByteBuffer.wrap(user, i * SyncFenceInfo.SIZE, SyncFenceInfo.SIZE)
                    .slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
            SyncFenceInfo f = SyncFenceInfo.read(b);
            fences.add(new FenceStatus(f.status(), f.timestampNs()));
        }
        return new SyncInfo(info.status(), List.copyOf(fences));
    }

    /** {@code dmabuf_sync_file_busy}: exports with {@code flags} and probes the sync file. */
    static boolean dmabufSyncFileBusy(Syscalls sys, int dmabuf, int flags) {
        int sf = dmabufExportSyncFile(sys, dmabuf, flags);
        try {
            return syncFileBusy(sys, sf);
        } finally {
            sys.close(sf);
        }
    }

    /** {@code has_dmabuf_export_sync_file}: supported unless the ioctl is unknown (ENOTTY). */
    static boolean hasDmabufExportSyncFile(Syscalls sys, int vgem) {
        VgemBo bo = vgemCreate(sys, vgem, 1, 1, 32);
        int dmabuf = primeHandleToFd(sys, vgem, bo.handle);
        gemClose(sys, vgem, bo.handle);
        long r = tryDmabufExportSyncFile(sys, dmabuf, (int) DmaBufIoctl.SYNC_WRITE);
        if (r >= 0) {
            sys.close((int) r);
        }
        sys.close(dmabuf);
        return r >= 0 || r != Errno.ENOTTY.negative();
    }

    /** {@code has_dmabuf_import_sync_file}: supported unless the ioctl is unknown (ENOTTY). */
    static boolean hasDmabufImportSyncFile(Syscalls sys, int vgem, SwSyncTimelineFd tl) {
        VgemBo bo = vgemCreate(sys, vgem, 1, 1, 32);
        int dmabuf = primeHandleToFd(sys, vgem, bo.handle);
        gemClose(sys, vgem, bo.handle);
        long r;
        try (SyncFileFd fence = tl.createFence(0)) {
            r = tryDmabufImportSyncFile(sys, dmabuf, (int) DmaBufIoctl.SYNC_WRITE, fence.fd());
        }
        sys.close(dmabuf);
        return r == 0 || r != Errno.ENOTTY.negative();
    }
}
