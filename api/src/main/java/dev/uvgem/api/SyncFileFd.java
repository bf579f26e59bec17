package dev.uvgem.api;

import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.SyncFenceInfo;
import dev.uvgem.uapi.SyncFileInfo;
import dev.uvgem.uapi.SyncIoctl;
import dev.uvgem.uapi.SyncMergeData;
import dev.uvgem.uapi.SyncSetDeadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An fd of a sync file: one fence (possibly merged from many) that signals once. It is readable ({@link #POLLIN})
 * once signalled.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class SyncFileFd extends UvgemFile {
    SyncFileFd(Syscalls sys, int fd) {
        super(sys, fd);
    }

    /**
     * One fence of a sync file, from SYNC_IOC_FILE_INFO.
     *
     * @param timeline the timeline name ("signaled-timeline" once signalled, as the kernel reports)
     * @param driver the driver name ("detached-driver" once signalled)
     * @param status 1 signalled, 0 active, negative: signalled with that errno
     * @param timestampNanos when it signalled (kernel clock), 0 while active
     */
    public record FenceInfo(String timeline, String driver, int status, long timestampNanos) {}

    /**
     * A sync file's state, from SYNC_IOC_FILE_INFO.
     *
     * @param name the file's name
     * @param status 1 signalled, 0 active, negative: an error
     * @param fences each fence, merged containers flattened
     */
    public record Info(String name, int status, List<FenceInfo> fences) {}

    /** Returns the status and fences (the two-call FILE_INFO protocol). */
    public Info info() {
        byte[] arg = new byte[SyncFileInfo.SIZE];
        Check.ok(sys.ioctl(fd, SyncIoctl.FILE_INFO, arg, null));
        int n = SyncFileInfo.read(Check.le(arg)).numFences();
        byte[] user = new byte[Math.max(1, n) * SyncFenceInfo.SIZE];
        new SyncFileInfo("", 0, 0, n, 0, n == 0 ? 0 : Syscalls.USER_BASE).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, SyncIoctl.FILE_INFO, arg, user));
        SyncFileInfo info = SyncFileInfo.read(Check.le(arg));
        List<FenceInfo> fences = new ArrayList<>(info.numFences());
        for (int i = 0; i < Math.min(n, info.numFences()); i++) {
            SyncFenceInfo f = SyncFenceInfo.read(Check.le(user, i * SyncFenceInfo.SIZE, SyncFenceInfo.SIZE));
            fences.add(new FenceInfo(f.objName(), f.driverName(), f.status(), f.timestampNs()));
        }
        return new Info(info.name(), info.status(), List.copyOf(fences));
    }

    /** Returns the status alone: 1 signalled, 0 active, negative errno on error. */
    public int status() {
        byte[] arg = new byte[SyncFileInfo.SIZE];
        Check.ok(sys.ioctl(fd, SyncIoctl.FILE_INFO, arg, null));
        return SyncFileInfo.read(Check.le(arg)).status();
    }

    /**
     * Merges this sync file with {@code other} into a new one named {@code name} that signals when both have
     * (SYNC_IOC_MERGE): one fence per timeline, the later kept.
     *
     * @throws ErrnoException ENOENT if {@code other} is not a sync file
     */
    public SyncFileFd merge(String name, SyncFileFd other) {
        byte[] arg = new byte[SyncMergeData.SIZE];
        new SyncMergeData(name, other.fd(), 0, 0, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, SyncIoctl.MERGE, arg, null));
        return new SyncFileFd(sys, SyncMergeData.read(Check.le(arg)).fence());
    }

    /** Hints that the fence is needed by {@code deadlineNanos} on the kernel clock (SYNC_IOC_SET_DEADLINE). */
    public void setDeadline(long deadlineNanos) {
        byte[] arg = new byte[SyncSetDeadline.SIZE];
        new SyncSetDeadline(deadlineNanos, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, SyncIoctl.SET_DEADLINE, arg, null));
    }

    /**
     * Waits until the sync file signals or {@code timeout} passes (null: forever).
     *
     * <p>Context: the calling thread; sleeps on the kernel clock. Locking: none of its own; holds no lock while it
     * sleeps.
     *
     * @return whether it signalled
     * @throws ErrnoException EINTR if interrupted
     */
    public boolean await(Duration timeout) {
        return (poll(POLLIN, timeout) & POLLIN) != 0;
    }
}
