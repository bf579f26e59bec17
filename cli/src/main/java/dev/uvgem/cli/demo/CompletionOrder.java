package dev.uvgem.cli.demo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When a drawn frame gets its fence signalled: at once (the demo: frames finish in whatever order the threads
 * do), or held back until every frame before it in a given order has been (tests choose the order).
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the held-back signals are guarded by the object's monitor;
 * they run outside it, on the thread that completed the frame they were waiting for.
 */
final class CompletionOrder {
    private final List<Integer> order;
    private final Map<Integer, Runnable> held = new HashMap<>(); // guarded by this
    private int next; // guarded by this: the position in order whose frame completes next

    /** Completes frames as they finish ({@code order} null) or in {@code order}. */
    CompletionOrder(List<Integer> order) {
        this.order = order;
    }

    /**
     * Frame {@code frame} is drawn: runs {@code complete} now, or once its turn comes, along with any frames
     * waiting behind it.
     *
     * <p>Context: a renderer thread. Locking: takes the monitor briefly; the completions run outside it.
     */
    void finished(int frame, Runnable complete) {
        if (order == null) {
            complete.run();
            return;
        }
        while (true) {
            Runnable run;
            synchronized (this) {
                if (complete != null) {
                    held.put(frame, complete);
                    complete = null;
                }
                if (next == order.size() || !held.containsKey(order.get(next))) {
                    return;
                }
                run = held.remove(order.get(next));
                next++;
            }
            run.run();
        }
    }
}
