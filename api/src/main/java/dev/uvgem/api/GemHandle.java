package dev.uvgem.api;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGemClose;
import dev.uvgem.uapi.DrmPrimeHandle;

/**
 * A GEM buffer named by its handle in a DRM device file: what every buffer of this package shares (the handle, the
 * size, PRIME export, GEM_CLOSE). The subclasses add how their driver maps the buffer and its own ioctls. Closing it
 * closes the handle; the memory lives on while a dma-buf, a mapping or a queued job refers to it.
 *
 * <p>Thread-safety: safe for concurrent use; no lock of its own (the ioctls lock in the kernel).
 *
 * @param <D> the device file the handle belongs to
 */
public abstract sealed class GemHandle<D extends UvgemFile> implements AutoCloseable permits BufferObject, GpuBuffer {
    final D device;
    final int handle;
    final long size;
    private volatile boolean closed;

    GemHandle(D device, int handle, long size) {
        this.device = device;
        this.handle = handle;
        this.size = size;
    }

    /** Returns the GEM handle. */
    public final int handle() {
        return handle;
    }

    /** Returns the size in bytes. */
    public final long size() {
        return size;
    }

    /** Returns the device file the handle belongs to. */
    public final D device() {
        return device;
    }

    /**
     * Exports the buffer as a dma-buf (PRIME_HANDLE_TO_FD with DRM_CLOEXEC, plus DRM_RDWR if {@code writable}):
     * a writable export can be mapped for writing. Exporting again gives the same dma-buf.
     *
     * <p>Context: the calling thread. Locking: none of its own.
     */
    public final DmaBufFd export(boolean writable) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(handle, Drm.CLOEXEC | (writable ? Drm.RDWR : 0), -1).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, Drm.IOCTL_PRIME_HANDLE_TO_FD, arg, null));
        return new DmaBufFd(device.sys, DrmPrimeHandle.read(Check.le(arg)).fd());
    }

    /** Closes the handle (GEM_CLOSE). Idempotent. */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            byte[] arg = new byte[DrmGemClose.SIZE];
            new DrmGemClose(handle, 0).write(Check.le(arg));
            device.sys.ioctl(device.fd, Drm.IOCTL_GEM_CLOSE, arg, null);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(handle " + handle + ", " + size + " bytes)";
    }
}
