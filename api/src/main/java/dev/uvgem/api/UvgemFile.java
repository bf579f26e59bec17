package dev.uvgem.api;

import dev.uvgem.uapi.ErrnoException;
import java.time.Duration;

/**
 * An fd of a uvgem process: a DRM device, a dma-buf, a sync file, a sw_sync timeline, a sync object. Closing it closes the fd;
 * the open file behind it lives on while other fds (dups, received copies) refer to it.
 *
 * <p>Thread-safety: safe for concurrent use; closing concurrently with other calls on the same object gives those
 * calls EBADF, as on Linux.
 */
public abstract sealed class UvgemFile implements AutoCloseable
        permits VgemDevice, KmsDisplay, DmaBufFd, SyncFileFd, SwSyncTimelineFd, SyncObjFd, RawFile, GpuDevice {
    /** Readable (a sync file has signalled; a dma-buf has no pending write fence). */
    public static final int POLLIN = 0x1;
    /** Writable (a dma-buf has no pending fence at all). */
    public static final int POLLOUT = 0x4;
    /** Error. */
    public static final int POLLERR = 0x8;
    /** Invalid fd. */
    public static final int POLLNVAL = 0x20;

    final Syscalls sys;
    final int fd;
    private volatile boolean closed;

    UvgemFile(Syscalls sys, int fd) {
        this.sys = sys;
        this.fd = fd;
    }

    /** Returns the fd number in its process. */
    public final int fd() {
        return fd;
    }

    /**
     * Polls this fd for {@code events}, waiting up to {@code timeout} (null waits forever).
     *
     * <p>Context: the calling thread; sleeps on the kernel clock. Locking: none of its own; holds no lock while it
     * sleeps (see {@link Syscalls#poll}).
     *
     * @return the ready events, 0 on timeout
     * @throws ErrnoException EINTR if the thread is interrupted while waiting
     */
    public final int poll(int events, Duration timeout) {
        short[] revents = new short[1];
        int ms = timeout == null ? -1 : (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Check.ok(sys.poll(new int[] {fd}, new short[] {(short) events}, revents, ms));
        return revents[0] & 0xffff;
    }

    /** Returns whether {@code events} are ready now ({@link #poll} without waiting). */
    public final boolean ready(int events) {
        return (poll(events, Duration.ZERO) & events) != 0;
    }

    /**
     * Puts this open file in flight for another process (SCM_RIGHTS): returns a single-use 16-byte token that
     * {@link Uvgem#receive} turns into an fd of the receiving process within 60 s.
     */
    public final byte[] send() {
        byte[] token = new byte[16];
        Check.ok(sys.fdSend(fd, token));
        return token;
    }

    /**
     * Closes the fd. Idempotent.
     *
     * <p>Context: the calling thread; the file's release runs on it if this was the last reference. Locking: none
     * of its own.
     */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            sys.close(fd);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(fd " + fd + ")";
    }
}
