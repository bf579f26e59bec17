package dev.uvgem.sys;

import dev.uvgem.core.dmabuf.DmaBuf;
import dev.uvgem.core.dmabuf.DmaBufRegistry;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmPrime;
import dev.uvgem.drivers.drm.GemObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of {@code /sys/kernel/debug/uvgem/buffers} (uvgem's own debugfs file, admin-only like the others): one
 * line per live GEM object of a DRM device, reached through any process's handle or dma-buf fd, or through a
 * dma-buf the device exported (in flight, or held by a mapping only). Tab-separated columns under a header line:
 *
 * <ul>
 *   <li>{@code size}: bytes;
 *   <li>{@code owner}: the process the object is charged to, {@code comm[pid]} (its creator, also after it exits);
 *   <li>{@code dmabuf}: the inode of the dma-buf it is exported as (bufinfo's {@code ino}), or {@code -};
 *   <li>{@code handles}: {@code pid:handle} of every GEM handle naming it (its importers, and the owner);
 *   <li>{@code fds}: {@code pid:fd} of every dma-buf fd of it;
 *   <li>{@code fences}: its unsignalled fences, {@code W} (write) or {@code R} (read) {@code context:seqno}, or
 *       {@code -}.
 * </ul>
 *
 * <p>Thread-safety: stateless; safe for concurrent renders. Locking: each process's fd table and each DRM file's
 * handle table briefly; every object and file is referenced while it is looked at, so a concurrent close is seen
 * or not, never half.
 */
final class BufferListing {
    /** The header line. */
    static final String HEADER = "size\towner\tdmabuf\thandles\tfds\tfences\n";

    private BufferListing() {}

    /**
     * Renders the listing of {@code device}'s objects.
     *
     * <p>Context: any thread, never sleeps on fences. Locking: as the class comment.
     */
    static String render(Kernel kernel, DrmDevice device, DmaBufRegistry dmaBufs) {
        Map<GemObject, Row> rows = new IdentityHashMap<>();
        List<GemObject> order = new ArrayList<>();
        try {
            for (Process p : kernel.processes()) {
                p.forEachFile((f, fd) -> {
                    if (f.privateData() instanceof DrmFile df && df.device() == device) {
                        for (int h : df.handles()) {
                            GemObject o = df.lookup(h);
                            if (o != null) {
                                row(rows, order, o).handles.add(p.pid() + ":" + h);
                            }
                        }
                    } else if (DmaBuf.isDmaBufFile(f)) {
                        GemObject o = DrmPrime.exportedObject(DmaBuf.fromFile(f), device);
                        if (o != null) {
                            row(rows, order, o).fds.add(p.pid() + ":" + fd);
                        }
                    }
                });
            }
            for (DmaBuf b : dmaBufs.buffers()) {
                GemObject o = DrmPrime.exportedObject(b, device);
                if (o != null) {
                    row(rows, order, o);
                }
            }
            StringBuilder sb = new StringBuilder(HEADER);
            for (GemObject o : order) {
                Row r = rows.get(o);
                DmaBuf buf = o.dmaBuf();
                sb.append(o.size())
                        .append('\t')
                        .append(o.cgroup().name())
                        .append('\t')
                        .append(buf == null ? "-" : Long.toString(buf.inode()))
                        .append('\t')
                        .append(join(r.handles))
                        .append('\t')
                        .append(join(r.fds))
                        .append('\t')
                        .append(fences(o))
                        .append('\n');
            }
            return sb.toString();
        } finally {
            for (GemObject o : order) {
                o.put();
            }
        }
    }

    /**
     * Returns the row of {@code o}, taking over the caller's reference: the first sight keeps it (dropped after
     * rendering), later ones drop it at once.
     */
    private static Row row(Map<GemObject, Row> rows, List<GemObject> order, GemObject o) {
        Row r = rows.get(o);
        if (r != null) {
            o.put();
            return r;
        }
        r = new Row();
        rows.put(o, r);
        order.add(o);
        return r;
    }

    private static String fences(GemObject o) {
        Fence[] writers = o.resv().getFences(ResvUsage.WRITE);
        Fence[] all = o.resv().getFences(ResvUsage.READ);
        List<String> out = new ArrayList<>();
        for (Fence f : all) {
            boolean write = Arrays.asList(writers).contains(f);
            out.add((write ? "W " : "R ") + Long.toUnsignedString(f.context()) + ":"
                    + Long.toUnsignedString(f.seqno()));
        }
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    private static String join(List<String> items) {
        return items.isEmpty() ? "-" : String.join(",", items);
    }

    /** Who holds one object. */
    private static final class Row {
        final List<String> handles = new ArrayList<>();
        final List<String> fds = new ArrayList<>();
    }
}
