package dev.uvgem.drivers.vgem;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayList;
import java.util.List;

/**
 * vGEM's per-file state, as {@code struct vgem_file}: the table of fence ids handed out by FENCE_ATTACH. Ids are
 * allocated lowest-free from 1; FENCE_SIGNAL empties a slot but never frees it, so an id is never handed out
 * twice while the file is open.
 *
 * <p>Thread-safety: safe for concurrent use; the table is guarded by the object's monitor. Fences are signalled
 * after the monitor is dropped.
 */
final class VgemFile {
    private final List<VgemFence> slots = new ArrayList<>();
    private boolean closed;

    /**
     * Records {@code fence} and returns its id.
     *
     * @throws ErrnoException ENOSPC once INT_MAX ids have been handed out
     */
    synchronized int add(VgemFence fence) {
        if (closed) {
            throw new IllegalStateException("fence table of a closed file");
        }
        if (slots.size() == Integer.MAX_VALUE) {
            throw new ErrnoException(Errno.ENOSPC);
        }
        slots.add(fence);
        return slots.size();
    }

    /**
     * Empties slot {@code id} and returns the fence it held, as {@code idr_replace(NULL)}.
     *
     * @throws ErrnoException ENOENT if the id was never handed out or its slot is already empty
     */
    synchronized VgemFence take(int id) {
        if (id < 1 || id > slots.size()) {
            throw new ErrnoException(Errno.ENOENT);
        }
        VgemFence f = slots.set(id - 1, null);
        if (f == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        return f;
    }

    /** Returns the number of ids handed out (consumed ones included). */
    synchronized int allocated() {
        return slots.size();
    }

    /** Returns the fences still waiting for FENCE_SIGNAL, by id. */
    synchronized List<VgemDriver.FenceSlot> slots() {
        List<VgemDriver.FenceSlot> out = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            VgemFence f = slots.get(i);
            if (f != null) {
                out.add(new VgemDriver.FenceSlot(i + 1, f));
            }
        }
        return out;
    }

    /** Returns the number of fences still waiting for FENCE_SIGNAL. */
    synchronized int outstanding() {
        int n = 0;
        for (VgemFence f : slots) {
            if (f != null) {
                n++;
            }
        }
        return n;
    }

    /** Signals every fence still in the table and empties it, as {@code vgem_fence_close}. */
    void close() {
        List<VgemFence> pending;
        synchronized (this) {
            closed = true;
            pending = new ArrayList<>(slots);
            slots.clear();
        }
        for (VgemFence f : pending) {
            if (f != null) {
                f.signal();
            }
        }
    }
}
