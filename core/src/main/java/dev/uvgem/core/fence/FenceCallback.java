package dev.uvgem.core.fence;

import java.util.function.Consumer;

/**
 * A callback node for {@link Fence#addCallback}, the Java form of {@code struct dma_fence_cb}: the caller owns
 * the node (often embedding it in its own object), so registering and signalling allocate nothing. A node is
 * pending on at most one fence at a time and may be reused once it has run or been removed.
 *
 * <p>Thread-safety: the link is written by whoever registers the node (before publishing it with a
 * compare-and-set on the fence's list), by a remover under the fence lock, and by the signaller once it owns
 * the list; a node is idle again from the moment it starts to run or has been removed.
 */
public abstract class FenceCallback {
    FenceCallback next;
    boolean pending;

    /** Creates an idle node. */
    protected FenceCallback() {}

    /**
     * Runs once when the fence signals.
     *
     * <p>Context: the signalling thread (a driver, a timer, another callback). Must not block or wait on fences.
     * Locking: the fence lock is not held, so it may signal other fences.
     */
    protected abstract void onSignal(Fence fence);

    /** Returns true while this node is registered on a fence and has not run. Locking: racy without the lock. */
    public final boolean isPending() {
        return pending;
    }

    /**
     * Describes who registered this node, for debugging ({@link Fence#describeWaiters()}): by default the class
     * name; waiters that know their task or device override it, and a driver's own bookkeeping (an expiry's
     * disarm) returns null to be left out.
     *
     * <p>Context: any thread, possibly under the fence lock: must not block.
     */
    public String describe() {
        Class<?> c = getClass();
        while (c.isAnonymousClass() && c.getEnclosingClass() != null) {
            c = c.getEnclosingClass();
        }
        return "callback " + c.getName();
    }

    /** Wraps a lambda in a fresh node (this allocates; hot paths embed their own node instead). */
    public static FenceCallback of(Consumer<Fence> action) {
        return new FenceCallback() {
            @Override
            protected void onSignal(Fence fence) {
                action.accept(fence);
            }

            // Names the code that registered the lambda (its class, without the lambda's suffix).
            @Override
            public String describe() {
                String name = action.getClass().getName();
                int lambda = name.indexOf("$$");
                return "callback " + (lambda < 0 ? name : name.substring(0, lambda));
            }
        };
    }
}
