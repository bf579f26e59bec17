package dev.uvgem.drivers.drm;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.dmabuf.DmaBuf;
import dev.uvgem.core.dmabuf.DmaBufAttachment;
import dev.uvgem.core.dmabuf.DmaBufExportInfo;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;

/**
 * PRIME: sharing GEM objects as dma-bufs, as {@code drm_prime.c}. Export turns a handle into a dma-buf fd (the
 * same dma-buf every time for one object); import turns a dma-buf fd into a handle (the same handle every time
 * within one file; the original object when the dma-buf came from this device).
 *
 * <p>Thread-safety: stateless. Locking: the file's PRIME lock, then the device's object-name lock.
 */
public final class DrmPrime {
    /** The exporter name the DRM core's dma-bufs carry (the kernel module name). */
    public static final String EXPORTER_NAME = "drm";

    private DrmPrime() {}

    /**
     * Exports {@code obj} as a new dma-buf sharing its memory and reservation, as {@code drm_gem_prime_export}.
     * The dma-buf holds a reference to the object; the returned buffer's one file reference is the caller's.
     */
    static DmaBuf export(GemObject obj, int flags) {
        DmaBufExportInfo info = new DmaBufExportInfo(
                EXPORTER_NAME, new GemDmaBufOps(obj), obj, obj.size(), flags, obj.resv(), obj.memory());
        obj.get();
        try {
            return DmaBuf.export(obj.device().dmaBufs(), info);
        } catch (RuntimeException | Error e) {
            obj.put();
            throw e;
        }
    }

    /**
     * Returns the dma-buf for {@code handle} with a reference for the caller, as {@code
     * drm_gem_prime_handle_to_dmabuf}: the one this file already has for the handle, else the one the object is
     * already exported as or imported from, else a new export. Records handle ↔ buffer in the file's cache.
     *
     * <p>Context: the calling process, never sleeps on fences. Locking: takes the file's PRIME lock, the table monitor
     * (lookup) and then the device's object-name lock, in that order.
     *
     * @param flags DRM_CLOEXEC | DRM_RDWR, already checked
     * @throws ErrnoException ENOENT if the handle names nothing (or its last handle was closed concurrently)
     */
    public static DmaBuf handleToDmaBuf(DrmFile file, int handle, int flags) {
        DrmDevice dev = file.device();
        file.primeLock().lock();
        try {
            GemObject obj = file.lookup(handle, Errno.ENOENT);
            try {
                DmaBuf cached = file.primeLookupBufByHandle(handle);
                if (cached != null) {
                    return cached.get();
                }
                dev.objectNameLock().lock();
                try {
                    DmaBuf buf = obj.dmaBufLocked();
                    if (buf != null) {
                        buf.get();
                    } else {
                        if (obj.handleCountLocked() == 0) {
                            throw new ErrnoException(Errno.ENOENT);
                        }
                        buf = export(obj, flags);
                        obj.setDmaBufLocked(buf.get());
                    }
                    file.primeAddLocked(buf, handle);
                    return buf;
                } finally {
                    dev.objectNameLock().unlock();
                }
            } finally {
                obj.put();
            }
        } finally {
            file.primeLock().unlock();
        }
    }

