package dev.uvgem.sys;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.swsync.SwSyncTimeline;
import dev.uvgem.core.swsync.SyncDebug;
import dev.uvgem.core.swsync.SyncPoint;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.vgem.VgemDriver;
import dev.uvgem.drivers.vgem.VgemFence;

/**
 * The text of {@code /sys/kernel/debug/uvgem/fences} (uvgem's own debugfs file, admin-only like the others): one
 * line per fence userspace controls: every vgem fence still waiting for FENCE_SIGNAL in some process's DRM file,
 * then every point of every listed sw_sync timeline. Tab-separated columns under a header line:
 *
 * <ul>
 *   <li>{@code driver} and {@code timeline}: the fence's names ({@code vgem}/{@code unbound}, {@code sw_sync}/the
 *       timeline's name);
 *   <li>{@code context} and {@code seqno};
 *   <li>{@code state}: {@code active}, {@code signalled}, {@code expired} (a vgem fence that signalled by its
 *       timeout before FENCE_SIGNAL) or {@code error <errno>};
 *   <li>{@code age_ms}: milliseconds since creation on the kernel clock ({@code -} for sw_sync points, which do
 *       not record it);
 *   <li>{@code owner}: {@code comm[pid] fd/id} (the process, its DRM fd, the fence id) for vgem fences, {@code -}
 *       for sw_sync points.
 * </ul>
 *
 * <p>Thread-safety: stateless; safe for concurrent renders. Locking: each process's fd table, each DRM file's fence
 * table and each timeline's lock briefly; reading a point's state may signal it, as {@code sync/info} does.
 */
final class FenceListing {
    /** The header line. */
    static final String HEADER = "driver\ttimeline\tcontext\tseqno\tstate\tage_ms\towner\n";

    private FenceListing() {}

    /**
     * Renders the listing.
     *
     * <p>Context: any thread, never sleeps on fences. Locking: as the class comment.
     */
    static String render(Kernel kernel, DrmDevice vgem, SyncDebug syncDebug) {
        StringBuilder sb = new StringBuilder(HEADER);
        long now = kernel.clock().nanoTime();
        for (Process p : kernel.processes()) {
            p.forEachFile((f, fd) -> {
                if (f.privateData() instanceof DrmFile df && df.device() == vgem && !df.isClosed()) {
                    for (VgemDriver.FenceSlot slot : VgemDriver.fences(df)) {
                        VgemFence fence = slot.fence();
                        line(
                                sb,
                                "vgem",
                                "unbound",
                                fence,
                                fence.isSignaled() && fence.error() == 0 ? "expired" : state(fence),
                                Long.toString((now - fence.createdAt()) / 1_000_000),
                                p.comm() + "[" + p.pid() + "] " + fd + "/" + slot.id());
                    }
                }
            });
        }
        for (SwSyncTimeline tl : syncDebug.timelines()) {
            for (SyncPoint pt : tl.listedPoints()) {
                line(sb, "sw_sync", tl.name(), pt, state(pt), "-", "-");
            }
        }
        return sb.toString();
    }

    /** Appends a line; the names are given, as a signalled fence no longer reports its own. */
    private static void line(
            StringBuilder sb, String driver, String timeline, Fence f, String state, String age, String owner) {
        sb.append(driver)
                .append('\t')
                .append(timeline)
                .append('\t')
                .append(Long.toUnsignedString(f.context()))
                .append('\t')
                .append(Long.toUnsignedString(f.seqno()))
                .append('\t')
                .append(state)
                .append('\t')
                .append(age)
                .append('\t')
                .append(owner)
                .append('\n');
    }

    private static String state(Fence f) {
        int status = f.status();
        if (status < 0) {
            return "error " + status;
        }
        return status > 0 ? "signalled" : "active";
    }
}
