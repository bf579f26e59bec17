package dev.uvgem.core.vfs;

import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A wait queue, as {@code wait_queue_head_t}: pollers register an {@link Entry} and are woken when the object
 * they poll may have changed state; they then poll again.
 *
 * <p>Thread-safety: lock-free registration and wake-up; wake-ups may be spurious.
 */
public final class WaitQueue {
    private final CopyOnWriteArraySet<Entry> entries = new CopyOnWriteArraySet<>();

    /** Creates an empty queue. */
    public WaitQueue() {}

    /** A registered waiter: {@link #wake()} must not block. */
    public interface Entry {
        /** Called when the queue is woken. Context: the waking thread; must not block. */
        void wake();
    }

    /** Registers {@code entry}. */
    public void add(Entry entry) {
        entries.add(entry);
    }

    /** Unregisters {@code entry}. */
    public void remove(Entry entry) {
        entries.remove(entry);
    }

    /** Wakes every registered entry, as {@code wake_up_all}. Context: any thread; never blocks. */
    public void wakeUp() {
        for (Entry e : entries) {
            e.wake();
        }
    }

    /** Returns whether anyone is registered. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
