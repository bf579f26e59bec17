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

        /**
         * Called when the queue is woken for the poll events in {@code key} only, as {@code wake_up_poll}'s key: an
         * entry that waits for none of them may ignore it (as {@code pollwake} does). By default it wakes.
         * Context: the waking thread, which may hold the locks of the object it wakes for; must not block.
         */
        default void wake(int key) {
            wake();
        }
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

    /**
     * Wakes every registered entry for the poll events in {@code key}, as {@code wake_up_poll}: entries waiting for
     * other events may ignore it. Context: any thread; never blocks.
     */
    public void wakeUp(int key) {
        for (Entry e : entries) {
            e.wake(key);
        }
    }

    /** Returns whether anyone is registered. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
