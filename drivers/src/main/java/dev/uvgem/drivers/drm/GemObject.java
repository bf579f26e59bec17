package dev.uvgem.drivers.drm;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.dmabuf.BufferMemory;
import dev.uvgem.core.dmabuf.DmaBuf;
import dev.uvgem.core.dmabuf.DmaBufAttachment;
import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.uapi.Mman;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GEM buffer object, as {@code struct drm_gem_object}: a page-aligned size, the memory behind it, the
 * reservation object whose fences order access to it, the dma-buf it was exported as or imported from, and its
 * fake mmap offset.
 *
 * <p>Lifetime: reference-counted. Each file handle (counted once, while {@link #handleCount()} &gt; 0), the
 * dma-buf exported from it, every mapping and every in-flight lookup hold a reference; the last {@link #put()}
 * frees the object: its mmap offset, its import attachment and its memory reference. While it has handles the
 * object also holds its dma-buf; the last handle's close drops that, breaking the cycle, as the kernel does.
 *
 * <p>Accounting: the object is charged to the {@link Cgroup} of the process it was created by (see {@link
 * DrmFile#cgroup()}), and uncharged exactly once, when it is freed, wherever its last reference went.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the handle count and the dma-buf pointer are guarded by
 * the device's object-name lock; the mmap offset and the per-file mmap permissions by the object's monitor.
 */
public final class GemObject {
    private final DrmDevice device;
    private final long size;
    private final BufferMemory memory;
    private final Reservation resv;
    private final DmaBuf importedFrom;
    private final DmaBufAttachment importAttachment;
    private final Cgroup cgroup;
    private final long chargedBytes;
    private final AtomicLong refs = new AtomicLong(1);
    private final Map<DrmFile, Integer> vmaAllowed = new HashMap<>();
    private long vmaStart = -1;
    private int handleCount;
    private DmaBuf dmaBuf;
    private volatile boolean freed;

    GemObject(
            DrmDevice device,
            long size,
            BufferMemory memory,
            Reservation resv,
            DmaBuf importedFrom,
            DmaBufAttachment importAttachment,
            Cgroup cgroup,
            long chargedBytes) {
        if (size <= 0 || (size & (Mman.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("GEM object size must be a positive number of pages: " + size);
        }
        this.device = device;
        this.size = size;
        this.memory = memory;
        this.resv = resv;
        this.importedFrom = importedFrom;
        this.importAttachment = importAttachment;
        this.cgroup = cgroup;
        this.chargedBytes = chargedBytes;
    }

    /** Returns the group the object is charged to (its creator's). */
    public Cgroup cgroup() {
        return cgroup;
    }

    /** Returns the device the object belongs to. */
    public DrmDevice device() {
        return device;
    }

    /** Returns the size in bytes, a multiple of the page size. */
    public long size() {
        return size;
    }

    /** Returns the object's memory (shared with the dma-buf it was imported from, if any). */
    public BufferMemory memory() {
        return memory;
    }

    /** Returns the reservation object (the imported dma-buf's, for an import). */
    public Reservation resv() {
        return resv;
    }

    /** Returns whether the object wraps a dma-buf of another exporter, as {@code drm_gem_is_imported}. */
    public boolean isImported() {
        return importedFrom != null;
    }

    /** Returns the dma-buf the object wraps, or null if it is native. */
    public DmaBuf importedFrom() {
        return importedFrom;
    }

    /**
     * Returns the dma-buf the object is currently exported as or imported from, or null.
     *
     * <p>Context: any thread. Locking: takes the device's object-name lock briefly.
     */
    public DmaBuf dmaBuf() {
        device.objectNameLock().lock();
        try {
            return dmaBuf;
        } finally {
            device.objectNameLock().unlock();
        }
    }

    /** Locking: caller holds the device's object-name lock. */
    DmaBuf dmaBufLocked() {
        return dmaBuf;
    }

    /** Locking: caller holds the device's object-name lock. */
    void setDmaBufLocked(DmaBuf buf) {
        dmaBuf = buf;
    }

    /**
     * Returns the number of file handles naming the object.
     *
     * <p>Context: any thread. Locking: takes the device's object-name lock briefly.
     */
    public int handleCount() {
        device.objectNameLock().lock();
        try {
            return handleCount;
        } finally {
            device.objectNameLock().unlock();
        }
    }

    /** Locking: caller holds the device's object-name lock. */
    int handleCountLocked() {
        return handleCount;
    }

    /** Counts a new handle; the first takes an object reference. Locking: caller holds the object-name lock. */
    void handleGetLocked() {
        if (handleCount++ == 0) {
            get();
        }
    }

    /**
     * Drops a handle, as {@code drm_gem_object_handle_put_unlocked}: the last one drops the object's dma-buf and
     * the handles' object reference.
     *
     * <p>Locking: takes the object-name lock; releases after dropping it.
     */
    void handlePut() {
        DmaBuf drop = null;
        boolean last = false;
        device.objectNameLock().lock();
        try {
            if (handleCount == 0) {
                throw new IllegalStateException("handle count underflow on " + this);
            }
            if (--handleCount == 0) {
                drop = dmaBuf;
                dmaBuf = null;
                last = true;
            }
        } finally {
            device.objectNameLock().unlock();
        }
        if (drop != null) {
            drop.put();
        }
        if (last) {
            put();
        }
    }

    /** Returns the number of references. */
    public long refCount() {
        return refs.get();
    }

    /** Returns whether the object has been freed. */
    public boolean isFreed() {
        return freed;
    }

    /**
     * Takes a reference, as {@code drm_gem_object_get}.
     *
     * <p>Context: any thread, never blocks. Locking: none (the count is atomic). The caller must already hold a
     * reference.
     *
     * @throws IllegalStateException if the object is already freed
     */
    public GemObject get() {
        if (refs.getAndIncrement() <= 0) {
            refs.decrementAndGet();
            throw new IllegalStateException("get on freed " + this);
        }
        return this;
    }

    /** Takes a reference unless the object is being freed, as {@code kref_get_unless_zero}. */
    boolean tryGet() {
        long r;
        do {
            r = refs.get();
            if (r <= 0) {
                return false;
            }
        } while (!refs.compareAndSet(r, r + 1));
        return true;
    }

    /**
     * Drops a reference, as {@code drm_gem_object_put}; the last one frees the object.
     *
     * <p>Context: any thread; the free runs on it. Locking: must not hold the object-name lock.
     */
    public void put() {
        long left = refs.decrementAndGet();
        if (left > 0) {
            return;
        }
        if (left < 0) {
            throw new IllegalStateException("GEM object put more often than got");
        }
        free();
    }

    private void free() {
        freed = true;
        long start;
        synchronized (this) {
            start = vmaStart;
            vmaStart = -1;
            vmaAllowed.clear();
        }
        if (start >= 0) {
            device.vma().remove(start);
        }
        device.objectFreed();
        try {
            if (importedFrom != null) {
                importedFrom.detach(importAttachment);
                importedFrom.put();
            } else {
                // The object's own reservation: nobody else can reach it any more (a dma-buf exported from the
                // object held a reference until it was released).
                resv.fini();
            }
        } finally {
            memory.put();
            cgroup.unchargeBuffer(chargedBytes);
        }
    }

    /**
     * Returns the fake mmap offset in bytes, creating it on the first call, as {@code
     * drm_gem_create_mmap_offset} followed by {@code drm_vma_node_offset_addr}.
     *
     * <p>Context: any thread. Locking: takes the object's monitor, and on the first call the device's offset-space lock
     * inside it.
     */
    public synchronized long mmapOffset() {
        if (vmaStart < 0) {
            vmaStart = device.vma().add(this, size >>> Mman.PAGE_SHIFT);
        }
        return vmaStart << Mman.PAGE_SHIFT;
    }

    /**
     * Returns whether the object has a fake mmap offset.
     *
     * <p>Context: any thread. Locking: takes the object's monitor briefly.
     */
    public synchronized boolean hasMmapOffset() {
        return vmaStart >= 0;
    }

    /** Grants {@code file} mmap access, once per handle it gets, as {@code drm_vma_node_allow}. */
    synchronized void vmaAllow(DrmFile file) {
        vmaAllowed.merge(file, 1, Integer::sum);
    }

    /** Revokes one grant of {@code file}, as {@code drm_vma_node_revoke}. */
    synchronized void vmaRevoke(DrmFile file) {
        vmaAllowed.computeIfPresent(file, (f, n) -> n > 1 ? n - 1 : null);
    }

    /** Returns whether {@code file} may map the object, as {@code drm_vma_node_is_allowed}. */
    synchronized boolean vmaIsAllowed(DrmFile file) {
        return vmaAllowed.containsKey(file);
    }

    /**
     * Maps {@code length} bytes at {@code offset} of the object; the mapping holds an object reference and runs
     * {@code onUnmap} when closed, as {@code drm_gem_mmap_obj} with the GEM vm_ops.
     */
    Mapping map(long offset, long length, Runnable onUnmap) {
        get();
        try {
            return memory.map(offset, length, () -> {
                try {
                    if (onUnmap != null) {
                        onUnmap.run();
                    }
                } finally {
                    put();
                }
            });
        } catch (RuntimeException | Error e) {
            put();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "gem[" + device.driver().info().name() + ", " + size + " bytes" + (isImported() ? ", imported" : "")
                + "]";
    }
}
