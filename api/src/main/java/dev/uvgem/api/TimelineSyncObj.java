package dev.uvgem.api;

import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjTimelineArray;
import dev.uvgem.uapi.DrmSyncobjTimelineWait;
import dev.uvgem.uapi.DrmSyncobjTransfer;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.time.Duration;

/**
 * A DRM sync object used as a timeline (a Vulkan timeline semaphore): a 64-bit counter whose points are fences
 * chained in the kernel. {@link #signal(long)} adds a signalled point; {@link #importSyncFile(long, SyncFileFd)}
 * or {@link #transfer} add a point that signals with a fence; {@link #query()} is the highest point P such that P
 * and every point before it have signalled. Point 0 always means the current fence, as a binary object.
 *
 * <p>Signalled history costs nothing to keep: the kernel collects chain links whose fences have signalled, so
 * QUERY and waits on a long-lived timeline do not slow down with its length.
 *
 * <p>Thread-safety: safe for concurrent use; a wait blocks only its own thread.
 */
public final class TimelineSyncObj extends SyncObj {
    TimelineSyncObj(VgemDevice device, int handle) {
        super(device, handle);
    }

    /** Adds {@code point} as an already signalled point (SYNCOBJ_TIMELINE_SIGNAL); point 0 acts as {@link #signal()}. */
    public void signal(long point) {
        byte[] arg = new byte[DrmSyncobjTimelineArray.SIZE];
        long points = Syscalls.USER_BASE + 8;
        new DrmSyncobjTimelineArray(Syscalls.USER_BASE, points, 1, 0).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, DrmSyncobj.IOCTL_TIMELINE_SIGNAL, arg, window(point)));
    }

    /**
     * Returns the highest point such that it and every earlier point have signalled (SYNCOBJ_QUERY); 0 for a
     * fresh, reset or binary-used object.
     */
    public long query() {
        return query(0);
    }

    /** Returns the highest point submitted so far, signalled or not (QUERY with LAST_SUBMITTED). */
    public long lastSubmitted() {
        return query(DrmSyncobj.QUERY_FLAGS_LAST_SUBMITTED);
    }

    private long query(int flags) {
        byte[] arg = new byte[DrmSyncobjTimelineArray.SIZE];
        new DrmSyncobjTimelineArray(Syscalls.USER_BASE, Syscalls.USER_BASE + 8, 1, flags).write(Check.le(arg));
        byte[] user = window(0);
        Check.ok(device.sys.ioctl(device.fd, DrmSyncobj.IOCTL_QUERY, arg, user));
        return Check.le(user).getLong(8);
    }

    /**
     * Waits up to {@code timeout} (null: forever; zero: just look) for {@code point} to signal (TIMELINE_WAIT).
     *
     * <p>Context: the calling thread; sleeps in the kernel. Locking: none held while asleep.
     *
     * @return true once signalled, false on timeout
     * @throws ErrnoException EINVAL if the point has not been submitted (use {@link #awaitSubmit(long, Duration)});
     *     EINTR if interrupted
     */
    public boolean await(long point, Duration timeout) {
        return timelineWait(point, timeout, 0);
    }

    /**
     * As {@link #await(long, Duration)}, but an unsubmitted point is waited for (WAIT_FOR_SUBMIT).
     *
     * <p>Context: the calling thread; sleeps in the kernel. Locking: none held while asleep.
     */
    public boolean awaitSubmit(long point, Duration timeout) {
        return timelineWait(point, timeout, DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT);
    }

    /**
     * Waits up to {@code timeout} for {@code point} to be submitted, signalled or not (WAIT_AVAILABLE: Vulkan's
     * wait-before-signal).
     *
     * <p>Context: the calling thread; sleeps in the kernel. Locking: none held while asleep.
     *
     * @return true once the point exists, false on timeout
     */
    public boolean awaitAvailable(long point, Duration timeout) {
        return timelineWait(point, timeout, DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE);
    }

    private boolean timelineWait(long point, Duration timeout, int flags) {
        byte[] arg = new byte[DrmSyncobjTimelineWait.SIZE];
        long abs = absolute(device.sys, timeout);
        new DrmSyncobjTimelineWait(Syscalls.USER_BASE, Syscalls.USER_BASE + 8, abs, 1, flags, 0, 0, 0)
                .write(Check.le(arg));
        long r = device.sys.ioctl(device.fd, DrmSyncobj.IOCTL_TIMELINE_WAIT, arg, window(point));
        if (r == Errno.ETIME.negative()) {
            return false;
        }
        Check.ok(r);
        return true;
    }

    /** The user window of one handle (offset 0) and one point (offset 8). */
    private byte[] window(long point) {
        byte[] user = new byte[16];
        Check.le(user).putInt(0, handle).putLong(8, point);
        return user;
    }

    /**
     * Makes point {@code point} of this timeline wait on point {@code srcPoint} of {@code src} (0: its current
     * fence) (SYNCOBJ_TRANSFER); with {@code point} 0, replaces this object's fence instead.
     *
     * @throws ErrnoException EINVAL if the source point has not been submitted
     */
    public void transfer(long point, SyncObj src, long srcPoint) {
        sameDevice(this, src);
        byte[] arg = new byte[DrmSyncobjTransfer.SIZE];
        new DrmSyncobjTransfer(src.handle, handle, srcPoint, point, 0, 0).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, DrmSyncobj.IOCTL_TRANSFER, arg, null));
    }

    /**
     * Exports point {@code point}'s fence as a new sync file (HANDLE_TO_FD with EXPORT_SYNC_FILE and TIMELINE).
     *
     * @throws ErrnoException EINVAL if the point has not been submitted
     */
    public SyncFileFd exportSyncFile(long point) {
        return exportSyncFile(DrmSyncobj.HANDLE_TO_FD_FLAGS_TIMELINE, point);
    }

    /** Adds {@code syncFile}'s fence as point {@code point} (FD_TO_HANDLE with IMPORT_SYNC_FILE and TIMELINE). */
    public void importSyncFile(long point, SyncFileFd syncFile) {
        importSyncFile(syncFile, DrmSyncobj.FD_TO_HANDLE_FLAGS_TIMELINE, point);
    }
}
