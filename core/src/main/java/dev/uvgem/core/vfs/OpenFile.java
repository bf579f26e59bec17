package dev.uvgem.core.vfs;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open file description, as {@code struct file}: its operations, the object behind it, its open flags and
 * position, and a count of the references (fds in any process, in-flight fd passes, kernel holders) that keep
 * it open. {@link FileOps#release} runs when the last reference is dropped.
 *
 * <p>Thread-safety: safe for concurrent use; the count is atomic, the position is guarded by the file.
 */
public final class OpenFile {
    /** O_ACCMODE bits. */
    public static final int O_ACCMODE = 3;
    /** Read-only access. */
    public static final int O_RDONLY = 0;
    /** Write-only access. */
    public static final int O_WRONLY = 1;
    /** Read-write access. */
    public static final int O_RDWR = 2;
    /** Non-blocking I/O. */
    public static final int O_NONBLOCK = 0x800;
    /** Close on exec (an fd flag, kept per fd by the syscall layer). */
    public static final int O_CLOEXEC = 0x80000;

    private static final AtomicLong INODES = new AtomicLong(1);

    private final FileOps ops;
    private final Object privateData;
    private final int flags;
    private final long inode;
    private final AtomicLong refs = new AtomicLong(1);
    private long position;

    /** Opens a file with one reference, which the caller owns. */
    public OpenFile(FileOps ops, Object privateData, int flags) {
        this.ops = ops;
        this.privateData = privateData;
        this.flags = flags & (O_ACCMODE | O_NONBLOCK);
        this.inode = INODES.getAndIncrement();
    }

    /** Returns the file's operations. */
    public FileOps ops() {
        return ops;
    }

    /** Returns the object behind the file (a dma-buf, a sync_file, a DRM file, ...). */
    public Object privateData() {
        return privateData;
    }

    /**
     * Returns the object behind the file if it is a {@code type}, else throws {@code errno}: the common
     * "is this fd a dma-buf?" check of ioctls that take fds.
     */
    public <T> T privateData(Class<T> type, Errno errno) {
        if (type.isInstance(privateData)) {
            return type.cast(privateData);
        }
        throw new ErrnoException(errno);
    }

    /** Returns the open flags (access mode and O_NONBLOCK). */
    public int flags() {
        return flags;
    }

    /** Returns whether the file was opened non-blocking. */
    public boolean isNonBlocking() {
        return (flags & O_NONBLOCK) != 0;
    }

    /** Returns a number unique to this file, its inode number in debug listings. */
    public long inode() {
        return inode;
    }

    /** Returns the number of references keeping the file open. */
    public long refCount() {
        return refs.get();
    }

    /**
     * Takes a reference, as {@code get_file}.
     *
     * <p>Context: any thread. The caller must already hold a reference.
     */
    public OpenFile get() {
        if (refs.getAndIncrement() <= 0) {
            throw new IllegalStateException("get on a released file");
        }
        return this;
    }

    /**
     * Takes a reference unless the file has already been released (its count reached zero), as {@code
     * get_file_rcu}: for lock-free lookups that may race the last {@link #put()}.
     *
     * <p>Context: any thread, never blocks.
     *
     * @return true if a reference was taken
     */
    public boolean tryGet() {
        long n = refs.get();
        while (n > 0) {
            long seen = refs.compareAndExchange(n, n + 1);
            if (seen == n) {
                return true;
            }
            n = seen;
        }
        return false;
    }

    /**
     * Drops a reference, as {@code fput}; the last one releases the file.
     *
     * <p>Context: any thread; the release runs on it. Locking: takes none itself; the last put runs {@link
     * FileOps#release}, so the caller must not hold a lock that release takes.
     */
    public void put() {
        long left = refs.decrementAndGet();
        if (left == 0) {
            ops.release(this);
        } else if (left < 0) {
            throw new IllegalStateException("file put more often than got");
        }
    }

    /** Returns the file position. Context: any thread. Locking: the file's monitor, briefly. */
    public synchronized long position() {
        return position;
    }

    /** Sets the file position. Context: any thread. Locking: the file's monitor, briefly. */
    public synchronized void position(long position) {
        this.position = position;
    }
}
