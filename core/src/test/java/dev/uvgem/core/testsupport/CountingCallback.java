package dev.uvgem.core.testsupport;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fence callback that records that it ran, and how often (the selftests' {@code simple_cb}).
 *
 * <p>Thread-safety: the count is atomic, so any thread may read it while the signaller runs the callback.
 */
public final class CountingCallback extends FenceCallback {
    /** How often the callback has run. */
    public final AtomicInteger runs = new AtomicInteger();

    @Override
    protected void onSignal(Fence fence) {
        runs.incrementAndGet();
    }

    /** Returns whether the callback has run at least once. */
    public boolean seen() {
        return runs.get() > 0;
    }
}
