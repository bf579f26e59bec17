package dev.uvgem.core.fence;

/**
 * The operations table of a fence's driver: the extension point of {@link Fence}, as {@code struct
 * dma_fence_ops} is in the kernel. Implementations are usually stateless singletons that cast the fence to
 * their own subclass.
 *
 * <p>Thread-safety: implementations must be safe for concurrent use.
 */
public interface FenceOps {
    /**
     * Returns the driver's name, e.g. {@code "vgem"}. Mandatory.
     *
     * <p>Context: any thread, must not block.
     */
    String driverName(Fence fence);

    /**
     * Returns the timeline's name, e.g. {@code "unbound"}. Mandatory.
     *
     * <p>Context: any thread, must not block.
     */
    String timelineName(Fence fence);

    /**
     * Asks the driver to start signalling this fence; called at most once, on the first of add-callback, wait
     * or {@link Fence#enableSwSignaling()}. Optional: the default means signalling is always enabled.
     *
     * <p>Context: any thread, must not block. Locking: called with the fence lock held.
     *
     * @return false if the fence has already completed; the fence is then signalled at once
     */
    default boolean enableSignaling(Fence fence) {
        return true;
    }

    /**
     * Polls the hardware: returns true if the fence has completed even though it was not signalled yet. Optional;
     * the default is false. A true answer makes {@link Fence#isSignaled()} signal the fence.
     *
     * <p>Context: any thread, must not block. Locking: may be called with or without the fence lock.
     */
    default boolean signaled(Fence fence) {
        return false;
    }

    /**
     * Hints that someone waits for this fence by {@code deadlineNanos} (absolute, the kernel clock). Optional;
     * implementations keep the earliest. The default ignores it.
     *
     * <p>Context: any thread, must not block.
     */
    default void setDeadline(Fence fence, long deadlineNanos) {}

    /** Returns ops that only name the driver and timeline: software fences with no hooks. */
    static FenceOps named(String driver, String timeline) {
        return new NamedFenceOps(driver, timeline);
    }
}
