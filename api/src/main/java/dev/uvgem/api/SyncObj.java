package dev.uvgem.api;

import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjArray;
import dev.uvgem.uapi.DrmSyncobjDestroy;
import dev.uvgem.uapi.DrmSyncobjHandle;
import dev.uvgem.uapi.DrmSyncobjWait;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.time.Duration;

/**
 * A DRM sync object used as a binary semaphore, named by its handle in the device file that made or imported it
 * (a Vulkan fence or binary semaphore): it holds one fence or none (unsubmitted). {@link #signal()} installs an
 * already signalled fence, {@link #reset()} removes it, {@link #importSyncFile} installs a sync file's fence, and
 * {@link #exportSyncFile()} snapshots the current one. Waits are host waits in the kernel.
 *
 * <p>The same kernel object also serves as a timeline ({@link TimelineSyncObj}); the binary operations on a
 * timeline replace its whole chain of points, as in Linux.
 *
 * <p>Closing destroys the handle (SYNCOBJ_DESTROY); the object lives on while other handles or {@link SyncObjFd}s
 * refer to it.
 *
 * <p>Thread-safety: safe for concurrent use; a wait blocks only its own thread.
 */
public sealed class SyncObj implements AutoCloseable permits TimelineSyncObj {
    final VgemDevice device;
    final int handle;
    private volatile boolean closed;

    SyncObj(VgemDevice device, int handle) {
        this.device = device;
        this.handle = handle;
    }

    /** Returns the device file the handle belongs to. */
    public final VgemDevice device() {
        return device;
    }

    /** Returns the handle (1 or more). */
    public final int handle() {
        return handle;
    }

    /** Replaces the fence with an already signalled one (SYNCOBJ_SIGNAL). */
    public final void signal() {
        array(DrmSyncobj.IOCTL_SIGNAL);
    }

    /** Removes the fence (SYNCOBJ_RESET): the object is unsubmitted again; a timeline loses every point. */
    public final void reset() {
        array(DrmSyncobj.IOCTL_RESET);
    }

