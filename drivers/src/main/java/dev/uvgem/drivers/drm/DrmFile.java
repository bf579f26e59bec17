package dev.uvgem.drivers.drm;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.dmabuf.DmaBuf;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open of a DRM node, as {@code struct drm_file}: the per-client GEM handle table, the PRIME cache mapping
 * handles to the dma-bufs they were exported as or imported from, the sync object handles ({@link
 * DrmSyncobjTable}), authentication and master state, the driver's per-file data, the client capabilities it set,
 * and its event list.
 *
 * <p>Handles are allocated lowest-free from 1, so a closed handle's number is reused by the next one.
 *
 * <p>Accounting: objects created through the file (dumb buffers, imports of foreign dma-bufs) and the driver's
 * fences are charged to the {@link Cgroup} of the process that opened it, as {@code drm_file} records its opener.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the handle table is guarded by the file's table monitor;
 * the PRIME cache by the file's PRIME lock, which is taken before the device's object-name lock.
 */
public final class DrmFile {
    private final DrmMinor minor;
    private final boolean authenticated;
    private final Cgroup cgroup;
    private final Object table = new Object();
    private final Map<Integer, GemObject> handles = new HashMap<>();
    private final BitSet allocated = new BitSet();
    private final ReentrantLock primeLock = new ReentrantLock();
    private final Map<Integer, DmaBuf> primeByHandle = new HashMap<>();
    private final Map<DmaBuf, Integer> primeByBuf = new IdentityHashMap<>();
    private final DrmEventQueue events = new DrmEventQueue();
    private final DrmSyncobjTable syncobjs = new DrmSyncobjTable();
    private volatile OpenFile file;
    private volatile Object driverPrivate;
    private volatile boolean closed;
    private volatile boolean universalPlanes;
    private volatile boolean atomic;
    private volatile boolean stereoAllowed;
    private volatile boolean aspectRatioAllowed;
    private volatile boolean writebackConnectors;

    DrmFile(DrmMinor minor, boolean authenticated, Cgroup cgroup) {
        this.minor = minor;
        this.authenticated = authenticated;
        this.cgroup = cgroup;
    }

    /** Returns the group of the process that opened the file: what objects and fences made through it charge. */
    public Cgroup cgroup() {
        return cgroup;
    }

    /** Returns the node this file was opened on. */
    public DrmMinor minor() {
        return minor;
    }

    /** Returns the device. */
    public DrmDevice device() {
        return minor.device();
    }

    /** Returns whether this is a client of a render node, as {@code drm_is_render_client}. */
    public boolean isRender() {
        return minor.type() == DrmMinor.Type.RENDER;
    }

    /** Returns whether this is a client of the primary node, as {@code drm_is_primary_client}. */
    public boolean isPrimary() {
        return minor.type() == DrmMinor.Type.PRIMARY;
    }

    /**
     * Returns whether the client is authenticated (privileged at open, or the master).
     *
     * <p>Context: any thread. Locking: takes the device's master lock briefly.
     */
    public boolean isAuthenticated() {
        return authenticated || isMaster();
    }

    /**
     * Returns whether this file is the device's current master, as {@code drm_is_current_master}.
     *
     * <p>Context: any thread. Locking: takes the device's master lock briefly.
     */
    public boolean isMaster() {
        return device().master() == this;
    }

    /** Returns the open file this DRM file is the private data of. */
    public OpenFile file() {
        return file;
    }

    void setFile(OpenFile f) {
        file = f;
    }

    /** Returns the file's event list (vblank and flip-complete events for read()). */
    public DrmEventQueue events() {
        return events;
    }

    /** Returns whether the client enabled {@code DRM_CLIENT_CAP_UNIVERSAL_PLANES} (or atomic, which implies it). */
    public boolean universalPlanes() {
        return universalPlanes;
    }

    /** Returns whether the client enabled {@code DRM_CLIENT_CAP_ATOMIC}. */
    public boolean atomic() {
        return atomic;
    }

    /** Returns whether the client enabled {@code DRM_CLIENT_CAP_STEREO_3D}. */
    public boolean stereoAllowed() {
        return stereoAllowed;
    }

    /** Returns whether the client enabled {@code DRM_CLIENT_CAP_ASPECT_RATIO} (or atomic with value 2). */
    public boolean aspectRatioAllowed() {
        return aspectRatioAllowed;
    }

    /** Returns whether the client enabled {@code DRM_CLIENT_CAP_WRITEBACK_CONNECTORS}. */
    public boolean writebackConnectors() {
        return writebackConnectors;
    }

    void setUniversalPlanes(boolean on) {
        universalPlanes = on;
    }

    void setAtomic(boolean on) {
        atomic = on;
    }

    void setStereoAllowed(boolean on) {
        stereoAllowed = on;
    }

    void setAspectRatioAllowed(boolean on) {
        aspectRatioAllowed = on;
    }

    void setWritebackConnectors(boolean on) {
        writebackConnectors = on;
    }

    /** Returns the file's sync object handles, as {@code drm_file.syncobj_idr}. */
    public DrmSyncobjTable syncobjs() {
        return syncobjs;
    }

    /** Returns the driver's per-file data, as {@code drm_file.driver_priv}. */
    public Object driverPrivate() {
        return driverPrivate;
    }

    /** Returns the driver's per-file data as a {@code type}. */
    public <T> T driverPrivate(Class<T> type) {
        return type.cast(driverPrivate);
    }

    /** Sets the driver's per-file data; drivers do this in {@link DrmDriver#open}. */
    public void setDriverPrivate(Object data) {
        driverPrivate = data;
    }

    /** Returns whether the file has been released. */
    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- handles

