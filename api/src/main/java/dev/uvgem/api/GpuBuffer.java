package dev.uvgem.api;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGemClose;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;

/**
 * A GEM buffer of a {@link GpuDevice}, named by its handle in that device file: created there or imported from a
 * dma-buf. Closing it closes the handle (GEM_CLOSE); the memory lives on while a dma-buf, a mapping or a queued
 * job refers to it.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class GpuBuffer implements AutoCloseable {
    private final GpuDevice device;
    private final int handle;
    private final long size;
    private final long mmapOffset;
    private volatile boolean closed;

    GpuBuffer(GpuDevice device, int handle, long size, long mmapOffset) {
        this.device = device;
        this.handle = handle;
        this.size = size;
        this.mmapOffset = mmapOffset;
    }

    /** Returns the GEM handle. */
    public int handle() {
        return handle;
    }

    /** Returns the size in bytes. */
    public long size() {
        return size;
    }

    /** Returns the device file the handle belongs to. */
    public GpuDevice device() {
        return device;
    }

    /**
     * Maps a buffer created with {@link GpuDevice#createBuffer} through the device (mmap at its fake offset).
     * An imported buffer is mapped through its dma-buf instead.
     *
     * @throws ErrnoException EINVAL for an imported buffer
     */
    public MappedMemory map() {
        if (mmapOffset < 0) {
            throw new ErrnoException(Errno.EINVAL, "map an imported buffer through its dma-buf");
        }
        return device.sys.mmap(device.fd, mmapOffset, size, Mman.PROT_READ | Mman.PROT_WRITE);
    }

    /** Exports the buffer as a dma-buf (PRIME_HANDLE_TO_FD with DRM_CLOEXEC, plus DRM_RDWR if {@code writable}). */
    public DmaBufFd export(boolean writable) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(handle, Drm.CLOEXEC | (writable ? Drm.RDWR : 0), -1).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, Drm.IOCTL_PRIME_HANDLE_TO_FD, arg, null));
        return new DmaBufFd(device.sys, DrmPrimeHandle.read(Check.le(arg)).fd());
    }

    /** Closes the handle (GEM_CLOSE). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            byte[] arg = new byte[DrmGemClose.SIZE];
            new DrmGemClose(handle, 0).write(Check.le(arg));
            device.sys.ioctl(device.fd, Drm.IOCTL_GEM_CLOSE, arg, null);
        }
    }

    @Override
    public String toString() {
        return "GpuBuffer(handle " + handle + ", " + size + " bytes)";
    }
}