    /**
     * PRIME_HANDLE_TO_FD: exports {@code handle} and installs an fd for the dma-buf in {@code task}.
     *
     * <p>Context: the calling process. Locking: as {@link #handleToDmaBuf}, then the task's fd table after those are
     * dropped.
     *
     * @param flags DRM_CLOEXEC | DRM_RDWR
     * @return the new fd
     * @throws ErrnoException EINVAL for other flag bits; ENOENT for an unknown handle; EMFILE
     */
    public static int handleToFd(DrmFile file, int handle, int flags, Task task) {
        if ((flags & ~(Drm.CLOEXEC | Drm.RDWR)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        DmaBuf buf = handleToDmaBuf(file, handle, flags);
        return task.install(buf.file(), flags & Drm.CLOEXEC);
    }

    /**
     * PRIME_FD_TO_HANDLE: returns this file's handle for the dma-buf behind {@code fd}, importing it on first
     * sight, as {@code drm_gem_prime_fd_to_handle}.
     *
     * <p>Context: the calling process. Locking: as {@link #dmaBufToHandle}.
     *
     * @throws ErrnoException EBADF if {@code fd} is not open; EINVAL if it is not a dma-buf
     */
    public static int fdToHandle(DrmFile file, int fd, Task task) {
        DmaBuf buf = DmaBuf.get(task, fd);
        try {
            return dmaBufToHandle(file, buf);
        } finally {
            buf.put();
        }
    }

    /**
     * Returns (creating on first sight) this file's handle for {@code buf}; the caller keeps its reference.
     *
     * <p>Context: any thread, never sleeps on fences. Locking: takes the file's PRIME lock, then the device's
     * object-name lock (released inside the handle creation), then the file's table monitor.
     */
    public static int dmaBufToHandle(DrmFile file, DmaBuf buf) {
        DrmDevice dev = file.device();
        file.primeLock().lock();
        try {
            Integer known = file.primeLookupHandle(buf);
            if (known != null) {
                return known;
            }
            dev.objectNameLock().lock();
            GemObject obj;
            try {
                obj = importDmaBuf(dev, buf, file.cgroup());
                if (obj.dmaBufLocked() == null) {
                    obj.setDmaBufLocked(buf.get());
                }
            } catch (RuntimeException | Error e) {
                dev.objectNameLock().unlock();
                throw e;
            }
            int handle;
            try {
                handle = file.handleCreateTail(obj);
            } finally {
                obj.put();
            }
            file.primeAddLocked(buf, handle);
            return handle;
        } finally {
            file.primeLock().unlock();
        }
    }

    /**
     * Returns an object for {@code buf} with a reference for the caller, as {@code drm_gem_prime_import}: the
     * exporting object itself if this device exported it, else a new object wrapping the foreign buffer (its
     * memory and reservation), attached to it. The new object is charged to {@code cgroup} as one buffer of no
     * bytes: its memory stays charged to the exporter's creator.
     *
     * <p>Locking: caller holds the object-name lock.
     *
     * @throws ErrnoException ENOSPC if {@code cgroup} is at its buffer limit
     */
    static GemObject importDmaBuf(DrmDevice dev, DmaBuf buf, Cgroup cgroup) {
        if (buf.ops() instanceof GemDmaBufOps(GemObject exporter) && exporter.device() == dev) {
            return exporter.get();
        }
        long size = Mman.pageAlign(buf.size());
        cgroup.chargeBuffer(0);
        DmaBufAttachment attachment;
        try {
            attachment = buf.attach(dev.name());
        } catch (RuntimeException | Error e) {
            cgroup.unchargeBuffer(0);
            throw e;
        }
        buf.get();
        buf.memory().get();
        try {
            return dev.newObject(size, buf.memory(), buf.resv(), buf, attachment, cgroup, 0);
        } catch (RuntimeException | Error e) {
            buf.memory().put();
            buf.detach(attachment);
            buf.put();
            cgroup.unchargeBuffer(0);
            throw e;
        }
    }

    /**
     * Returns the object {@code buf} was exported from, with a reference for the caller, if {@code dev} exported
     * it and the object is not being freed; else null. For debug listings.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public static GemObject exportedObject(DmaBuf buf, DrmDevice dev) {
        if (buf.ops() instanceof GemDmaBufOps(GemObject o) && o.device() == dev && o.tryGet()) {
            return o;
        }
        return null;
    }

    /** Returns whether {@code file} is a dma-buf exported by {@code dev}. */
    public static boolean isExportedBy(OpenFile file, DrmDevice dev) {
        return DmaBuf.isDmaBufFile(file)
                && DmaBuf.fromFile(file).ops() instanceof GemDmaBufOps(GemObject o)
                && o.device() == dev;
    }
}