    private void array(int request) {
        byte[] arg = new byte[DrmSyncobjArray.SIZE];
        new DrmSyncobjArray(Syscalls.USER_BASE, 1, 0).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, request, arg, handles(this)));
    }

    /**
     * Waits up to {@code timeout} (null: forever; zero: just look) for the fence to signal (SYNCOBJ_WAIT). A fence
     * signalled with an error counts as signalled.
     *
     * <p>Context: the calling thread; sleeps in the kernel. Locking: none held while asleep.
     *
     * @return true once signalled, false on timeout
     * @throws ErrnoException EINVAL if there is no fence (use {@link #awaitSubmit}); EINTR if interrupted
     */
    public final boolean await(Duration timeout) {
        return awaitAll(timeout, 0, this);
    }

    /**
     * As {@link #await}, but with no fence yet waits for one to be installed first (WAIT_FOR_SUBMIT).
     *
     * <p>Context: the calling thread; sleeps in the kernel. Locking: none held while asleep.
     *
     * @return true once signalled, false on timeout
     * @throws ErrnoException EINTR if interrupted
     */
    public final boolean awaitSubmit(Duration timeout) {
        return awaitAll(timeout, DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT, this);
    }

    /**
     * Waits until every one of {@code objs} (all of one device file) has signalled, up to {@code timeout}.
     *
     * <p>Context: the calling thread; sleeps in the kernel. Locking: none held while asleep.
     *
     * @return true once all have signalled, false on timeout
     * @throws ErrnoException EINVAL if one has no fence; EINTR if interrupted
     */
    public static boolean awaitAll(Duration timeout, SyncObj... objs) {
        return awaitAll(timeout, 0, objs);
    }

    private static boolean awaitAll(Duration timeout, int flags, SyncObj... objs) {
        return wait(timeout, DrmSyncobj.WAIT_FLAGS_WAIT_ALL | flags, objs) >= 0;
    }

    /**
     * Waits until any of {@code objs} (all of one device file) has signalled, up to {@code timeout}.
     *
     * <p>Context: the calling thread; sleeps in the kernel. Locking: none held while asleep.
     *
     * @return the index of a signalled one, or -1 on timeout
     * @throws ErrnoException EINVAL if one has no fence; EINTR if interrupted
     */
    public static int awaitAny(Duration timeout, SyncObj... objs) {
        return wait(timeout, 0, objs);
    }

    /** SYNCOBJ_WAIT on {@code objs}: first_signaled (unsigned as an int), or -1 on ETIME. */
    private static int wait(Duration timeout, int flags, SyncObj... objs) {
        VgemDevice device = sameDevice(objs);
        byte[] arg = new byte[DrmSyncobjWait.SIZE];
        new DrmSyncobjWait(Syscalls.USER_BASE, absolute(device.sys, timeout), objs.length, flags, 0, 0, 0)
                .write(Check.le(arg));
        long r = device.sys.ioctl(device.fd, DrmSyncobj.IOCTL_WAIT, arg, handles(objs));
        if (r == Errno.ETIME.negative()) {
            return -1;
        }
        Check.ok(r);
        return Math.max(0, DrmSyncobjWait.read(Check.le(arg)).firstSignaled());
    }

    /** Returns the device file all of {@code objs} belong to. */
    static VgemDevice sameDevice(SyncObj... objs) {
        if (objs.length == 0) {
            throw new IllegalArgumentException("no sync objects");
        }
        for (SyncObj o : objs) {
            if (o.device != objs[0].device) {
                throw new IllegalArgumentException("sync objects of different device files");
            }
        }
        return objs[0].device;
    }

    /** A user window holding the objects' handles at {@link Syscalls#USER_BASE}. */
    static byte[] handles(SyncObj... objs) {
        byte[] user = new byte[4 * objs.length];
        for (int i = 0; i < objs.length; i++) {
            Check.le(user).putInt(4 * i, objs[i].handle);
        }
        return user;
    }

    /** The absolute CLOCK_MONOTONIC timeout for {@code timeout}: 0 polls; null or huge waits forever. */
    static long absolute(Syscalls sys, Duration timeout) {
        if (timeout == null) {
            return Long.MAX_VALUE;
        }
        if (timeout.isZero() || timeout.isNegative()) {
            return 0;
        }
        long now = sys.clockMonotonic();
        long nanos = timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
        long deadline = now + nanos;
        return deadline < now ? Long.MAX_VALUE : deadline;
    }

    /**
     * Exports the current fence as a new sync file (SYNCOBJ_HANDLE_TO_FD with EXPORT_SYNC_FILE): a snapshot, not
     * affected by later signals or resets of this object.
     *
     * @throws ErrnoException EINVAL if there is no fence
     */
    public final SyncFileFd exportSyncFile() {
        return exportSyncFile(0, 0);
    }

    final SyncFileFd exportSyncFile(int extraFlags, long point) {
        int flags = DrmSyncobj.HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE | extraFlags;
        return new SyncFileFd(device.sys, handleToFd(flags, point));
    }

    /** Installs {@code syncFile}'s fence as this object's fence (SYNCOBJ_FD_TO_HANDLE with IMPORT_SYNC_FILE). */
    public final void importSyncFile(SyncFileFd syncFile) {
        importSyncFile(syncFile, 0, 0);
    }

    final void importSyncFile(SyncFileFd syncFile, int extraFlags, long point) {
        byte[] arg = new byte[DrmSyncobjHandle.SIZE];
        int flags = DrmSyncobj.FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE | extraFlags;
        new DrmSyncobjHandle(handle, flags, syncFile.fd(), 0, point).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, DrmSyncobj.IOCTL_FD_TO_HANDLE, arg, null));
    }

    /**
     * Exports the object itself as an opaque fd (SYNCOBJ_HANDLE_TO_FD), to {@link UvgemFile#send()} to another
     * process; the fd keeps the object alive.
     */
    public final SyncObjFd export() {
        return new SyncObjFd(device.sys, handleToFd(0, 0));
    }

    private int handleToFd(int flags, long point) {
        byte[] arg = new byte[DrmSyncobjHandle.SIZE];
        new DrmSyncobjHandle(handle, flags, -1, 0, point).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, DrmSyncobj.IOCTL_HANDLE_TO_FD, arg, null));
        return DrmSyncobjHandle.read(Check.le(arg)).fd();
    }

    /** Destroys the handle (SYNCOBJ_DESTROY). Idempotent. */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            byte[] arg = new byte[DrmSyncobjDestroy.SIZE];
            new DrmSyncobjDestroy(handle, 0).write(Check.le(arg));
            device.sys.ioctl(device.fd, DrmSyncobj.IOCTL_DESTROY, arg, null);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(handle " + handle + " of " + device + ")";
    }
}
