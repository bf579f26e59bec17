package dev.uvgem.sys;

import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.WaitQueue;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The wait-queue registrations of one poll, as the kernel's {@code poll_wqueues}: one entry per wait queue, keyed by
 * the events the fds polled through it asked for (POLLERR and POLLHUP always included), so that a keyed wake-up
 * for other events ({@link WaitQueue#wakeUp(int)}, e.g. a dma-buf's POLLIN slot firing for a poller of POLLOUT) is
 * ignored, as {@code pollwake} ignores it. Without the key such a wake-up, which a dma-buf's poll also makes for a
 * direction it finds ready, would make the poller pass again forever.
 *
 * <p>Thread-safety: {@link #wait} and {@link #interest} are called by the one thread running a pass; wake-ups
 * come from any thread; {@link #unregister()} from any thread.
 */
final class PollWaits implements PollTable {
    private final Runnable onWake;
    private final Map<WaitQueue, Registration> registrations = new ConcurrentHashMap<>();
    private int interest; // the events of the fd being polled; the passing thread only

    /** @param onWake run on the waking thread for each wake-up that concerns the poll; must not block */
    PollWaits(Runnable onWake) {
        this.onWake = onWake;
    }

    /** Sets the events the file about to be polled is asked for (POLLERR and POLLHUP are added). */
    void interest(int events) {
        interest = events | POLLERR | POLLHUP;
    }

    @Override
    public void wait(WaitQueue queue) {
        Registration r = registrations.get(queue);
        if (r == null) {
            r = new Registration(interest);
            registrations.put(queue, r);
            queue.add(r);
        } else {
            r.key |= interest;
        }
    }

    /** Leaves every wait queue. */
    void unregister() {
        registrations.forEach((queue, r) -> queue.remove(r));
        registrations.clear();
    }

    /** One wait-queue entry, as {@code poll_table_entry}. */
    private final class Registration implements WaitQueue.Entry {
        volatile int key;

        Registration(int key) {
            this.key = key;
        }

        @Override
        public void wake() {
            onWake.run();
        }

        @Override
        public void wake(int events) {
            if ((events & key) != 0) {
                onWake.run();
            }
        }
    }
}
