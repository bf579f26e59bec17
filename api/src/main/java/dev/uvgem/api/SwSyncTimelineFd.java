package dev.uvgem.api;

import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.SwSyncCreateFenceData;
import dev.uvgem.uapi.SwSyncIoctl;

/**
 * An fd of a sw_sync timeline (debugfs, privileged): a counter starting at 0 whose points signal when
 * incremented past. Closing the last fd signals every pending point with ENOENT.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class SwSyncTimelineFd extends UvgemFile {
    SwSyncTimelineFd(Syscalls sys, int fd) {
        super(sys, fd);
    }

    /**
     * Creates a sync file for point {@code value} (SW_SYNC_IOC_CREATE_FENCE); it is born signalled if the timeline
     * has already reached it.
     */
    public SyncFileFd createFence(int value) {
        byte[] arg = new byte[SwSyncCreateFenceData.SIZE];
        new SwSyncCreateFenceData(value, "", 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, SwSyncIoctl.CREATE_FENCE, arg, null));
        return new SyncFileFd(sys, SwSyncCreateFenceData.read(Check.le(arg)).fence());
    }

    /**
     * Advances the timeline by {@code n} (SW_SYNC_IOC_INC), signalling every point reached.
     *
     * @throws ErrnoException EBADF if closed
     */
    public void inc(int n) {
        byte[] arg = new byte[4];
        Check.le(arg).putInt(0, n);
        Check.ok(sys.ioctl(fd, SwSyncIoctl.INC, arg, null));
    }
}
