package dev.uvgem.cli.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When a drawn frame gets its fence signalled: at once (the demo: frames finish in whatever order the threads
 * do), or held back until every frame before it in a given order has been (tests choose the order). Records the
 * order in which the completions ran.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the held-back completions are guarded by the object's
 * monitor; they run outside it, one at a time in the given order, on whichever thread completed the frame that let
 * them run (a second thread finding one at work leaves its completion to it).
 */
final class CompletionOrder {
    private final List<Integer> order;
    private final Map<Integer, Runnable> held = new HashMap<>(); // guarded by this
    private final List<Integer> ran = new ArrayList<>(); // guarded by this
    private int next; // guarded by this: the position in order whose frame completes next
    private boolean draining; // guarded by this: a thread is running completions

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
            synchronized (this) {
                ran.add(frame);
            }
            complete.run();
            return;
        }
        synchronized (this) {
            held.put(frame, complete);
            if (draining) {
                return;
            }
            draining = true;
        }
        while (true) {
            Runnable run;
            synchronized (this) {
                if (next == order.size() || !held.containsKey(order.get(next))) {
                    draining = false;
                    return;
                }
                ran.add(order.get(next));
                run = held.remove(order.get(next++));
            }
            run.run();
        }
    }

    /** Returns the frames in the order their completions ran. Locking: takes the monitor. */
    synchronized List<Integer> ran() {
        return List.copyOf(ran);
    }
}
