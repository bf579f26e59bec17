package dev.uvgem.core.vfs;

/**
 * What a poller hands to {@link FileOps#poll}: the file registers it on each wait queue that may change the
 * answer ({@code poll_wait}), and the poller is woken through it.
 *
 * <p>Thread-safety: one poller's table; its registrations are undone by the poller when it stops waiting.
 */
public interface PollTable {
    /** Readable. */
    int POLLIN = 0x1;
    /** Urgent data. */
    int POLLPRI = 0x2;
    /** Writable. */
    int POLLOUT = 0x4;
    /** Error. */
    int POLLERR = 0x8;
    /** Hung up. */
    int POLLHUP = 0x10;
    /** Invalid fd. */
    int POLLNVAL = 0x20;
    /** Normal data readable. */
    int POLLRDNORM = 0x40;
    /** Normal data writable. */
    int POLLWRNORM = 0x100;
    /** The answer of a file without a poll method. */
    int DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

    /** Registers the poller on {@code queue}, as {@code poll_wait}. */
    void wait(WaitQueue queue);
}
