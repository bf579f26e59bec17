package dev.uvgem.api;

/**
 * The system calls of one uvgem process, the backend of the Java API: an embedded kernel's process, or a daemon
 * connection ({@code dev.uvgem.client.RemoteSyscalls}, made by {@code UvgemClient.connect(socket)}). Every call returns its Linux result ({@code >= 0}) or
 * {@code -errno}, and never throws for a failed call; the shapes are those of the wire contract's operations.
 *
 * <p>Thread-safety: implementations are safe for concurrent use by the process's threads; a blocking call (poll,
 * a blocking read, a waiting ioctl) does not hold up calls from other threads.
 */
public interface Syscalls extends AutoCloseable {
    /** {@code open(2)}: the new fd, or -errno. */
    long open(String path, int flags);

    /** {@code close(2)}: 0, or -errno. */
    long close(int fd);

    /** {@code dup(2)}: the new fd, or -errno. */
    long dup(int fd);

    /**
     * {@code ioctl(2)}: {@code arg} holds the bytes the third argument points at and receives them back as the
     * call left them; {@code user} is the user memory that pointer fields address, starting at {@link #USER_BASE},
     * and also receives what the call wrote there.
     *
     * <p>Context: the calling thread; sleeps if the ioctl waits (-EINTR if interrupted). Locking: none held by the
     * caller's side while it sleeps; the kernel's are the embedded {@code Process}'s.
     *
     * @param user the user window, or null for none
     * @return the ioctl's return value, or -errno
     */
    long ioctl(int fd, int request, byte[] arg, byte[] user);

    /**
     * {@code poll(2)} over {@code fds[i]} with {@code events[i]}; fills {@code revents}.
     *
     * <p>Context: the calling thread; sleeps up to {@code timeoutMs} (negative: forever; -EINTR if interrupted).
     * Locking: none held while it sleeps.
     *
     * @return the number of entries with nonzero revents (0 on timeout), or -errno
     */
    long poll(int[] fds, short[] events, short[] revents, int timeoutMs);

    /**
     * {@code read(2)} into {@code buffer[offset, offset+length)}: the byte count, or -errno.
     *
     * <p>Context: the calling thread; sleeps on a blocking file with nothing to read (-EINTR if interrupted).
     * Locking: none held while it sleeps.
     */
    long read(int fd, byte[] buffer, int offset, int length);

    /** {@code lseek(2)}: the new offset, or -errno. */
    long lseek(int fd, long offset, int whence);

    /**
     * {@code mmap(2)} with MAP_SHARED.
     *
     * @throws dev.uvgem.uapi.ErrnoException with the call's errno
     */
    MappedMemory mmap(int fd, long offset, long length, int prot);

    /** Puts {@code fd}'s open file in flight for another process: writes a 16-byte token; 0 or -errno. */
    long fdSend(int fd, byte[] token);

    /** Receives the open file in flight under {@code token}: the new fd, or -errno. */
    long fdRecv(byte[] token);

    /** {@code eventfd2(2)}: the new fd, or -errno. */
    long eventfd(int initval, int flags);

    /**
     * {@code clock_gettime(CLOCK_MONOTONIC)} in nanoseconds: the clock the kernel's absolute timeouts (syncobj
     * waits) and fence timestamps are on. Default: {@link System#nanoTime()}, which is CLOCK_MONOTONIC on Linux,
     * as a daemon on this machine runs on; an embedded kernel answers with its own clock (a virtual one in tests).
     */
    default long clockMonotonic() {
        return System.nanoTime();
    }

    /** Returns whether this process is privileged (root / an admin connection). */
    boolean isAdmin();

    /**
     * Ends the process: every fd it holds is released as at process exit. Idempotent.
     *
     * <p>Context: any thread but one blocked in this process's own call; releases run on it. Locking: none held
     * while files are released.
     */
    @Override
    void close();

    /** Where the user window of {@link #ioctl} starts. */
    long USER_BASE = 0x1000_0000L;
}
