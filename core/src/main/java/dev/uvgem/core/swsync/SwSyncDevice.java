package dev.uvgem.core.swsync;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.Device;
import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.SwSyncCreateFenceData;
import dev.uvgem.uapi.SwSyncGetDeadline;
import dev.uvgem.uapi.SwSyncIoctl;
import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * The {@code /sys/kernel/debug/sync/sw_sync} file: every open creates a new {@link SwSyncTimeline} named after
 * the opening task's command, and the returned file's ioctls drive it.
 *
 * <ul>
 *   <li>{@link SwSyncIoctl#CREATE_FENCE}: a sync_file fd (close-on-exec) for the point at {@code value}; the
 *       {@code name} field is ignored;
 *   <li>{@link SwSyncIoctl#INC}: advances the timeline by a u32;
 *   <li>{@link SwSyncIoctl#GET_DEADLINE}: the earliest deadline hinted to the point in a sync_file: EINVAL if
 *       {@code deadline_ns} or {@code pad} is not 0, if the fd is not a sync_file, or if its fence is not a
 *       sw_sync point (of any timeline); ENOENT if no deadline was ever set;
 *   <li>any other request: ENOTTY.
 * </ul>
 *
 * The last close releases the timeline ({@link SwSyncTimeline#release()}: pending points fail with ENOENT).
 *
 * <p>Access: sw_sync lives in debugfs (mode 0644 under a root-only mount), so only privileged (root /
 * CAP_SYS_ADMIN) processes reach it — its fences are as unbounded as userspace wants, which is why the kernel
 * keeps it out of reach of everyone else. This class does not check: the syscall layer's path table enforces
 * the privilege before calling {@link #open}. A timeline fd passed on (fork, SCM_RIGHTS) stays usable.
 *
 * <p>Thread-safety: safe for concurrent opens and ioctls. Locking: nothing of its own; an open takes the
 * timeline registry's lock, INC and the last close signal under the timeline's signalling lock ({@link
 * SwSyncTimeline}), and no ioctl waits on a fence.
 */
public final class SwSyncDevice implements Device {
    private static final FileOps OPS = new Ops();

    private final Clock clock;
    private final SyncDebug debug;

    /**
     * Creates the device of one kernel.
     *
     * @param clock the kernel clock that stamps points
     * @param debug the kernel's timeline registry, which sync/info reads
     */
    public SwSyncDevice(Clock clock, SyncDebug debug) {
        this.clock = clock;
        this.debug = debug;
    }

    /** Returns the registry the timelines of this device are listed in. */
    public SyncDebug debug() {
        return debug;
    }

    /**
     * Opens a new timeline named {@code task.comm()}.
     *
     * <p>Context: the opening process. Locking: takes the registry lock.
     */
    @Override
    public OpenFile open(int flags, Task task) {
        SwSyncTimeline tl = SwSyncTimeline.create(task.comm(), clock, debug);
        return new OpenFile(OPS, tl, flags);
    }

    /** Returns the timeline behind {@code f}, or null if {@code f} is not a sw_sync timeline file. */
    public static SwSyncTimeline fromFile(OpenFile f) {
        return f != null && f.ops() == OPS ? (SwSyncTimeline) f.privateData() : null;
    }

    /*
     * CREATE_FENCE. The kernel reserves the fd first; Task can only install, so the fd is installed last and a
     * full fd table (EMFILE) is reported after the point has been created (it stays linked until passed).
     */
    private static long createFence(SwSyncTimeline tl, ByteBuffer arg, Task task) {
        SwSyncCreateFenceData data = SwSyncCreateFenceData.read(arg);
        SyncPoint pt = tl.createFence(data.value());
        int fd = task.install(SyncFile.open(pt), OpenFile.O_CLOEXEC);
        arg.putInt(36, fd);
        return 0;
    }

    private static long getDeadline(ByteBuffer arg, Task task) {
        SwSyncGetDeadline data = SwSyncGetDeadline.read(arg);
        if (data.deadlineNs() != 0 || data.pad() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Fence fence = SyncFile.getFence(task, data.fenceFd());
        if (!(fence instanceof SyncPoint pt)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        OptionalLong deadline = pt.deadline();
        if (deadline.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT);
        }
        arg.putLong(0, deadline.getAsLong());
        return 0;
    }

    /** The operations of a timeline file. */
    private static final class Ops implements FileOps {
        @Override
        public long ioctl(OpenFile file, int cmd, ByteBuffer arg, Task task) {
            SwSyncTimeline tl = (SwSyncTimeline) file.privateData();
            if (cmd == SwSyncIoctl.CREATE_FENCE) {
                return createFence(tl, arg, task);
            } else if (cmd == SwSyncIoctl.INC) {
                tl.inc(arg.getInt(0));
                return 0;
            } else if (cmd == SwSyncIoctl.GET_DEADLINE) {
                return getDeadline(arg, task);
            }
            throw new ErrnoException(Errno.ENOTTY);
        }

        @Override
        public void release(OpenFile file) {
            ((SwSyncTimeline) file.privateData()).release();
        }
    }
}
