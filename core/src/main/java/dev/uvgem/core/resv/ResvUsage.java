package dev.uvgem.core.resv;

/**
 * How the operation behind a fence uses a buffer, as {@code enum dma_resv_usage}. The constants are ordered
 * from the strongest to the weakest claim, and a query with usage {@code U} covers every fence whose usage is
 * {@code U} or stronger: KERNEL ⊂ WRITE ⊂ READ ⊂ BOOKKEEP (see {@link #includes}).
 *
 * <p>Thread-safety: immutable.
 */
public enum ResvUsage {
    /** Kernel memory management (moves, clears): everybody waits for these. */
    KERNEL("kernel"),
    /** Implicitly synchronised writers. */
    WRITE("write"),
    /** Implicitly synchronised readers. */
    READ("read"),
    /** Tracked but never part of implicit synchronisation (preemption fences, explicit-sync submissions). */
    BOOKKEEP("bookkeep");

    private final String debugName;

    ResvUsage(String debugName) {
        this.debugName = debugName;
    }

    /**
     * Returns whether a query with this usage covers a fence added with {@code fenceUsage}: true when the fence's
     * usage is this one or a stronger one (a smaller ordinal).
     *
     * <p>Context: any thread. Locking: none.
     */
    public boolean includes(ResvUsage fenceUsage) {
        return fenceUsage.ordinal() <= ordinal();
    }

    /**
     * Returns the usage a new operation must wait for, as {@code dma_resv_usage_rw}: a new write waits for all
     * readers and writers ({@link #READ}), a new read only for writers ({@link #WRITE}).
     *
     * <p>Context: any thread. Locking: none.
     */
    public static ResvUsage rw(boolean write) {
        return write ? READ : WRITE;
    }

    /**
     * Returns the lower-case name the kernel's debug output uses ({@code "kernel"}, {@code "write"}, ...).
     *
     * <p>Context: any thread. Locking: none.
     */
    public String debugName() {
        return debugName;
    }
}
