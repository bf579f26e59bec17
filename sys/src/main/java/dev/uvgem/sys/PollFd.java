package dev.uvgem.sys;

import dev.uvgem.core.vfs.PollTable;

/**
 * One entry of a {@link Process#poll} call, as {@code struct pollfd}: the fd, the events asked for (Linux POLL*
 * bits, see {@link PollTable}) and, after the call, the events that were reported.
 *
 * <p>Thread-safety: none; an entry belongs to one call.
 */
public final class PollFd {
    private final int fd;
    private final int events;
    private int revents;

    /**
     * Creates an entry.
     *
     * @param fd the fd to poll; a negative fd is ignored (its revents stay 0)
     * @param events the events of interest (the low 16 bits count); POLLERR and POLLHUP are reported regardless
     */
    public PollFd(int fd, int events) {
        this.fd = fd;
        this.events = events & 0xffff;
    }

    /** Returns the fd. */
    public int fd() {
        return fd;
    }

    /** Returns the events asked for. */
    public int events() {
        return events;
    }

    /** Returns the events reported by the last poll (0 before). */
    public int revents() {
        return revents;
    }

    void revents(int revents) {
        this.revents = revents;
    }

    @Override
    public String toString() {
        return "PollFd[fd=" + fd + ", events=0x" + Integer.toHexString(events) + ", revents=0x"
                + Integer.toHexString(revents) + "]";
    }
}
