package dev.uvgem.sys;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.UserMemory;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Ioc;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * A uvgem process (one connection of the daemon) and its system calls: open, close, dup, ioctl, poll, read, lseek,
 * mmap, munmap, fd passing and eventfd, with the semantics of the wire contract and of Linux.
 *
 * <p>Every system call returns a {@code long}: {@code >= 0} is the result, {@code < 0} is minus a Linux errno.
 * No exception escapes: an {@link ErrnoException} becomes its {@code -errno}; anything else is a bug in uvgem, which
 * is logged and answered with {@code -EIO} (or {@code -ENOMEM} for an {@link OutOfMemoryError}) after the call has
 * undone what it did (references dropped, reserved fds given back).
 *
 * <p><b>Exit.</b> {@link #exit()} releases the process as a Linux exit does: mappings first, then every fd, each
 * file reference dropped exactly once. Files the process sent with {@link #fdSend} and nobody received yet stay in
 * flight, as SCM_RIGHTS messages do. After exit the process has no fd table: every system call returns
 * {@code -EBADF}. Exit does not interrupt calls blocked in other threads (the daemon cancels them); a poll still
 * running sees its fds as closed (POLLNVAL) at its next wake-up.
 *
 * <p><b>Interruption.</b> A blocked call (poll, a blocking read, a waiting ioctl) ends with {@code -EINTR} when its
 * thread is interrupted ({@link Thread#interrupt()}, what the daemon's CANCEL does); the thread stays interrupted.
 *
 * <p>Context: system calls run on the caller's thread; poll, blocking reads and waiting ioctls sleep on it.
 * Locking: no lock of the process is held while a file operation runs; the fd table's lock is taken briefly
 * around each lookup, and every file a call uses is referenced for the duration of the call.
 *
 * <p>Thread-safety: safe for concurrent calls from any number of threads, as a multi-threaded Linux process.
 */
public final class Process implements Task {
    /** Open for reading and writing. */
    public static final int O_RDWR = OpenFile.O_RDWR;
    /** Non-blocking I/O. */
    public static final int O_NONBLOCK = OpenFile.O_NONBLOCK;
    /** Close-on-exec. */
    public static final int O_CLOEXEC = OpenFile.O_CLOEXEC;
    /** lseek: from the start. */
    public static final int SEEK_SET = 0;
    /** lseek: from the current position. */
    public static final int SEEK_CUR = 1;
    /** lseek: from the end. */
    public static final int SEEK_END = 2;
    /** The highest whence Linux accepts before asking the file (SEEK_HOLE). */
    public static final int SEEK_MAX = 4;
    /** mmap: readable. */
    public static final int PROT_READ = 1;
    /** mmap: writable. */
    public static final int PROT_WRITE = 2;
    /** mmap: executable. */
    public static final int PROT_EXEC = 4;
    /** The page size: mmap offsets are multiples of it. */
    public static final long PAGE_SIZE = 4096;
    /** The address of the first mapping {@link #mmap} hands out. */
    public static final long MMAP_BASE = 0x7f00_0000_0000L;
    /** {@code DMA_BUF_SET_NAME_A} ({@code _IOW('b', 1, u32)}): its argument is the name string itself. */
    public static final int DMA_BUF_SET_NAME_A = 0x40046201;
    /** {@code DMA_BUF_SET_NAME_B} ({@code _IOW('b', 1, u64)}, = DMA_BUF_SET_NAME on 64-bit). */
    public static final int DMA_BUF_SET_NAME_B = 0x40086201;

    private static final System.Logger LOG = System.getLogger(Process.class.getName());
    private static final int TASK_COMM_LEN = 15;
    private static final byte[] NO_ARG = new byte[0];
    /** The user address space size of x86-64 (47 bits): longer mappings are ENOMEM. */
    private static final long TASK_SIZE = 1L << 47;

    private final Kernel kernel;
    private final int pid;
    private final String comm;
    private final boolean admin;
    private final FdTable fds;
    private final Cgroup cgroup;
    private final AtomicInteger filesInFlight = new AtomicInteger();
    private final AtomicBoolean exited = new AtomicBoolean();
    private final Map<Long, Mapping> mappings = new HashMap<>(); // guarded by itself
    private long nextMapAddress = MMAP_BASE; // guarded by mappings

    Process(Kernel kernel, int pid, String comm, boolean admin) {
        this.kernel = kernel;
        this.pid = pid;
        this.comm = truncateComm(comm);
        this.admin = admin;
        KernelConfig.ProcessLimits limits = kernel.config().limits();
        this.fds = new FdTable(limits.maxOpenFds());
        this.cgroup = new Cgroup(
                this.comm + "[" + pid + "]", limits.maxBuffers(), limits.maxBufferBytes(), limits.maxFences());
    }

    // ---- identity and diagnostics ----

    /** Returns the process id (unique within its kernel, from 1). */
    public int pid() {
        return pid;
    }

    /** Returns the kernel the process runs in. */
    public Kernel kernel() {
        return kernel;
    }

    /** Returns whether the process has exited. */
    public boolean hasExited() {
        return exited.get();
    }

    /**
     * Returns the number of open fds.
     *
     * <p>Context: any thread, never blocks. Locking: takes the fd table's monitor briefly.
     */
    public int openFdCount() {
        return fds.openCount();
    }

    /**
     * Returns the open fds in ascending order.
     *
     * <p>Context: any thread, never blocks. Locking: takes the fd table's monitor briefly.
     */
    public int[] openFds() {
        return fds.openFds();
    }

    /**
     * Runs {@code action} on every open file with its fd, ascending, each file referenced while the action runs;
     * an fd closed meanwhile is skipped. For debug listings.
     *
     * <p>Context: any thread; the action runs on it, and so does a release if the action's file was closed
     * meanwhile. Locking: takes the fd table's monitor briefly per fd; none held while the action runs.
     */
    void forEachFile(ObjIntConsumer<OpenFile> action) {
        for (int fd : fds.openFds()) {
            OpenFile file;
            try {
                file = fds.fget(fd);
            } catch (ErrnoException e) { // closed meanwhile
                continue;
            }
            try {
                action.accept(file, fd);
            } finally {
                file.put();
            }
        }
    }

    /**
     * Returns the number of files this process sent with {@link #fdSend} that are still in flight (neither received
     * nor expired); they stay charged to it after it exits.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public int filesInFlight() {
        return filesInFlight.get();
    }

    /**
     * Charges one file in flight, as {@code unix_inflight} after the {@code too_many_unix_fds} check: refused while
     * more files than the fd limit are in flight from an unprivileged process (Linux counts per user and exempts
     * CAP_SYS_ADMIN; uvgem counts per process and exempts admin processes). Check and increment are not one atomic
     * step, as on Linux: racing senders may pass the limit by their number.
     */
    boolean chargeInFlight() {
        if (!admin && filesInFlight.get() > fds.limit()) {
            return false;
        }
        filesInFlight.incrementAndGet();
        return true;
    }

    /** Uncharges a file {@link #chargeInFlight} charged: it was received, expired or dropped. */
    void unchargeInFlight() {
        filesInFlight.decrementAndGet();
    }

    /**
     * Returns the number of live mappings.
     *
     * <p>Context: any thread, never blocks. Locking: takes the mapping table's monitor briefly.
     */
    public int mappingCount() {
        synchronized (mappings) {
            return mappings.size();
        }
    }

    // ---- Task ----

    /**
     * {@inheritDoc} Outside a system call no reference is taken: the file may go with a concurrent close.
     *
     * <p>Context: any thread, never blocks. Locking: takes the fd table's monitor briefly.
     */
    @Override
    public OpenFile file(int fd) {
        return fds.lookup(fd);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Context: any thread, never blocks. Locking: takes the fd table's monitor briefly.
     */
    @Override
    public int install(OpenFile file, int fdFlags) {
        return installOrPut(file, fdFlags);
    }

    /**
     * Returns the user memory outside an ioctl: none (every non-empty access faults).
     *
     * <p>Context: any thread. Locking: none.
     */
    @Override
    public UserMemory user() {
        return UserWindow.empty();
    }

    @Override
    public boolean isAdmin() {
        return admin;
    }

    /**
     * {@inheritDoc} It outlives the process while anything charged to it (a buffer another process holds) lives.
     */
    @Override
    public Cgroup cgroup() {
        return cgroup;
    }

    @Override
    public String comm() {
        return comm;
    }

    // ---- system calls ----

    /**
     * Opens {@code path}, as {@code open(2)}.
     *
     * <p>Context: the caller's thread; runs the device's open, which does not sleep on fences. Locking: the fd table's
     * monitor briefly (to reserve the fd, then to install the file); none held while the device opens.
     *
     * @param flags O_RDWR (or another access mode), O_NONBLOCK, O_CLOEXEC
     * @return the new fd (the lowest free one from 3); -EMFILE if the table is full, -ENOENT if the path is not
     *     registered, -EACCES if this process may not open it, -EFAULT for a null path, or the device's error
     */
    public long open(String path, int flags) {
        return syscall("open", () -> {
            if (path == null) {
                throw new ErrnoException(Errno.EFAULT);
            }
            return installNew(flags & O_CLOEXEC, () -> kernel.openPath(path, flags, this, admin));
        });
    }

    /**
     * Closes {@code fd}, as {@code close(2)}: 0, or -EBADF. The file is released with its last reference.
     *
     * <p>Context: the caller's thread; the release of a last reference runs on it. Locking: the fd table's monitor
     * briefly; none held during the release.
     */
    public long close(int fd) {
        return syscall("close", () -> {
            fds.remove(fd).put();
            return 0;
        });
    }

    /**
     * Duplicates {@code fd} onto the lowest free fd (not close-on-exec), as {@code dup(2)}: -EBADF, -EMFILE.
     *
     * <p>Context: any thread, never blocks. Locking: takes the fd table's monitor briefly.
     */
    public long dup(int fd) {
        return syscall("dup", () -> installOrPut(fds.fget(fd), 0));
    }

    /**
     * Issues an ioctl, as {@code ioctl(2)} through the contract's IOCTL op.
     *
     * <p>{@code arg} holds what the third argument points at: for a struct ioctl at least {@code _IOC_SIZE(request)}
     * bytes (fewer is -EFAULT), of which the first {@code _IOC_SIZE} are handed to the file as a little-endian
     * buffer and copied back into {@code arg} afterwards (also when the ioctl failed, as DRM does) if the request
     * has the read direction, and left unchanged otherwise. For {@link #DMA_BUF_SET_NAME_A}/{@link
     * #DMA_BUF_SET_NAME_B} {@code arg} is the NUL-terminated name itself, handed over whole and never copied back.
     * The file sees {@code user} as the process's user memory during this call, and fds it looks up through the
     * call's {@link Task} stay open until the call returns.
     *
     * <p>Context: the caller's thread; sleeps if the ioctl waits, and ends with -EINTR if interrupted there. Locking:
     * each fd lookup takes at most the fd table's monitor, briefly; none held while the file's ioctl runs.
     *
     * @param user the user window for pointer fields, or null for none
     * @return the ioctl's return value; -EBADF, -EFAULT, -ENOTTY (a request the file does not implement), or the
     *     file's error
     */
    public long ioctl(int fd, int request, byte[] arg, UserWindow user) {
        return syscall("ioctl", () -> {
            OpenFile file = fds.fget(fd);
            try {
                return ioctl(file, request, arg, user == null ? UserWindow.empty() : user);
            } finally {
                file.put();
            }
        });
    }

    private long ioctl(OpenFile file, int request, byte[] arg, UserWindow user) {
        boolean setName = request == DMA_BUF_SET_NAME_A || request == DMA_BUF_SET_NAME_B;
        int size = setName ? (arg == null ? 0 : arg.length) : Ioc.size(request);
        if (setName ? arg == null : size > 0 && (arg == null || arg.length < size)) {
            throw new ErrnoException(Errno.EFAULT);
        }
        byte[] data = size == 0 ? NO_ARG : Arrays.copyOf(arg, size);
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        boolean copyBack = !setName && size > 0 && (Ioc.dir(request) & Ioc.READ) != 0;
        CallTask task = new CallTask(user);
        long result;
        try {
            result = file.ops().ioctl(file, request, buffer, task);
        } catch (ErrnoException e) {
            if (copyBack) {
                System.arraycopy(data, 0, arg, 0, size);
            }
            throw e;
        } finally {
            task.unpin();
        }
        if (copyBack) {
            System.arraycopy(data, 0, arg, 0, size);
        }
        return checkResult("ioctl", result);
    }

    /**
     * Waits for events on a set of fds, as {@code poll(2)}. For each entry: a negative fd is ignored (revents 0);
     * an fd that is not open reports POLLNVAL; otherwise the file's ready events masked by the requested ones,
     * POLLERR and POLLHUP always included. Sleeps on the files' wait queues (no polling loop) until an entry is
     * ready, the timeout passes on the kernel clock, or the thread is interrupted; ready entries win over both.
     *
     * <p>Context: the caller's thread; sleeps on the files' wait queues, parked on the kernel clock. Locking: each fd
     * lookup takes at most the fd table's monitor, briefly; none held while it sleeps.
     *
     * @param timeoutMs milliseconds to wait: negative waits forever, 0 does not wait
     * @return the number of entries with nonzero revents (0 on timeout); -EINTR if interrupted while waiting (the
     *     thread stays interrupted); -EFAULT for a null array or entry; -EINVAL for more entries than the fd limit
     */
    public long poll(PollFd[] pollFds, int timeoutMs) {
        return syscall("poll", () -> {
            checkPollFds(pollFds);
            Poller poller = new Poller();
            try {
                return poller.run(pollFds, timeoutMs);
            } finally {
                poller.unregister();
            }
        });
    }

    /**
     * Starts a poll that completes through {@code completion} instead of a sleeping thread: the same answer as
     * {@link #poll} with the same arguments, delivered when an entry becomes ready or the timeout passes. Each
     * wake-up of a polled file's wait queue (a fence's poll callback, an eventfd write) hands one re-poll of the
     * entries to {@code repoll}; when it finds an entry ready, the completion runs there, on that executor's
     * thread. An interrupt has nothing to interrupt: {@link AsyncPoll#cancel()} stops it instead.
     *
     * <p>{@code repoll} must not run a task on the calling thread inside {@code execute}: wake-ups come from
     * fence callbacks and wait-queue wake-ups, whose callers may hold locks the re-poll takes (a dma-buf's
     * reservation lock). The daemon runs it on an event loop right after the request that signalled.
     *
     * <p>Context: any thread, never sleeps; the first pass runs on it, and so does the completion if an entry is
     * ready at once, {@code timeoutMs} is 0, or the arguments are bad. Locking: as {@link #poll}'s passes; none
     * held when the completion runs.
     *
     * @param completion told exactly once, unless cancelled first: the count of entries with nonzero revents (0 on
     *     timeout), or -EFAULT / -EINVAL as {@link #poll}; the revents are in {@code pollFds} when it runs
     * @return the poll, to cancel
     */
    public AsyncPoll pollAsync(PollFd[] pollFds, int timeoutMs, Executor repoll, LongConsumer completion) {
        AsyncPoll poll = new AsyncPoll(this, pollFds, repoll, completion);
        long bad = syscall("poll", () -> {
            checkPollFds(pollFds);
            return 0;
        });
        if (bad < 0) {
            poll.complete(bad);
        } else {
            poll.start(timeoutMs);
        }
        return poll;
    }

    private void checkPollFds(PollFd[] pollFds) {
        if (pollFds == null) {
            throw new ErrnoException(Errno.EFAULT);
        }
        for (PollFd p : pollFds) {
            if (p == null) {
                throw new ErrnoException(Errno.EFAULT);
            }
        }
        if (pollFds.length > fds.limit()) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    /**
     * Polls every entry once, as one pass of {@code do_poll}: each entry's revents is set; the files are asked
     * through {@code table} (registering it on their wait queues, keyed by the entry's events) until one is ready,
     * then without it; {@code table} null registers nothing.
     *
     * <p>Context: any thread, never sleeps. Locking: the fd lookups and the files' poll methods, briefly.
     *
     * @return the number of entries with nonzero revents
     */
    int pollPass(PollFd[] pollFds, PollWaits table) {
        int count = 0;
        for (PollFd p : pollFds) {
            int revents = 0;
            if (p.fd() >= 0) {
                OpenFile file = lookupOrNull(p.fd());
                if (file == null) {
                    revents = PollTable.POLLNVAL;
                } else {
                    try {
                        if (table != null) {
                            table.interest(p.events());
                        }
                        int mask = file.ops().poll(file, count > 0 ? null : table);
                        revents = mask & (p.events() | PollTable.POLLERR | PollTable.POLLHUP);
                    } finally {
                        file.put();
                    }
                }
            }
            p.revents(revents);
            if (revents != 0) {
                count++;
            }
        }
        return count;
    }

    private OpenFile lookupOrNull(int fd) {
        try {
            return fds.fget(fd);
        } catch (ErrnoException e) {
            return null;
        }
    }

    /**
     * Reads into all of {@code buffer}, as {@link #read(int, byte[], int, int)}.
     *
     * <p>Context: as the full form. Locking: as the full form.
     */
    public long read(int fd, byte[] buffer) {
        return read(fd, buffer, 0, buffer == null ? 0 : buffer.length);
    }

    /**
     * Reads up to {@code length} bytes into {@code buffer} at {@code offset}, as {@code read(2)}: DRM events,
     * debugfs text, an eventfd's counter. Whether it blocks is the file's business (O_NONBLOCK: -EAGAIN).
     *
     * <p>Context: the caller's thread; may sleep in the file's read (an eventfd at 0). Locking: the fd lookup takes at
     * most the fd table's monitor, briefly; none held during the read.
     *
     * @return the number of bytes read (0 at end of file); -EBADF if the fd is not open or not open for reading;
     *     -EFAULT if the range is not inside {@code buffer}; -EINVAL if the file cannot be read; -EINTR if
     *     interrupted while blocked; or the file's error
     */
    public long read(int fd, byte[] buffer, int offset, int length) {
        return syscall("read", () -> {
            OpenFile file = fds.fget(fd);
            try {
                if (!readable(file)) {
                    throw new ErrnoException(Errno.EBADF);
                }
                if (buffer == null || offset < 0 || length < 0 || offset > buffer.length - length) {
                    throw new ErrnoException(Errno.EFAULT);
                }
                ByteBuffer dst = ByteBuffer.wrap(buffer, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
                int n = file.ops().read(file, dst, this);
                if (n < 0 || n > length) {
                    throw new IllegalStateException("read returned " + n + " for " + length + " bytes");
                }
                return n;
            } finally {
                file.put();
            }
        });
    }

    /**
     * Moves the file position, as {@code lseek(2)}.
     *
     * <p>Context: any thread, never sleeps. Locking: the fd lookup takes at most the fd table's monitor, briefly; none
     * held while the file seeks.
     *
     * @param whence SEEK_SET, SEEK_CUR, SEEK_END (or SEEK_DATA/SEEK_HOLE, which files may refuse)
     * @return the new position; -EBADF; -EINVAL for a whence above SEEK_HOLE or a bad position; -ESPIPE for a file
     *     without positions
     */
    public long lseek(int fd, long offset, int whence) {
        return syscall("lseek", () -> {
            OpenFile file = fds.fget(fd);
            try {
                if (whence < 0 || whence > SEEK_MAX) {
                    throw new ErrnoException(Errno.EINVAL);
                }
                return checkResult("lseek", file.ops().lseek(file, offset, whence));
            } finally {
                file.put();
            }
        });
    }

    /**
     * Maps {@code length} bytes of {@code fd} at {@code offset}, shared, as {@code mmap(2)} with MAP_SHARED: a GEM
     * object through its device fd and fake offset, or a dma-buf at offset 0. The process keeps the mapping until
     * {@link #munmap} or exit; {@link #mapping} returns it.
     *
     * <p>Context: the caller's thread, never sleeps on fences (the buffer's memory may be allocated now). Locking: the
     * fd lookup takes at most the fd table's monitor, briefly; none held while the file maps; then the mapping table's
     * monitor, to record the mapping.
     *
     * @param prot PROT_READ, PROT_WRITE, PROT_EXEC
     * @return the mapping's address (page-aligned, positive, never reused within the process); -EINVAL for an
     *     offset that is negative or not page-aligned, or a zero length; -EBADF; -ENOMEM for a length past the
     *     address space; -EACCES if the file is not open for reading, or PROT_WRITE on a file not open for writing;
     *     -ENODEV if the file cannot be mapped; or the file's error (-EINVAL out of range)
     */
    public long mmap(int fd, long offset, long length, int prot) {
        return syscall("mmap", () -> {
            if ((offset & (PAGE_SIZE - 1)) != 0) {
                throw new ErrnoException(Errno.EINVAL);
            }
            OpenFile file = fds.fget(fd);
            try {
                if (length == 0 || offset < 0) {
                    throw new ErrnoException(Errno.EINVAL);
                }
                if (length < 0 || length > TASK_SIZE) {
                    throw new ErrnoException(Errno.ENOMEM);
                }
                if (!readable(file) || ((prot & PROT_WRITE) != 0 && !writable(file))) {
                    throw new ErrnoException(Errno.EACCES);
                }
                Mapping mapping = file.ops().mmap(file, offset, length, prot, this);
                if (mapping == null) {
                    throw new IllegalStateException("mmap returned no mapping");
                }
                return track(mapping, length);
            } finally {
                file.put();
            }
        });
    }

    /**
     * Returns the mapping at {@code address} (a result of {@link #mmap}), or null if there is none.
     *
     * <p>Context: any thread, never blocks. Locking: takes the mapping table's monitor briefly.
     */
    public Mapping mapping(long address) {
        synchronized (mappings) {
            return mappings.get(address);
        }
    }

    /**
     * Unmaps the mapping at {@code address}, as {@code munmap(2)}.
     *
     * <p>Context: the caller's thread; unmapping may drop the last reference to a buffer, a GEM object or a file and
     * free it there. Locking: the mapping table's monitor briefly; none held while unmapping.
     *
     * @return 0 (also when nothing is mapped there, as on Linux); -EINVAL for an address that is not page-aligned
     */
    public long munmap(long address) {
        return syscall("munmap", () -> {
            if ((address & (PAGE_SIZE - 1)) != 0) {
                throw new ErrnoException(Errno.EINVAL);
            }
            Mapping mapping;
            synchronized (mappings) {
                mapping = mappings.remove(address);
            }
            if (mapping != null) {
                mapping.close();
            }
            return 0;
        });
    }

    /**
     * Puts the open file behind {@code fd} in flight for another process of this kernel, as sending it with
     * SCM_RIGHTS: writes a random single-use token into {@code token}. The file stays open (the token holds a
     * reference) until it is received with {@link #fdRecv} or {@link Kernel#FD_TOKEN_LIFETIME} passes on the
     * kernel clock, even if this process exits meanwhile.
     *
     * <p>Context: any thread, never blocks. Locking: the fd lookup takes at most the fd table's monitor, briefly; arms
     * the token's expiry on the kernel clock.
     *
     * @param token receives the {@value Kernel#FD_TOKEN_BYTES}-byte token
     * @return 0; -EFAULT if {@code token} is null or shorter than 16 bytes; -EBADF; -ETOOMANYREFS if more files
     *     than the fd limit are in flight from this (unprivileged) process, as SCM_RIGHTS reports it
     */
    public long fdSend(int fd, byte[] token) {
        return syscall("fdSend", () -> {
            if (token == null || token.length < Kernel.FD_TOKEN_BYTES) {
                throw new ErrnoException(Errno.EFAULT);
            }
            byte[] t = kernel.send(fds.fget(fd), this);
            System.arraycopy(t, 0, token, 0, t.length);
            return 0;
        });
    }

    /**
     * Receives the file in flight under {@code token} onto the lowest free fd, as receiving SCM_RIGHTS: the new fd
     * refers to the same open file as the sender's. The fd is reserved first, so on -EMFILE the token stays valid.
     *
     * <p>Context: any thread, never blocks. Locking: the fd table's monitor briefly (to reserve the fd, then to install
     * the file); cancels the token's expiry.
     *
     * @return the new fd; -ENOENT for a token that is unknown, used or expired; -EFAULT for null; -EMFILE
     */
    public long fdRecv(byte[] token) {
        return syscall("fdRecv", () -> {
            if (token == null) {
                throw new ErrnoException(Errno.EFAULT);
            }
            return installNew(0, () -> kernel.receive(token));
        });
    }

    /**
     * Creates an eventfd, as {@code eventfd2(2)}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the fd table's monitor briefly.
     *
     * @param initval the initial counter (unsigned 32-bit)
     * @param flags {@link EventFd#EFD_SEMAPHORE}, {@link EventFd#EFD_NONBLOCK}, {@link EventFd#EFD_CLOEXEC}
     * @return the new fd; -EINVAL for other flag bits; -EMFILE
     */
    public long eventfd(int initval, int flags) {
        return syscall("eventfd", () -> {
            if ((flags & ~EventFd.EFD_FLAGS) != 0) {
                throw new ErrnoException(Errno.EINVAL);
            }
            EventFd eventFd =
                    new EventFd(kernel.clock(), Integer.toUnsignedLong(initval), (flags & EventFd.EFD_SEMAPHORE) != 0);
            return installOrPut(eventFd.open(flags), flags & EventFd.EFD_CLOEXEC);
        });
    }

    /**
     * Exits: unmaps every mapping, then closes every fd, dropping each file reference exactly once, and leaves the
     * kernel's process list. Files in flight from {@link #fdSend} stay in flight. Idempotent; never throws.
     *
     * <p>Context: any thread; runs file releases on it. Locking: the mapping table's and the fd table's monitors
     * briefly, to empty them; none held while mappings close and files are released.
     */
    public void exit() {
        if (!exited.compareAndSet(false, true)) {
            return;
        }
        List<Mapping> maps;
        synchronized (mappings) {
            maps = new ArrayList<>(mappings.values());
            mappings.clear();
        }
        for (Mapping m : maps) {
            try {
                m.close();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, () -> "munmap at exit of " + this + " failed", e);
            }
        }
        for (OpenFile f : fds.closeAll()) {
            try {
                f.put();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, () -> "release at exit of " + this + " failed", e);
            }
        }
        kernel.reap(this);
    }

    @Override
    public String toString() {
        return "Process[" + pid + " " + comm + (admin ? ", admin" : "") + (exited.get() ? ", exited]" : "]");
    }

    // ---- internals ----

    /** Runs a system call body: errno to -errno, bugs logged and answered -EIO, nothing escapes. */
    private long syscall(String name, LongSupplier body) {
        if (exited.get()) {
            return Errno.EBADF.negative();
        }
        try {
            return body.getAsLong();
        } catch (ErrnoException e) {
            return e.negative();
        } catch (OutOfMemoryError e) {
            LOG.log(Level.ERROR, () -> name + " in " + this + " ran out of memory", e);
            return Errno.ENOMEM.negative();
        } catch (Throwable e) {
            LOG.log(Level.ERROR, () -> "bug: " + name + " in " + this + " threw", e);
            return Errno.EIO.negative();
        }
    }

    /** A file operation's result: non-negative, or minus a known errno; anything else is a bug. */
    private static long checkResult(String op, long result) {
        if (result < 0 && (result < -4095 || Errno.lookup((int) result) == null)) {
            throw new IllegalStateException(op + " returned " + result + ", not a result or -errno");
        }
        return result;
    }

    private int installOrPut(OpenFile file, int fdFlags) {
        try {
            return fds.install(file, fdFlags);
        } catch (RuntimeException | Error e) {
            file.put();
            throw e;
        }
    }

    /**
     * Reserves the lowest free fd first (so a full table fails before anything is opened or consumed), then gets
     * the file: if that fails the fd is given back; otherwise the file is installed there.
     */
    private int installNew(int fdFlags, Supplier<OpenFile> open) {
        int fd = fds.reserve(fdFlags);
        OpenFile file;
        try {
            file = open.get();
        } catch (RuntimeException | Error e) {
            fds.unreserve(fd);
            throw e;
        }
        installReservedOrPut(fd, file);
        return fd;
    }

    private void installReservedOrPut(int fd, OpenFile file) {
        try {
            fds.installReserved(fd, file);
        } catch (RuntimeException | Error e) {
            fds.unreserve(fd);
            file.put();
            throw e;
        }
    }

    private long track(Mapping mapping, long length) {
        long span = (length + PAGE_SIZE - 1) & -PAGE_SIZE;
        synchronized (mappings) {
            long address = nextMapAddress;
            if (!exited.get() && address + span > address) {
                nextMapAddress = address + span;
                mappings.put(address, mapping);
                return address;
            }
        }
        mapping.close();
        throw new ErrnoException(exited.get() ? Errno.EBADF : Errno.ENOMEM);
    }

    private static boolean readable(OpenFile file) {
        int mode = file.flags() & OpenFile.O_ACCMODE;
        return mode == OpenFile.O_RDONLY || mode == OpenFile.O_RDWR;
    }

    private static boolean writable(OpenFile file) {
        int mode = file.flags() & OpenFile.O_ACCMODE;
        return mode == OpenFile.O_WRONLY || mode == OpenFile.O_RDWR;
    }

    /** Cuts a command name to 15 bytes of UTF-8 without splitting a character. */
    private static String truncateComm(String comm) {
        if (comm == null) {
            return "";
        }
        int end = 0;
        int bytes = 0;
        while (end < comm.length()) {
            int cp = comm.codePointAt(end);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > TASK_COMM_LEN) {
                break;
            }
            bytes += len;
            end += Character.charCount(cp);
        }
        return comm.substring(0, end);
    }

    /**
     * The process as one ioctl sees it: its user window is the call's, and every file it looks up stays
     * referenced (pinned) until the call returns, as {@code fdget} guarantees on Linux. Everything else (installing
     * fds, privilege, command name) is the process's own, so those calls go to the process.
     */
    private final class CallTask implements Task {
        private final UserWindow user;
        // Written under the task's monitor; volatile so that unpin can skip the monitor when nothing was pinned
        // (most ioctls look up no fd).
        private volatile List<OpenFile> pinned;

        CallTask(UserWindow user) {
            this.user = user;
        }

        @Override
        public OpenFile file(int fd) {
            OpenFile file = fds.fget(fd);
            synchronized (this) {
                if (pinned == null) {
                    pinned = new ArrayList<>(2);
                }
                pinned.add(file);
            }
            return file;
        }

        @Override
        public UserMemory user() {
            return user;
        }

        @Override
        public int install(OpenFile file, int fdFlags) {
            return Process.this.install(file, fdFlags);
        }

        @Override
        public boolean isAdmin() {
            return Process.this.isAdmin();
        }

        @Override
        public String comm() {
            return Process.this.comm();
        }

        @Override
        public int pid() {
            return Process.this.pid();
        }

        @Override
        public Cgroup cgroup() {
            return Process.this.cgroup();
        }

        void unpin() {
            if (pinned == null) {
                return;
            }
            List<OpenFile> files;
            synchronized (this) {
                files = pinned;
                pinned = null;
            }
            if (files != null) {
                for (OpenFile f : files) {
                    f.put();
                }
            }
        }
    }

    /** One poll call: the wait queues it is registered on, and the thread to wake. */
    private final class Poller {
        private final Thread thread = Thread.currentThread();
        private final PollWaits waits = new PollWaits(this::wake);
        private volatile boolean woken;

        private void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }

        long run(PollFd[] pollFds, int timeoutMs) {
            Clock clock = kernel.clock();
            boolean timedOut = timeoutMs == 0;
            long deadline = timeoutMs < 0
                    ? Clock.FOREVER
                    : Clock.deadlineAfter(clock.nanoTime(), TimeUnit.MILLISECONDS.toNanos(timeoutMs));
            while (true) {
                woken = false;
                int count = pollPass(pollFds, timedOut ? null : waits);
                if (count > 0 || timedOut) {
                    return count;
                }
                if (Thread.interrupted()) {
                    thread.interrupt();
                    throw new ErrnoException(Errno.EINTR);
                }
                if (clock.nanoTime() >= deadline) {
                    timedOut = true; // one last pass, as Linux does after its sleep times out
                    continue;
                }
                if (!woken) {
                    clock.parkUntil(this, deadline);
                }
            }
        }

        void unregister() {
            waits.unregister();
        }
    }
}
