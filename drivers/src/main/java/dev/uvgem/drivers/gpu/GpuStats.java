package dev.uvgem.drivers.gpu;

import dev.uvgem.uapi.UvGpuResetStats;

/**
 * A context's reset statistics: hangs, the ban, and how its jobs ended. Counted before the job's fence signals,
 * so a reader who saw the fence signal sees the count.
 *
 * <p>Thread-safety: guarded by this object's monitor.
 */
final class GpuStats {
    private final int banLimit;
    private int hangs;
    private boolean banned;
    private long completed;
    private long killed;
    private long cancelled;

    GpuStats(int banLimit) {
        this.banLimit = banLimit;
    }

    synchronized void completed() {
        completed++;
    }

    synchronized void cancelled() {
        cancelled++;
    }

    /** Counts a job killed by the hang timeout; returns true if this hang bans the context. */
    synchronized boolean hang() {
        hangs++;
        killed++;
        if (!banned && hangs >= banLimit) {
            banned = true;
            return true;
        }
        return false;
    }

    synchronized boolean isBanned() {
        return banned;
    }

    synchronized UvGpuResetStats snapshot(int ctxId) {
        return new UvGpuResetStats(ctxId, 0, hangs, banned ? 1 : 0, completed, killed, cancelled);
    }
}
