package dev.uvgem.core.syncfile;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.container.FenceUnwrap;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.CString;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.SyncFenceInfo;
import dev.uvgem.uapi.SyncFileInfo;
import dev.uvgem.uapi.SyncIoctl;
import dev.uvgem.uapi.SyncMergeData;
import dev.uvgem.uapi.SyncSetDeadline;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A sync_file, as the kernel's {@code struct sync_file}: an anonymous file carrying exactly one fence (possibly
 * a container of several), so that fences can travel between processes and drivers as fds.
 *
 * <p>Each sync_file owns one {@link OpenFile} ({@link #file()}), opened read-only as the kernel's anonymous
 * inode is, whose private data is the sync_file and whose operations are a shared {@link FileOps} singleton
 * ({@link #fromFile} recognises sync_files by it). The operations:
 *
 * <ul>
 *   <li>{@link SyncIoctl#MERGE}: a new sync_file whose fence is the merge of both files' fences;
 *   <li>{@link SyncIoctl#FILE_INFO}: the name, aggregate status and per-fence details (two-call protocol);
 *   <li>{@link SyncIoctl#SET_DEADLINE}: forwards a deadline hint to the fence;
 *   <li>poll: {@code POLLIN} once the fence has signalled (with or without error), otherwise nothing; the first
 *       poll arms one callback on the fence that wakes the file's wait queue (traced, while tracing is on, as a
 *       fence wait of the polling task from that poll to the wake-up);
 *   <li>release: disarms that callback.
 * </ul>
 *
 * <p>Its name is the user name given to MERGE if not empty, otherwise {@code
 * "<driver>-<timeline><context>-<seqno>"} built from the fence now (so it changes to the detached names once the
 * fence signals), cut to 31 bytes.
 *
 * <p>Thread-safety: safe for concurrent use; the fence and the name are fixed at creation.
 */
public final class SyncFile {
    /** Longest name a sync_file reports, in bytes (the 32-byte field less its NUL). */
    public static final int NAME_MAX = SyncIoctl.NAME_LEN - 1;

    private static final FileOps OPS = new Ops();

    private final Fence fence;
    private final String userName;
    private final WaitQueue wq = new WaitQueue();
    private final AtomicBoolean pollEnabled = new AtomicBoolean();
    private final FenceCallback wake = new FenceCallback() {
        @Override
        protected void onSignal(Fence f) {
            traceWaitEnd(1);
            wq.wakeUp();
        }

        @Override
        public String describe() {
            return "poll on sync_file " + userName;
        }
    };
    private OpenFile file;

    /** The track of the task whose poll armed {@link #wake} while tracing was on, or null. */
    private volatile Track pollWaiter;

    private SyncFile(Fence fence, String userName) {
        this.fence = fence;
        this.userName = userName;
    }

    private static SyncFile alloc(Fence fence, String userName) {
        if (fence == null) {
            throw new IllegalArgumentException("a sync_file needs a fence");
        }
        SyncFile sf = new SyncFile(fence, CString.truncate(userName, NAME_MAX));
        sf.file = new OpenFile(OPS, sf, OpenFile.O_RDONLY);
        return sf;
    }

    /**
     * Creates a sync_file holding {@code fence}, as {@code sync_file_create}. Its {@link #file()} carries one
     * reference, which the caller owns (install it in an fd table or {@link OpenFile#put()} it).
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public static SyncFile create(Fence fence) {
        return alloc(fence, "");
    }

    /**
     * Creates a sync_file holding {@code fence} and returns its file (one reference, the caller's): what an
     * ioctl that hands out a sync_file fd (sw_sync CREATE_FENCE, dma-buf EXPORT_SYNC_FILE) installs.
     */
    public static OpenFile open(Fence fence) {
        return create(fence).file();
    }

    /** Returns the sync_file behind {@code f}, or null if {@code f} is not a sync_file. */
    public static SyncFile fromFile(OpenFile f) {
        return f != null && f.ops() == OPS ? (SyncFile) f.privateData() : null;
    }

    /**
     * Returns the sync_file behind {@code task}'s {@code fd}, or null if the fd is not open or not a sync_file
     * (as {@code sync_file_fdget}; the file is valid for the duration of the caller's call).
     *
     * <p>Context: the task's ioctl. Locking: whatever the task's fd lookup takes.
     */
    public static SyncFile fromFd(Task task, int fd) {
        OpenFile f;
        try {
            f = task.file(fd);
        } catch (ErrnoException e) {
            return null;
        }
        return fromFile(f);
    }

    /** Returns the fence of {@code task}'s sync_file {@code fd}, or null, as {@code sync_file_get_fence}. */
    public static Fence getFence(Task task, int fd) {
        SyncFile sf = fromFd(task, fd);
        return sf == null ? null : sf.fence;
    }

    /**
     * Creates a sync_file named {@code name} whose fence merges the fences of {@code a} and {@code b} (which may
     * be the same file), as {@code sync_file_merge}: leaves flattened, signalled ones dropped, one fence per
     * context keeping the later, sorted by context; a signalled stub if none is pending. Its file carries one
     * reference, the caller's.
     *
     * <p>Context: any thread, never blocks. Locking: none held; takes each leaf's lock briefly.
     */
    public static SyncFile merge(String name, SyncFile a, SyncFile b) {
        return alloc(FenceUnwrap.merge(a.fence, b.fence), name);
    }

    /** Returns the file of this sync_file. */
    public OpenFile file() {
        return file;
    }

    /** Returns the fence this sync_file carries. */
    public Fence fence() {
        return fence;
    }

    /** Returns the name given at MERGE, or the empty string. */
    public String userName() {
        return userName;
    }

    /**
     * Returns the sync_file's name, as {@code sync_file_get_name}: the user name if not empty, else {@code
     * "<driver>-<timeline><context>-<seqno>"} of the fence (unsigned context, signed seqno), cut to 31 bytes.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public String name() {
        if (!userName.isEmpty()) {
            return userName;
        }
        String driver = fence.driverName();
        String timeline = fence.timelineName();
        return CString.truncate(
                driver + "-" + timeline + Long.toUnsignedString(fence.context()) + "-" + fence.seqno(), NAME_MAX);
    }

    /**
     * Polls the sync_file: registers {@code table} on its wait queue, arms the wake-up callback on the first
     * poll (waking the queue at once if the fence already signalled), and returns {@link PollTable#POLLIN} iff
     * the fence has signalled.
     *
     * <p>Context: any thread, never blocks (may signal a fence whose driver reports it complete, running its
     * callbacks). Locking: takes the fence lock briefly; must not hold locks the fence's callbacks take.
     */
    public int poll(PollTable table) {
        if (table != null) {
            table.wait(wq);
        }
        if (!pollEnabled.get() && pollEnabled.compareAndSet(false, true)) {
            if (Tracepoints.sink() != null) {
                Track waiter = Track.currentThread();
                pollWaiter = waiter;
                fence.traceWaitStart(waiter);
            }
            if (fence.addCallback(wake) < 0) {
                traceWaitEnd(1);
                wq.wakeUp();
            }
        }
        return fence.isSignaled() ? PollTable.POLLIN : 0;
    }

    /** Returns the wait queue pollers sleep on. */
    public WaitQueue waitQueue() {
        return wq;
    }

    // The poll wait as the fence wait tracepoints, from the poll that armed the wake-up to the wake-up.
    private void traceWaitEnd(long result) {
        Track waiter = pollWaiter;
        if (waiter != null) {
            fence.traceWaitEnd(waiter, result);
        }
    }

    private void release() {
        if (pollEnabled.get() && fence.removeCallback(wake)) {
            traceWaitEnd(Errno.ECANCELED.negative());
        }
    }

    private long ioctl(int cmd, ByteBuffer arg, Task task) {
        if (cmd == SyncIoctl.MERGE) {
            return ioctlMerge(arg, task);
        } else if (cmd == SyncIoctl.FILE_INFO) {
            return ioctlFileInfo(arg, task);
        } else if (cmd == SyncIoctl.SET_DEADLINE) {
            return ioctlSetDeadline(arg);
        }
        throw new ErrnoException(Errno.ENOTTY);
    }

    /*
     * MERGE. The kernel reserves the new fd before anything else; Task can only install, so here the fd is
     * installed last and a full fd table (EMFILE) is reported after the argument checks rather than before.
     */
    private long ioctlMerge(ByteBuffer arg, Task task) {
        SyncMergeData data = SyncMergeData.read(arg);
        if (data.flags() != 0 || data.pad() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        SyncFile other = fromFd(task, data.fd2());
        if (other == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        arg.put(SyncIoctl.NAME_LEN - 1, (byte) 0);
        SyncFile merged = merge(CString.get(arg, 0, SyncIoctl.NAME_LEN), this, other);
        int fd = task.install(merged.file(), OpenFile.O_CLOEXEC);
        arg.putInt(36, fd);
        return 0;
    }

    private long ioctlFileInfo(ByteBuffer arg, Task task) {
        SyncFileInfo in = SyncFileInfo.read(arg);
        if (in.flags() != 0 || in.pad() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        List<Fence> leaves = FenceUnwrap.leaves(fence);
        int n = leaves.size();
        int status;
        if (in.numFences() == 0) {
            status = fence.status();
        } else {
            if (Integer.compareUnsigned(in.numFences(), n) < 0) {
                throw new ErrnoException(Errno.EINVAL);
            }
            status = 1;
            byte[] out = new byte[n * SyncFenceInfo.SIZE];
            ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                SyncFenceInfo fi = fenceInfo(leaves.get(i));
                fi.write(buf.slice(i * SyncFenceInfo.SIZE, SyncFenceInfo.SIZE).order(ByteOrder.LITTLE_ENDIAN));
                status = status <= 0 ? status : fi.status();
            }
            if (n > 0) {
                task.user().write(in.syncFenceInfo(), out);
            }
        }
        CString.putTerminated(arg, 0, SyncIoctl.NAME_LEN, name());
        arg.putInt(32, status);
        arg.putInt(40, n);
        return 0;
    }

    /** Describes one leaf fence: names (read first), then status, then the signal time if signalled. */
    static SyncFenceInfo fenceInfo(Fence f) {
        String timeline = f.timelineName();
        String driver = f.driverName();
        int status = f.status();
        long timestamp = f.isSignaled() ? f.timestamp() : 0;
        return new SyncFenceInfo(timeline, driver, status, 0, timestamp);
    }

    private long ioctlSetDeadline(ByteBuffer arg) {
        SyncSetDeadline data = SyncSetDeadline.read(arg);
        if (data.pad() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        fence.setDeadline(data.deadlineNs());
        return 0;
    }

    @Override
    public String toString() {
        return "sync_file " + name() + " " + fence;
    }

    /** The file operations shared by every sync_file: dispatch to the file's {@link SyncFile}. */
    private static final class Ops implements FileOps {
        @Override
        public long ioctl(OpenFile file, int cmd, ByteBuffer arg, Task task) {
            return ((SyncFile) file.privateData()).ioctl(cmd, arg, task);
        }

        @Override
        public int poll(OpenFile file, PollTable table) {
            return ((SyncFile) file.privateData()).poll(table);
        }

        @Override
        public void release(OpenFile file) {
            ((SyncFile) file.privateData()).release();
        }
    }
}
