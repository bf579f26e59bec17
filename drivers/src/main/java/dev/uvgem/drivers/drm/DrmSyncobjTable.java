package dev.uvgem.drivers.drm;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A DRM file's sync object handles, as {@code drm_file.syncobj_idr}: each handle holds one reference to its
 * syncobj; numbers are allocated lowest-free from 1 (0 is never a handle), so a destroyed handle's number is
 * reused by the next one.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the table's monitor, held briefly and never while a
 * reference is dropped (a last put frees the syncobj).
 */
public final class DrmSyncobjTable {
    private final Map<Integer, DrmSyncobj> handles = new HashMap<>(); // guarded by this
    private final BitSet allocated = new BitSet(); // guarded by this

    DrmSyncobjTable() {}

    /**
     * Creates a handle for {@code syncobj}, taking a new reference for it, as {@code drm_syncobj_get_handle}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the monitor.
     *
     * @return the handle, 1 or more
     * @throws ErrnoException ENOSPC when every handle number is taken
     */
    public int install(DrmSyncobj syncobj) {
        syncobj.get();
        int handle;
        synchronized (this) {
            handle = allocated.nextClearBit(1);
            if (handle > 0) {
                allocated.set(handle);
                handles.put(handle, syncobj);
            }
        }
        if (handle <= 0) {
            syncobj.put();
            throw new ErrnoException(Errno.ENOSPC);
        }
        return handle;
    }

    /**
     * Looks {@code handle} up and returns its syncobj with a new reference the caller must put, or null, as
     * {@code drm_syncobj_find}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the monitor.
     */
    public synchronized DrmSyncobj find(int handle) {
        DrmSyncobj s = handles.get(handle);
        return s == null ? null : s.get();
    }

    /**
     * Removes {@code handle} and drops its reference, as {@code drm_syncobj_destroy}.
     *
     * <p>Context: any thread. Locking: takes the monitor; drops the reference after releasing it.
     *
     * @return false if the handle names nothing
     */
    public boolean remove(int handle) {
        DrmSyncobj s;
        synchronized (this) {
            s = handles.remove(handle);
            if (s != null) {
                allocated.clear(handle);
            }
        }
        if (s == null) {
            return false;
        }
        s.put();
        return true;
    }

    /** Returns the number of live handles. Context: any thread. Locking: takes the monitor. */
    public synchronized int size() {
        return handles.size();
    }

    /**
     * Drops every handle, as {@code drm_syncobj_release} when the file goes.
     *
     * <p>Context: the file's release. Locking: takes the monitor; drops the references after releasing it.
     */
    void releaseAll() {
        List<DrmSyncobj> all;
        synchronized (this) {
            all = new ArrayList<>(handles.values());
            handles.clear();
            allocated.clear();
        }
        for (DrmSyncobj s : all) {
            s.put();
        }
    }
}
