package dev.uvgem.sys;

import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A process's file descriptor table, as {@code struct files_struct}: fd numbers to open files, with a
 * close-on-exec flag per fd. New fds take the lowest free number from {@value #FIRST_FD} up (0 to 2 are a real
 * process's stdio and are never handed out) and below the limit ({@code RLIMIT_NOFILE}); EMFILE past it.
 *
 * <p>A slot may be <em>reserved</em> before the file exists ({@code get_unused_fd_flags}) and filled later
 * ({@code fd_install}), so that EMFILE is reported before the file is created, as Linux orders it.
 *
 * <p>The table holds one reference on each file it maps (an fd made by {@link #install} or {@link #installReserved}
 * takes over the caller's reference); {@link #remove} and {@link #closeAll} hand those references back to the
 * caller, who drops them outside the table lock. A closed table (the process exited) refuses every operation
 * with EBADF.
 *
 * <p>Thread-safety: safe for concurrent use; every method but {@link #fget} (lock-free) takes the table's monitor
 * briefly and never calls out of the table while holding it.
 */
public final class FdTable {
    /** The lowest fd number handed out. */
    public static final int FIRST_FD = 3;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(OpenFile[].class);

    private final int limit;
    private final BitSet taken = new BitSet();
    private final BitSet closeOnExec = new BitSet();
    // Guarded by this for writers (slots are written with release stores, the array is replaced whole when it
    // grows); fget reads without the monitor, as the kernel's RCU fd lookup does.
    private volatile OpenFile[] files = new OpenFile[16];
    private int openCount;
    private boolean closed;

    /**
     * Creates an empty table.
     *
     * @param limit every fd is below it ({@code RLIMIT_NOFILE})
     */
    public FdTable(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative fd limit " + limit);
        }
        this.limit = limit;
    }

    /** Returns the fd limit. */
    public int limit() {
        return limit;
    }

    /**
     * Reserves the lowest free fd, as {@code get_unused_fd_flags}; fill it with {@link #installReserved} or give
     * it back with {@link #unreserve}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     *
     * @param fdFlags {@link OpenFile#O_CLOEXEC} or 0
     * @throws ErrnoException EMFILE if no fd below the limit is free; EBADF if the table is closed
     */
    public synchronized int reserve(int fdFlags) {
        checkOpen();
        int fd = taken.nextClearBit(FIRST_FD);
        if (fd >= limit) {
            throw new ErrnoException(Errno.EMFILE);
        }
        taken.set(fd);
        closeOnExec.set(fd, (fdFlags & OpenFile.O_CLOEXEC) != 0);
        return fd;
    }

    /**
     * Maps the reserved {@code fd} to {@code file}, taking over the caller's reference, as {@code fd_install}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     *
     * @throws ErrnoException EBADF if the table was closed meanwhile (the caller keeps its reference)
     * @throws IllegalStateException if {@code fd} was not reserved
     */
    public synchronized void installReserved(int fd, OpenFile file) {
        checkOpen();
        if (fd < FIRST_FD || !taken.get(fd) || (fd < files.length && files[fd] != null)) {
            throw new IllegalStateException("fd " + fd + " is not reserved");
        }
        if (fd >= files.length) {
            files = Arrays.copyOf(files, Math.max(fd + 1, files.length * 2));
        }
        SLOT.setRelease(files, fd, file);
        openCount++;
    }

    /**
     * Gives back a reserved, not yet installed {@code fd}, as {@code put_unused_fd}. A no-op on a closed table.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     */
    public synchronized void unreserve(int fd) {
        if (closed || fd < FIRST_FD) {
            return;
        }
        if (fd < files.length && files[fd] != null) {
            throw new IllegalStateException("fd " + fd + " is installed, not reserved");
        }
        taken.clear(fd);
        closeOnExec.clear(fd);
    }

    /**
     * Maps the lowest free fd to {@code file}, taking over the caller's reference.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     *
     * @throws ErrnoException EMFILE if the table is full, EBADF if it is closed; the caller then keeps its
     *     reference
     */
    public synchronized int install(OpenFile file, int fdFlags) {
        int fd = reserve(fdFlags);
        installReserved(fd, file);
        return fd;
    }

    /**
     * Returns the file behind {@code fd} without taking a reference.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     *
     * @throws ErrnoException EBADF if {@code fd} is not open
     */
    public synchronized OpenFile lookup(int fd) {
        return fileLocked(fd);
    }

    /**
     * Returns the file behind {@code fd} with a new reference the caller must drop, as {@code fget}. Lock-free,
     * as the kernel's RCU lookup: the reference is taken only if the file is not already released ({@link
     * OpenFile#tryGet}), and kept only if {@code fd} still maps to it afterwards, so a concurrent close either
     * happens first (EBADF) or finds the caller's reference keeping the file alive.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     *
     * @throws ErrnoException EBADF if {@code fd} is not open
     */
    public OpenFile fget(int fd) {
        while (true) {
            OpenFile file = slot(fd);
            if (file == null) {
                throw new ErrnoException(Errno.EBADF);
            }
            if (file.tryGet()) {
                if (slot(fd) == file) {
                    return file;
                }
                file.put(); // closed (or replaced) meanwhile: look again
            } else if (slot(fd) == file) {
                // Released while the table still maps it: a reference-count bug, as OpenFile.get reports it.
                throw new IllegalStateException("get on a released file");
            }
            // Otherwise it was released after a close unmapped it: look again.
        }
    }

    private OpenFile slot(int fd) {
        OpenFile[] f = files;
        return fd >= 0 && fd < f.length ? (OpenFile) SLOT.getAcquire(f, fd) : null;
    }

    /**
     * Unmaps {@code fd} and hands the table's reference on its file to the caller, as the first half of
     * {@code close}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     *
     * @throws ErrnoException EBADF if {@code fd} is not open
     */
    public synchronized OpenFile remove(int fd) {
        OpenFile file = fileLocked(fd);
        SLOT.setRelease(files, fd, null);
        taken.clear(fd);
        closeOnExec.clear(fd);
        openCount--;
        return file;
    }

    /**
     * Returns whether {@code fd} is close-on-exec.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     *
     * @throws ErrnoException EBADF if {@code fd} is not open
     */
    public synchronized boolean closeOnExec(int fd) {
        fileLocked(fd);
        return closeOnExec.get(fd);
    }

    /**
     * Sets or clears close-on-exec on {@code fd} (kept for {@code F_SETFD}; uvgem processes never exec).
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     *
     * @throws ErrnoException EBADF if {@code fd} is not open
     */
    public synchronized void closeOnExec(int fd, boolean on) {
        fileLocked(fd);
        closeOnExec.set(fd, on);
    }

    /**
     * Returns the number of open fds (reserved slots not counted).
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     */
    public synchronized int openCount() {
        return openCount;
    }

    /**
     * Returns the open fds in ascending order.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     */
    public synchronized int[] openFds() {
        int[] out = new int[openCount];
        int n = 0;
        for (int fd = FIRST_FD; fd < files.length; fd++) {
            if (files[fd] != null) {
                out[n++] = fd;
            }
        }
        return out;
    }

    /**
     * Returns whether the table is closed.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Closes the table, as a process exit does: every fd is unmapped, reservations are dropped, and later
     * operations fail with EBADF. Returns the table's reference on each file (one per fd, so a file behind two
     * fds appears twice), which the caller drops. Idempotent: a second call returns nothing.
     *
     * <p>Context: any thread, never blocks. Locking: takes the table's monitor briefly.
     */
    public synchronized List<OpenFile> closeAll() {
        if (closed) {
            return List.of();
        }
        closed = true;
        List<OpenFile> out = new ArrayList<>(openCount);
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) {
                out.add(files[fd]);
                SLOT.setRelease(files, fd, null);
            }
        }
        taken.clear();
        closeOnExec.clear();
        openCount = 0;
        return out;
    }

    private OpenFile fileLocked(int fd) {
        OpenFile file = fd >= 0 && fd < files.length ? files[fd] : null;
        if (file == null) {
            throw new ErrnoException(Errno.EBADF);
        }
        return file;
    }

    private void checkOpen() {
        if (closed) {
            throw new ErrnoException(Errno.EBADF);
        }
    }
}
