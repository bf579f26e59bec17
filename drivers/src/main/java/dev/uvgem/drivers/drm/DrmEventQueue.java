package dev.uvgem.drivers.drm;

import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A DRM file's event list, as {@code drm_file.event_list} with its {@code event_space} budget and {@code
 * event_wait} queue: whole events (vblank, flip complete) in FIFO order, read with {@code drm_read}'s rules.
 *
 * <p>Each file may have at most {@link #EVENT_SPACE} bytes of events reserved or undelivered; a reservation beyond
 * that is ENOMEM. Reading returns the space.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the queue's monitor guards the list and the budget (the
 * kernel's {@code event_lock}); nothing is called out while it is held except waking the wait queue, whose
 * entries never block.
 */
public final class DrmEventQueue {
    /** The per-file budget of the kernel: 4096 bytes. */
    public static final int EVENT_SPACE = 4096;

    private final ArrayDeque<byte[]> events = new ArrayDeque<>();
    private final WaitQueue wait = new WaitQueue();
    private int space = EVENT_SPACE;
    private boolean closed;

    DrmEventQueue() {}

    /** Returns the queue readers and pollers sleep on. */
    WaitQueue waitQueue() {
        return wait;
    }

    /** Takes {@code length} bytes of the budget, ENOMEM beyond it. Locking: takes the monitor. */
    synchronized void reserve(int length) {
        if (space < length) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        space -= length;
    }

    /** Returns reserved space of an event that will never be queued. Locking: takes the monitor. */
    synchronized void unreserve(int length) {
        space += length;
    }

    /** Queues a sent event (its space already reserved) and wakes readers; dropped once the file is closed. */
    void add(byte[] event) {
        synchronized (this) {
            if (closed) {
                return;
            }
            events.addLast(event);
        }
        wait.wakeUp();
    }

    /** Drops every queued event and refuses new ones, as {@code drm_events_release}. */
    synchronized void close() {
        closed = true;
        events.clear();
    }

    /**
     * Returns whether an event is queued.
     *
     * <p>Context: any thread. Locking: takes the monitor briefly.
     */
    public synchronized boolean hasEvents() {
        return !events.isEmpty();
    }

    /**
     * Returns the budget left (for tests).
     *
     * <p>Context: any thread. Locking: takes the monitor briefly.
     */
    public synchronized int space() {
        return space;
    }

    /** The poll answer: readable while an event is queued, as {@code drm_poll}. */
    int poll(PollTable table) {
        if (table != null) {
            table.wait(wait);
        }
        return hasEvents() ? PollTable.POLLIN | PollTable.POLLRDNORM : 0;
    }

    /**
     * Moves whole queued events into {@code dst} in FIFO order, as the copy loop of {@code drm_read}: an event
     * that does not fit in what is left stays queued (so 0 bytes is possible when the first does not fit).
     *
     * @return the bytes copied, or -1 if nothing is queued
     */
    int drainInto(ByteBuffer dst) {
        int copied = 0;
        synchronized (this) {
            if (events.isEmpty()) {
                return -1;
            }
            while (!events.isEmpty() && events.peekFirst().length <= dst.remaining()) {
                byte[] e = events.removeFirst();
                dst.put(e);
                space += e.length;
                copied += e.length;
            }
        }
        return copied;
    }
}
