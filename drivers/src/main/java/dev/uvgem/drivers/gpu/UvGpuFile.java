package dev.uvgem.drivers.gpu;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * uvgpu's per-file state: the contexts created through the file, by id (from 1, never reused while the file is
 * open, as an idr with cyclic allocation).
 *
 * <p>Thread-safety: guarded by this object's monitor; contexts are destroyed after it is dropped.
 */
final class UvGpuFile {
    private final Map<Integer, GpuContext> contexts = new HashMap<>();
    private int nextId = 1;
    private boolean closed;

    /** Allocates an id. @throws ErrnoException ENOSPC once every positive id has been used */
    synchronized int allocateId() {
        if (nextId <= 0) {
            throw new ErrnoException(Errno.ENOSPC);
        }
        return nextId++;
    }

    synchronized void add(GpuContext ctx) {
        if (closed) {
            throw new IllegalStateException("context added to a closed file");
        }
        contexts.put(ctx.id(), ctx);
    }

    /** Returns context {@code id}. @throws ErrnoException ENOENT if there is none */
    synchronized GpuContext get(int id) {
        GpuContext ctx = contexts.get(id);
        if (ctx == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        return ctx;
    }

    /** Removes and returns context {@code id}. @throws ErrnoException ENOENT if there is none */
    synchronized GpuContext remove(int id) {
        GpuContext ctx = contexts.remove(id);
        if (ctx == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        return ctx;
    }

    /** Destroys every context, as the driver's postclose. */
    void close() {
        List<GpuContext> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(contexts.values());
            contexts.clear();
        }
        for (GpuContext ctx : all) {
            ctx.destroy();
        }
    }
}
