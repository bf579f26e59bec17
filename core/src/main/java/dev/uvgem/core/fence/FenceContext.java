package dev.uvgem.core.fence;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Allocator of fence contexts (timelines), as {@code dma_fence_context_alloc}: each call returns the first of
 * {@code n} consecutive context numbers never handed out before. Context 0 is reserved for stub fences, so the
 * first context is 1. All fences of one context are ordered by seqno; fences of different contexts are not.
 *
 * <p>Thread-safety: lock-free.
 */
public final class FenceContext {
    private static final AtomicLong NEXT = new AtomicLong(1);

    private FenceContext() {}

    /**
     * Allocates {@code n} consecutive contexts and returns the first.
     *
     * <p>Context: any thread, never blocks.
     *
     * @throws IllegalArgumentException if {@code n} is not positive (a kernel WARN)
     */
    public static long allocate(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("context count must be positive: " + n);
        }
        return NEXT.getAndAdd(n);
    }

    /** Allocates one context. */
    public static long allocate() {
        return NEXT.getAndIncrement();
    }
}
