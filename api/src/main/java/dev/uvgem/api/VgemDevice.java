package dev.uvgem.api;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGetCap;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjCreate;
import dev.uvgem.uapi.DrmSyncobjHandle;
import dev.uvgem.uapi.DrmVersion;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceSignal;
import java.nio.charset.StandardCharsets;

/**
 * An open vGEM device node ({@code /dev/dri/card0} or {@code /dev/dri/renderD128}): creates buffers, imports
 * dma-bufs, signals the fences attached through it, and creates and imports DRM sync objects. Buffers and fences belong to this open file; closing it
 * signals the fences it still has outstanding and drops its handles.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class VgemDevice extends UvgemFile {
    VgemDevice(Syscalls sys, int fd) {
        super(sys, fd);
    }

    /** The driver's identity, from DRM_IOCTL_VERSION. */
    public record Version(int major, int minor, int patchlevel, String name, String date, String desc) {}

    /** Returns the driver's identity (name "vgem"). */
    public Version version() {
        int window = 3 * 64;
        byte[] user = new byte[window];
        long base = Syscalls.USER_BASE;
        byte[] arg = new byte[DrmVersion.SIZE];
        new DrmVersion(0, 0, 0, 64, base, 64, base + 64, 64, base + 128).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, Drm.IOCTL_VERSION, arg, user));
        DrmVersion v = DrmVersion.read(Check.le(arg));
        return new Version(
                v.versionMajor(),
                v.versionMinor(),
                v.versionPatchlevel(),
                string(user, 0, v.nameLen()),
                string(user, 64, v.dateLen()),
                string(user, 128, v.descLen()));
    }

    private static String string(byte[] user, int offset, long len) {
        return new String(user, offset, (int) Math.min(64, len), StandardCharsets.UTF_8);
    }

    /**
     * Returns a capability's value, from DRM_IOCTL_GET_CAP.
     *
     * @throws ErrnoException EINVAL for an unknown capability; EOPNOTSUPP for one the driver lacks
     */
    public long capability(long capability) {
        byte[] arg = new byte[DrmGetCap.SIZE];
        new DrmGetCap(capability, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, Drm.IOCTL_GET_CAP, arg, null));
        return DrmGetCap.read(Check.le(arg)).value();
    }

    /**
     * Creates a dumb buffer of {@code width × height} pixels of {@code bpp} bits (MODE_CREATE_DUMB: the kernel's
     * pitch and page-rounded size).
     *
     * @throws ErrnoException EINVAL for zero or overflowing dimensions; EACCES on a render node
     */
    public BufferObject createDumb(int width, int height, int bpp) {
        byte[] arg = new byte[ModeCreateDumb.SIZE];
        new ModeCreateDumb(height, width, bpp, 0, 0, 0, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, Drm.IOCTL_MODE_CREATE_DUMB, arg, null));
        ModeCreateDumb out = ModeCreateDumb.read(Check.le(arg));
        return new BufferObject(this, out.handle(), out.pitch(), out.size());
    }

    /**
     * Imports a dma-buf as a buffer of this device (PRIME_FD_TO_HANDLE). Importing the same dma-buf again gives
     * the same handle; the returned objects then share it, and closing one closes it for all.
     */
    public BufferObject importDmaBuf(DmaBufFd dmabuf) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(0, 0, dmabuf.fd()).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, Drm.IOCTL_PRIME_FD_TO_HANDLE, arg, null));
        int handle = DrmPrimeHandle.read(Check.le(arg)).handle();
        return new BufferObject(this, handle, 0, dmabuf.size());
    }

    /**
     * Signals the fence with id {@code fenceId} of this device file (VGEM_FENCE_SIGNAL); the id is consumed.
     *
     * @throws ErrnoException ENOENT for an unknown or consumed id; ETIMEDOUT if the fence had already expired (it
     *     is signalled, and the id consumed, all the same)
     */
    public void signalFence(int fenceId) {
        byte[] arg = new byte[VgemFenceSignal.SIZE];
        new VgemFenceSignal(fenceId, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, Vgem.IOCTL_FENCE_SIGNAL, arg, null));
    }

    /**
     * Creates a binary sync object (SYNCOBJ_CREATE), unsubmitted or, if {@code signaled}, already signalled.
     *
     * @throws ErrnoException EOPNOTSUPP if the driver has no sync objects
     */
    public SyncObj createSyncObj(boolean signaled) {
        return new SyncObj(this, createSyncobjHandle(signaled ? DrmSyncobj.CREATE_SIGNALED : 0));
    }

    /**
     * Creates a timeline sync object (SYNCOBJ_CREATE) at value 0.
     *
     * @throws ErrnoException EOPNOTSUPP if the driver has no sync objects
     */
    public TimelineSyncObj createTimelineSyncObj() {
        return new TimelineSyncObj(this, createSyncobjHandle(0));
    }

    private int createSyncobjHandle(int flags) {
        byte[] arg = new byte[DrmSyncobjCreate.SIZE];
        new DrmSyncobjCreate(0, flags).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmSyncobj.IOCTL_CREATE, arg, null));
        return DrmSyncobjCreate.read(Check.le(arg)).handle();
    }

    /**
     * Imports a sync object exported by {@link SyncObj#export()} (here or in another process) as a new handle of
     * this device file (SYNCOBJ_FD_TO_HANDLE), used as a binary object.
     *
     * @throws ErrnoException EINVAL if {@code file} is not a sync object fd
     */
    public SyncObj importSyncObj(UvgemFile file) {
        return new SyncObj(this, importSyncobjHandle(file));
    }

    /** As {@link #importSyncObj}, used as a timeline. */
    public TimelineSyncObj importTimelineSyncObj(UvgemFile file) {
        return new TimelineSyncObj(this, importSyncobjHandle(file));
    }

    private int importSyncobjHandle(UvgemFile file) {
        byte[] arg = new byte[DrmSyncobjHandle.SIZE];
        new DrmSyncobjHandle(0, 0, file.fd(), 0, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmSyncobj.IOCTL_FD_TO_HANDLE, arg, null));
        return DrmSyncobjHandle.read(Check.le(arg)).handle();
    }
}
