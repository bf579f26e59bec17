package dev.uvgem.core.dmabuf;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live dma-bufs of one uvgem kernel, as the kernel's global {@code dmabuf_list}: every exported buffer is
 * listed from export until its file is released, most recently exported first. Also hands out the buffers'
 * inode numbers and the kernel's stub fence. One per kernel, never static: several kernels may share a JVM.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the list is guarded by the registry's monitor; {@link
 * #bufinfo()} also takes each buffer's reservation lock while holding it (the kernel's order: list mutex, then
 * resv).
 */
public final class DmaBufRegistry {
    private final ArrayList<DmaBuf> buffers = new ArrayList<>();
    private final AtomicLong inodes = new AtomicLong();
    private final Clock clock;
    private volatile Fence stub;

    /**
     * Creates an empty registry for a kernel on {@code clock}: its stub fence is stamped on that clock when first
     * used, as the kernel's {@code dma_fence_stub}.
     */
    public DmaBufRegistry(Clock clock) {
        this.clock = clock;
    }

    /** Creates an empty registry without a kernel clock: its stub fence is the JVM-wide {@link Fence#stub()}. */
    public DmaBufRegistry() {
        this(null);
    }

    /**
     * Returns the kernel's stub fence, as {@code dma_fence_get_stub}: always the same fence, signalled when first
     * asked for, stamped on the kernel clock (so a sync file holding it never reports a signal time ahead of the
     * kernel's). Without a kernel clock, the JVM-wide {@link Fence#stub()}.
     *
     * <p>Context: any thread, never blocks. Locking: the registry monitor, once.
     */
    public Fence stub() {
        Fence s = stub;
        if (s == null) {
            synchronized (this) {
                s = stub;
                if (s == null) {
                    s = clock == null ? Fence.stub() : Fence.privateStub(clock.nanoTime());
                    stub = s;
                }
            }
        }
        return s;
    }

    long nextInode() {
        return inodes.incrementAndGet();
    }

    synchronized void add(DmaBuf buf) {
        buffers.add(buf);
    }

    synchronized void remove(DmaBuf buf) {
        buffers.remove(buf);
    }

    /**
     * Returns the live buffers, most recently exported first.
     *
     * <p>Context: any thread, never blocks for long. Locking: takes the registry monitor.
     */
    public synchronized List<DmaBuf> buffers() {
        List<DmaBuf> out = new ArrayList<>(buffers.size());
        for (int i = buffers.size() - 1; i >= 0; i--) {
            out.add(buffers.get(i));
        }
        return out;
    }

    /**
     * Returns the number of live buffers.
     *
     * <p>Context: any thread, never blocks for long. Locking: takes the registry monitor.
     */
    public synchronized int count() {
        return buffers.size();
    }

    /**
     * Returns the text of {@code /sys/kernel/debug/dma_buf/bufinfo}, as {@code dma_buf_debug_show}: a header, then
     * per buffer (newest first) its size, file flags, file mode, file reference count, exporter name, inode and
     * name, the reservation's fences and the attached devices, then the totals.
     *
     * <p>Context: process context, may sleep on reservation locks. Locking: takes the registry monitor, then each
     * buffer's reservation lock in turn.
     */
    public synchronized String bufinfo() {
        StringBuilder sb = new StringBuilder();
        sb.append("\nDma-buf Objects:\n");
        sb.append(String.format(
                Locale.ROOT,
                "%-8s\t%-8s\t%-8s\t%-8s\texp_name\t%-8s\tname\n",
                "size",
                "flags",
                "mode",
                "count",
                "ino"));
        int count = 0;
        long total = 0;
        for (int i = buffers.size() - 1; i >= 0; i--) {
            DmaBuf b = buffers.get(i);
            b.resv().lock(null);
            List<String> devices;
            try {
                String name = b.name();
                sb.append(String.format(
                        Locale.ROOT,
                        "%08d\t%08x\t%08x\t%08d\t%s\t%08d\t%s\n",
                        b.size(),
                        b.file().flags(),
                        b.fmode(),
                        b.file().refCount(),
                        b.exporterName(),
                        b.inode(),
                        name != null ? name : "<none>"));
                sb.append(b.resv().describe());
                sb.append("\tAttached Devices:\n");
                devices = b.attachedDevicesLocked();
                for (String d : devices) {
                    sb.append('\t').append(d).append('\n');
                }
            } finally {
                b.resv().unlock();
            }
            sb.append("Total ").append(devices.size()).append(" devices attached\n\n");
            count++;
            total += b.size();
        }
        sb.append("\nTotal ").append(count).append(" objects, ").append(total).append(" bytes\n");
        return sb.toString();
    }
}