    /**
     * Looks {@code handle} up and returns the object with a new reference the caller must {@link GemObject#put()},
     * or null, as {@code drm_gem_object_lookup}.
     *
     * <p>Context: any thread. Locking: takes the table monitor.
     */
    public GemObject lookup(int handle) {
        synchronized (table) {
            GemObject obj = handles.get(handle);
            if (obj == null) {
                return null;
            }
            return obj.get();
        }
    }

    /**
     * As {@link #lookup}, failing with {@code errno} if the handle names nothing.
     *
     * <p>Context: any thread. Locking: takes the table monitor.
     *
     * @throws ErrnoException {@code errno}
     */
    public GemObject lookup(int handle, Errno errno) {
        GemObject obj = lookup(handle);
        if (obj == null) {
            throw new ErrnoException(errno);
        }
        return obj;
    }

    /**
     * Returns the live handles, ascending.
     *
     * <p>Context: any thread. Locking: takes the table monitor.
     */
    public List<Integer> handles() {
        synchronized (table) {
            List<Integer> out = new ArrayList<>();
            for (int h = allocated.nextSetBit(1); h >= 0; h = allocated.nextSetBit(h + 1)) {
                if (handles.get(h) != null) {
                    out.add(h);
                }
            }
            return out;
        }
    }

    /**
     * Creates a handle for {@code obj}, as {@code drm_gem_handle_create}: the lowest free number from 1. The
     * caller keeps its own reference.
     *
     * <p>Context: any thread. Locking: takes the object-name lock, then the table monitor.
     */
    public int handleCreate(GemObject obj) {
        device().objectNameLock().lock();
        return handleCreateTail(obj);
    }

    /**
     * Creates a handle with the object-name lock held by the caller, and releases that lock, as {@code
     * drm_gem_handle_create_tail}.
     */
    int handleCreateTail(GemObject obj) {
        int handle;
        try {
            obj.handleGetLocked();
            synchronized (table) {
                handle = allocated.nextClearBit(1);
                if (handle > 0) {
                    allocated.set(handle);
                    handles.put(handle, obj);
                }
            }
        } finally {
            device().objectNameLock().unlock();
        }
        if (handle <= 0) {
            // The id space (1..INT_MAX) is exhausted.
            obj.handlePut();
            throw new ErrnoException(Errno.ENOSPC);
        }
        obj.vmaAllow(this);
        return handle;
    }

    /**
     * Deletes {@code handle}, as {@code drm_gem_handle_delete}: drops it from the PRIME cache, revokes mmap access
     * granted with it and drops the handle's object reference. The number becomes free for reuse afterwards.
     *
     * <p>Context: any thread. Locking: takes the table monitor, the PRIME lock and the object-name lock in turn.
     *
     * @throws ErrnoException EINVAL if the handle names nothing
     */
    public void handleDelete(int handle) {
        GemObject obj;
        synchronized (table) {
            obj = handles.get(handle);
            if (obj == null) {
                throw new ErrnoException(Errno.EINVAL);
            }
            // Keep the number allocated while the handle is torn down, as idr_replace(NULL) does.
            handles.put(handle, null);
        }
        releaseHandle(handle, obj);
        synchronized (table) {
            handles.remove(handle);
            allocated.clear(handle);
        }
    }

    private void releaseHandle(int handle, GemObject obj) {
        primeRemoveHandle(handle);
        obj.vmaRevoke(this);
        obj.handlePut();
    }

    /**
     * Returns the number of live handles.
     *
     * <p>Context: any thread. Locking: takes the table monitor.
     */
    public int handleCount() {
        synchronized (table) {
            int n = 0;
            for (GemObject o : handles.values()) {
                if (o != null) {
                    n++;
                }
            }
            return n;
        }
    }

    // ---------------------------------------------------------------- PRIME cache

    ReentrantLock primeLock() {
        return primeLock;
    }

    /** Locking: caller holds the PRIME lock. */
    DmaBuf primeLookupBufByHandle(int handle) {
        return primeByHandle.get(handle);
    }

    /** Locking: caller holds the PRIME lock. */
    Integer primeLookupHandle(DmaBuf buf) {
        return primeByBuf.get(buf);
    }

    /** Records handle ↔ buffer; the cache takes a buffer reference. Locking: caller holds the PRIME lock. */
    void primeAddLocked(DmaBuf buf, int handle) {
        buf.get();
        primeByHandle.put(handle, buf);
        primeByBuf.put(buf, handle);
    }

    /** Forgets {@code handle}'s buffer and drops the cache's reference, as {@code drm_prime_remove_buf_handle}. */
    void primeRemoveHandle(int handle) {
        DmaBuf buf;
        primeLock.lock();
        try {
            buf = primeByHandle.remove(handle);
            if (buf != null) {
                primeByBuf.remove(buf);
            }
        } finally {
            primeLock.unlock();
        }
        if (buf != null) {
            buf.put();
        }
    }

    /**
     * Returns the number of PRIME cache entries (for tests).
     *
     * <p>Context: any thread. Locking: takes the PRIME lock briefly.
     */
    public int primeCacheSize() {
        primeLock.lock();
        try {
            return primeByHandle.size();
        } finally {
            primeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- release

    /** Releases every handle, as {@code drm_gem_release}. */
    void releaseAllHandles() {
        Map<Integer, GemObject> all;
        synchronized (table) {
            all = new HashMap<>(handles);
            handles.clear();
            allocated.clear();
        }
        for (Map.Entry<Integer, GemObject> e : all.entrySet()) {
            if (e.getValue() != null) {
                releaseHandle(e.getKey(), e.getValue());
            }
        }
    }

    void markClosed() {
        closed = true;
        events.close();
    }

    @Override
    public String toString() {
        return "drm_file[" + minor.name() + "]";
    }
}
