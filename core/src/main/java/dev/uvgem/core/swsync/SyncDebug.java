package dev.uvgem.core.swsync;

import dev.uvgem.core.fence.Fence;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The registry behind {@code /sys/kernel/debug/sync/info}: the live sw_sync timelines of one uvgem kernel, in
 * creation order, and the text that file shows. One instance per kernel — several kernels may share a JVM, so
 * this is deliberately not a static global.
 *
 * <p>Access: like everything under debugfs, the {@code info} file (mode 0444) and the {@code sw_sync} file it
 * lists (mode 0644) are reachable only by a privileged (root / CAP_SYS_ADMIN) process; this class does not
 * check, the syscall layer's path table enforces it before a caller can reach {@link #info()}.
 *
 * <p>Text format ({@link #info()}), as the newest kernel prints it (its sw_sync fences have no value strings):
 *
 * <pre>
 * objs:
 * --------------
 * &lt;timeline name&gt;: &lt;value, signed decimal&gt;
 *   fence &lt;active|signaled|error&gt;[@&lt;sec&gt;.&lt;nsec, 9 digits&gt;]     (one line per listed point)
 *                                                            (a blank line after each timeline)
 * fences:
 * --------------
 * </pre>
 *
 * The status word comes from the point's status (reading it may signal a passed point); the time appears once
 * the point has signalled. Nothing follows the {@code fences:} header: current kernels no longer track
 * sync_files there.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the registry lock is never held while a timeline's points
 * are read or signalled; it may be held while a timeline's lock is taken (registry before timeline).
 */
public final class SyncDebug {
    private final Object lock = new Object();
    private final LinkedHashSet<SwSyncTimeline> timelines = new LinkedHashSet<>();

    /** Creates an empty registry, one per kernel. */
    public SyncDebug() {}

    /** Lists a new timeline (and drops released timelines whose points are all gone). */
    void add(SwSyncTimeline timeline) {
        synchronized (lock) {
            purgeLocked();
            timelines.add(timeline);
        }
    }

    /** Drops released timelines whose points are all gone. Context: any thread. */
    void purge() {
        synchronized (lock) {
            purgeLocked();
        }
    }

    private void purgeLocked() {
        for (Iterator<SwSyncTimeline> it = timelines.iterator(); it.hasNext(); ) {
            if (it.next().isGone()) {
                it.remove();
            }
        }
    }

    /**
     * Returns the listed timelines in creation order.
     *
     * <p>Context: any thread. Locking: takes the registry lock.
     */
    public List<SwSyncTimeline> timelines() {
        synchronized (lock) {
            purgeLocked();
            return new ArrayList<>(timelines);
        }
    }

    /**
     * Returns the text of {@code sync/info} (format in the class comment).
     *
     * <p>Context: any thread; may signal passed points (and run their callbacks) as reading a status does.
     * Locking: takes the registry lock and each timeline's lock briefly, neither while reading a point's status.
     */
    public String info() {
        StringBuilder sb = new StringBuilder("objs:\n--------------\n");
        for (SwSyncTimeline tl : timelines()) {
            sb.append(tl.name()).append(": ").append(tl.value()).append('\n');
            for (SyncPoint pt : tl.listedPoints()) {
                appendFence(sb, pt);
            }
            sb.append('\n');
        }
        sb.append("fences:\n--------------\n");
        return sb.toString();
    }

    private static void appendFence(StringBuilder sb, Fence fence) {
        int status = fence.status();
        sb.append("  fence ").append(statusWord(status));
        if (fence.isSignaledFlag()) {
            long ts = fence.timestamp();
            String nsec = Long.toString(Math.floorMod(ts, 1_000_000_000L));
            sb.append('@').append(Math.floorDiv(ts, 1_000_000_000L)).append('.');
            sb.repeat('0', 9 - nsec.length()).append(nsec);
        }
        sb.append('\n');
    }

    /** Returns the word sync/info uses for a fence status: error (&lt; 0), signaled (&gt; 0), active (0). */
    static String statusWord(int status) {
        if (status < 0) {
            return "error";
        }
        return status > 0 ? "signaled" : "active";
    }
}
