package dev.uvgem.drivers.sched;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordered workqueue over a shared executor, as {@code alloc_ordered_workqueue}: work items run one at a time,
 * in queueing order, on the executor's threads, without a thread of their own. A direct executor ({@code
 * Runnable::run}) runs them on the queueing thread, one after the other (a queueing from inside a running item
 * runs after it), which tests use for determinism.
 *
 * <p>Thread-safety: lock-free; {@link #queue} may be called from any thread.
 */
final class OrderedWork {
    private static final System.Logger LOG = System.getLogger(OrderedWork.class.getName());

    private final Executor executor;
    private final ConcurrentLinkedQueue<Runnable> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    OrderedWork(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Queues {@code work}; it runs after every item queued before it. Context: any thread, never blocks. */
    void queue(Runnable work) {
        items.add(work);
        if (pending.getAndIncrement() == 0) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        do {
            Runnable work = items.poll();
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                // A failing item must not stall the items behind it, as a crashing work function does not.
                LOG.log(Level.ERROR, "scheduler work failed", e);
            }
        } while (pending.decrementAndGet() != 0);
    }
}
