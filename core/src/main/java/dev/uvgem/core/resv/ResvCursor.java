package dev.uvgem.core.resv;

import dev.uvgem.core.fence.Fence;

/**
 * A lock-free walk over a reservation's unsignalled fences, as {@code struct dma_resv_iter} with {@code
 * dma_resv_iter_first_unlocked}/{@code _next_unlocked}: it yields each fence whose usage the query covers and
 * that has not signalled.
 *
 * <p>The walk reads one published snapshot of the entries. If a writer changes the set of fences before the next
 * step, the walk starts again from the first entry of the new set and {@link #isRestarted()} turns true for that
 * step, so callers that accumulate (counts, arrays) must discard what they gathered when they see it. The first
 * step always reports a restart.
 *
 * <pre>{@code
 * ResvCursor c = resv.cursor(ResvUsage.READ);
 * for (Fence f = c.first(); f != null; f = c.next()) {
 *     if (c.isRestarted()) {
 *         gathered.clear();
 *     }
 *     gathered.add(f);
 * }
 * }</pre>
 *
 * <p>Thread-safety: a cursor is confined to one thread; any number of cursors may walk a reservation while a
 * writer holds its lock. Locking: takes none.
 */
public final class ResvCursor {
    private final Reservation resv;
    private final ResvUsage usage;

    private Reservation.FenceList list;
    private long seq;
    private int index;
    private Fence fence;
    private ResvUsage fenceUsage;
    private boolean restarted;

    ResvCursor(Reservation resv, ResvUsage usage) {
        this.resv = resv;
        this.usage = usage;
    }

    /**
     * Starts (or starts again) the walk and returns the first matching unsignalled fence, or null if there is
     * none. The restarted flag is set.
     *
     * <p>Context: any thread, never blocks (checking a fence may signal it through its driver's poll hook).
     * Locking: none.
     */
    public Fence first() {
        do {
            restart();
            walk();
        } while (resv.seq() != seq);
        return fence;
    }

    /**
     * Returns the next matching unsignalled fence, or null at the end. If the reservation's fences changed since
     * the previous step, the walk restarts from the beginning and {@link #isRestarted()} is true.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public Fence next() {
        restarted = false;
        boolean restart = resv.seq() != seq;
        do {
            if (restart) {
                restart();
            }
            walk();
            restart = true;
        } while (resv.seq() != seq);
        return fence;
    }

    private void restart() {
        list = resv.published();
        seq = list.seq;
        index = 0;
        fence = null;
        fenceUsage = null;
        restarted = true;
    }

    private void walk() {
        while (true) {
            if (index >= list.fences.length) {
                fence = null;
                fenceUsage = null;
                return;
            }
            Fence f = list.fences[index];
            ResvUsage u = list.usages[index];
            index++;
            if (usage.includes(u) && !f.isSignaled()) {
                fence = f;
                fenceUsage = u;
                return;
            }
        }
    }

    /**
     * Returns the fence of the current step, or null before the first step and at the end.
     *
     * <p>Context: the cursor's thread. Locking: none.
     */
    public Fence fence() {
        return fence;
    }

    /**
     * Returns the usage the current fence was added with, as {@code dma_resv_iter_usage}; null if none.
     *
     * <p>Context: the cursor's thread. Locking: none.
     */
    public ResvUsage usage() {
        return fenceUsage;
    }

    /** Returns the usage this walk was started with (the query). Context: any thread. Locking: none. */
    public ResvUsage queryUsage() {
        return usage;
    }

    /**
     * Returns whether the current step began a new walk, as {@code dma_resv_iter_is_restarted}.
     *
     * <p>Context: the cursor's thread. Locking: none.
     */
    public boolean isRestarted() {
        return restarted;
    }

    /**
     * Returns how many entries (signalled ones included) the walked snapshot holds: an upper bound on what this
     * walk can still yield, for sizing an accumulator on restart.
     *
     * <p>Context: the cursor's thread. Locking: none.
     */
    public int numFences() {
        return list == null ? 0 : list.fences.length;
    }

    /**
     * Forgets the snapshot's generation so that the next step restarts, as the kernel selftest does by
     * decrementing the cursor's sequence number.
     */
    void invalidate() {
        seq--;
    }
}
