package dev.uvgem.sys;

import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.EventFdContext;
import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * An eventfd, as {@code eventfd(2)}: an unsigned 64-bit counter that kernel code adds to ({@link #signal}) and a
 * reader drains. A read of at least 8 bytes returns the counter (little-endian) and resets it to 0, or, in
 * semaphore mode, returns 1 and decrements it; while the counter is 0 the read blocks, or fails with EAGAIN on a
 * non-blocking file. A read of fewer than 8 bytes is EINVAL. Poll reports POLLIN while the counter is nonzero,
 * POLLOUT while another 1 could be added without reaching 2^64-1, and POLLERR once it saturated there.
 *
 * <p>The eventfd is both the file's operations and its {@link OpenFile#privateData() private data}, so drivers
 * find it as an {@link EventFdContext} (DRM_IOCTL_SYNCOBJ_EVENTFD) and may keep it after the fd is closed.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the counter is guarded by the eventfd's monitor, held only
 * briefly; wake-ups happen after it is dropped; blocked readers park on the kernel clock without it.
 */
public final class EventFd implements FileOps, EventFdContext {
    /** Semaphore-like reads: each read takes 1. */
    public static final int EFD_SEMAPHORE = 1;
    /** The new file is non-blocking (same value as O_NONBLOCK). */
    public static final int EFD_NONBLOCK = OpenFile.O_NONBLOCK;
    /** The new fd is close-on-exec (same value as O_CLOEXEC). */
    public static final int EFD_CLOEXEC = OpenFile.O_CLOEXEC;
    /** Every flag {@code eventfd2} accepts. */
    public static final int EFD_FLAGS = EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC;

    /** The counter's ceiling, 2^64-1 as an unsigned long: reached only by saturating kernel signals. */
    private static final long MAX = -1L;

    private final Clock clock;
    private final boolean semaphore;
    private final WaitQueue queue = new WaitQueue();
    private long count;

    /**
     * Creates an eventfd.
     *
     * @param clock the kernel clock blocked readers park on
     * @param initval the initial counter value (unsigned)
     * @param semaphore whether reads are semaphore-like ({@link #EFD_SEMAPHORE})
     */
    public EventFd(Clock clock, long initval, boolean semaphore) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.count = initval;
        this.semaphore = semaphore;
    }

    /**
     * Opens a file on this eventfd, read-write, holding one reference the caller owns.
     *
     * @param flags {@link #EFD_NONBLOCK} or 0 (other bits are ignored)
     */
    public OpenFile open(int flags) {
        return new OpenFile(this, this, OpenFile.O_RDWR | (flags & OpenFile.O_NONBLOCK));
    }

    /**
     * Returns the counter (unsigned).
     *
     * <p>Context: any thread, never blocks. Locking: takes the eventfd's monitor briefly.
     */
    public synchronized long count() {
        return count;
    }

    /** Returns whether reads are semaphore-like. */
    public boolean isSemaphore() {
        return semaphore;
    }

    /** Returns the queue readers and pollers wait on. */
    public WaitQueue waitQueue() {
        return queue;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Context: any thread; never sleeps. Locking: the eventfd's monitor briefly, then wakes the queue.
     */
    @Override
    public long signal(long n) {
        long added;
        synchronized (this) {
            long room = MAX - count; // unsigned room left below 2^64-1
            added = Long.compareUnsigned(n, room) > 0 ? room : n;
            count += added;
        }
        if (added != 0) {
            queue.wakeUp();
        }
        return added;
    }

    /**
     * Reads the counter: 8 bytes, little-endian.
     *
     * <p>Context: the calling process; sleeps while the counter is 0 unless the file is non-blocking. Locking: the
     * eventfd's monitor only around each attempt to take the counter; sleeps without it, parked on the kernel clock.
     *
     * @throws ErrnoException EINVAL for fewer than 8 bytes; EAGAIN if non-blocking and 0; EINTR if the thread is
     *     interrupted while blocked (the thread stays interrupted)
     */
    @Override
    public int read(OpenFile file, ByteBuffer dst, Task task) {
        if (dst.remaining() < Long.BYTES) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long value = take(file.isNonBlocking());
        for (int i = 0; i < Long.BYTES; i++) {
            dst.put((byte) (value >>> (8 * i)));
        }
        return Long.BYTES;
    }

    /**
     * Reports POLLIN while the counter is nonzero, POLLOUT while 1 more fits below 2^64-1, POLLERR once saturated.
     *
     * <p>Context: any thread, never sleeps. Locking: takes the eventfd's monitor briefly to read the counter, after
     * registering on the queue.
     */
    @Override
    public int poll(OpenFile file, PollTable table) {
        if (table != null) {
            table.wait(queue);
        }
        long c = count();
        int mask = 0;
        if (c != 0) {
            mask |= PollTable.POLLIN;
        }
        if (c == MAX) {
            mask |= PollTable.POLLERR;
        }
        if (Long.compareUnsigned(c, MAX - 1) < 0) {
            mask |= PollTable.POLLOUT;
        }
        return mask;
    }

    /** Takes the read's value, blocking while the counter is 0 unless {@code nonBlocking}. */
    private long take(boolean nonBlocking) {
        long value = tryTake();
        if (value != 0) {
            queue.wakeUp(); // the counter fell: writers (POLLOUT) may proceed
            return value;
        }
        if (nonBlocking) {
            throw new ErrnoException(Errno.EAGAIN);
        }
        Thread self = Thread.currentThread();
        WaitQueue.Entry waiter = () -> LockSupport.unpark(self);
        queue.add(waiter);
        try {
            while ((value = tryTake()) == 0) {
                if (Thread.interrupted()) {
                    self.interrupt();
                    throw new ErrnoException(Errno.EINTR);
                }
                clock.parkUntil(this, Clock.FOREVER);
            }
        } finally {
            queue.remove(waiter);
        }
        queue.wakeUp();
        return value;
    }

    private synchronized long tryTake() {
        if (count == 0) {
            return 0;
        }
        long value = semaphore ? 1 : count;
        count -= value;
        return value;
    }

    @Override
    public String toString() {
        return "EventFd[count=" + Long.toUnsignedString(count()) + (semaphore ? ", semaphore]" : "]");
    }
}
