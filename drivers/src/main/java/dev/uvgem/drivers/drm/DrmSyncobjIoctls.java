package dev.uvgem.drivers.drm;

import static dev.uvgem.drivers.drm.DrmIoctlDesc.RENDER_ALLOW;
import static dev.uvgem.uapi.DrmSyncobj.CREATE_SIGNALED;
import static dev.uvgem.uapi.DrmSyncobj.FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
import static dev.uvgem.uapi.DrmSyncobj.FD_TO_HANDLE_FLAGS_TIMELINE;
import static dev.uvgem.uapi.DrmSyncobj.HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
import static dev.uvgem.uapi.DrmSyncobj.HANDLE_TO_FD_FLAGS_TIMELINE;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_CREATE;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_DESTROY;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_EVENTFD;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_FD_TO_HANDLE;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_HANDLE_TO_FD;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_QUERY;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_RESET;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_SIGNAL;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_TIMELINE_SIGNAL;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_TIMELINE_WAIT;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_TRANSFER;
import static dev.uvgem.uapi.DrmSyncobj.IOCTL_WAIT;
import static dev.uvgem.uapi.DrmSyncobj.QUERY_FLAGS_LAST_SUBMITTED;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_ALL;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_DEADLINE;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.container.FenceUnwrap;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.vfs.EventFdContext;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.DrmSyncobjArray;
import dev.uvgem.uapi.DrmSyncobjCreate;
import dev.uvgem.uapi.DrmSyncobjDestroy;
import dev.uvgem.uapi.DrmSyncobjEventfd;
import dev.uvgem.uapi.DrmSyncobjHandle;
import dev.uvgem.uapi.DrmSyncobjTimelineArray;
import dev.uvgem.uapi.DrmSyncobjTimelineWait;
import dev.uvgem.uapi.DrmSyncobjTransfer;
import dev.uvgem.uapi.DrmSyncobjWait;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The sync object ioctls of the DRM core, as the {@code drm_syncobj_*_ioctl} handlers of {@code drm_syncobj.c}:
 * every one allowed on render nodes, every one EOPNOTSUPP on a driver without the SYNCOBJ feature (and the
 * timeline ones without SYNCOBJ_TIMELINE), then the kernel's checks in the kernel's order (flags, pad, count,
 * handle lookup, per-object work). DESTROY and opaque HANDLE_TO_FD answer an unknown handle with EINVAL; every
 * array operation and the sync_file paths with ENOENT; waits time out with ETIME.
 *
 * <p>Thread-safety: stateless. Locking: each handler takes the file's syncobj table and each syncobj's monitor
 * briefly; waits sleep holding neither.
 */
final class DrmSyncobjIoctls {
    /** The largest array the kernel's {@code kmalloc_array} of handles serves (4 MiB): beyond it ENOMEM. */
    static final long MAX_ARRAY_BYTES = 4L << 20;

    private static final int O_CLOEXEC = OpenFile.O_CLOEXEC;

    private DrmSyncobjIoctls() {}

    /** Adds the syncobj ioctls to the core table being built. */
    static void addTo(Map<Integer, DrmIoctlDesc> t) {
        add(t, IOCTL_CREATE, "DRM_IOCTL_SYNCOBJ_CREATE", DrmSyncobjIoctls::create);
        add(t, IOCTL_DESTROY, "DRM_IOCTL_SYNCOBJ_DESTROY", DrmSyncobjIoctls::destroy);
        add(t, IOCTL_HANDLE_TO_FD, "DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD", DrmSyncobjIoctls::handleToFd);
        add(t, IOCTL_FD_TO_HANDLE, "DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE", DrmSyncobjIoctls::fdToHandle);
        add(t, IOCTL_WAIT, "DRM_IOCTL_SYNCOBJ_WAIT", DrmSyncobjIoctls::await);
        add(t, IOCTL_RESET, "DRM_IOCTL_SYNCOBJ_RESET", DrmSyncobjIoctls::reset);
        add(t, IOCTL_SIGNAL, "DRM_IOCTL_SYNCOBJ_SIGNAL", DrmSyncobjIoctls::signal);
        add(t, IOCTL_TIMELINE_WAIT, "DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT", DrmSyncobjIoctls::timelineWait);
        add(t, IOCTL_QUERY, "DRM_IOCTL_SYNCOBJ_QUERY", DrmSyncobjIoctls::query);
        add(t, IOCTL_TRANSFER, "DRM_IOCTL_SYNCOBJ_TRANSFER", DrmSyncobjIoctls::transfer);
        add(t, IOCTL_TIMELINE_SIGNAL, "DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL", DrmSyncobjIoctls::timelineSignal);
        add(t, IOCTL_EVENTFD, "DRM_IOCTL_SYNCOBJ_EVENTFD", DrmSyncobjIoctls::eventfd);
    }

    private static void add(Map<Integer, DrmIoctlDesc> t, int cmd, String name, DrmIoctlHandler h) {
        t.put(cmd & 0xff, new DrmIoctlDesc(cmd, RENDER_ALLOW, name, h));
    }

    // ---------------------------------------------------------------- checks shared by the handlers

    private static void requireSyncobj(DrmFile file) {
        if (!file.device().hasFeature(DrmFeature.SYNCOBJ)) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
    }

    private static void requireTimeline(DrmFile file) {
        if (!file.device().hasFeature(DrmFeature.SYNCOBJ_TIMELINE)) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
    }

    private static void check(boolean valid) {
        if (!valid) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    /** Looks a handle up for a sync_file or transfer path: ENOENT if unknown. The caller puts the reference. */
    private static DrmSyncobj find(DrmFile file, int handle) {
        DrmSyncobj s = file.syncobjs().find(handle);
        if (s == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        return s;
    }

    /**
     * Copies {@code count} handles from user memory and looks them all up, as {@code drm_syncobj_array_find}: any
     * unknown handle fails the whole array before anything is done. The caller puts every reference.
     *
     * @throws ErrnoException ENOMEM for an array the kernel could not allocate; EFAULT; ENOENT
     */
    private static DrmSyncobj[] findArray(DrmFile file, Task task, long handlesPtr, int count) {
        long n = Integer.toUnsignedLong(count);
        if (4 * n > MAX_ARRAY_BYTES) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        ByteBuffer handles = le(task.user().read(handlesPtr, (int) (4 * n)));
        DrmSyncobj[] syncobjs = new DrmSyncobj[(int) n];
        for (int i = 0; i < n; i++) {
            syncobjs[i] = file.syncobjs().find(handles.getInt(4 * i));
            if (syncobjs[i] == null) {
                putAll(syncobjs);
                throw new ErrnoException(Errno.ENOENT);
            }
        }
        return syncobjs;
    }

    private static void putAll(DrmSyncobj[] syncobjs) {
        for (DrmSyncobj s : syncobjs) {
            if (s != null) {
                s.put();
            }
        }
    }

    /** Copies {@code count} u64 points from user memory; a NULL pointer reads as all zeros. */
    private static long[] readPoints(Task task, long pointsPtr, int count) {
        long[] points = new long[count];
        if (pointsPtr != 0) {
            ByteBuffer b = le(task.user().read(pointsPtr, 8 * count));
            for (int i = 0; i < count; i++) {
                points[i] = b.getLong(8 * i);
            }
        }
        return points;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---------------------------------------------------------------- create / destroy

    /** CREATE: flags ⊄ {SIGNALED} is EINVAL; a new syncobj, signalled with a fresh stub if asked, and its handle. */
    static long create(DrmFile file, ByteBuffer data, Task task) {
        requireSyncobj(file);
        DrmSyncobjCreate args = DrmSyncobjCreate.read(data);
        check((args.flags() & ~CREATE_SIGNALED) == 0);
        DrmSyncobj s = file.device().createSyncobj();
        try {
            if ((args.flags() & CREATE_SIGNALED) != 0) {
                s.signal();
            }
            data.putInt(0, file.syncobjs().install(s));
        } finally {
            s.put();
        }
        return 0;
    }

    /** DESTROY: pad first, then an unknown handle is EINVAL (not ENOENT). */
    static long destroy(DrmFile file, ByteBuffer data, Task task) {
        requireSyncobj(file);
        DrmSyncobjDestroy args = DrmSyncobjDestroy.read(data);
        check(args.pad() == 0);
        check(file.syncobjs().remove(args.handle()));
        return 0;
    }

    // ---------------------------------------------------------------- fds

    /**
     * HANDLE_TO_FD: pad, then flags ⊄ {EXPORT_SYNC_FILE, TIMELINE}, are EINVAL; the point counts only with
     * TIMELINE. With EXPORT_SYNC_FILE the point's fence in a new sync_file (ENOENT, EINVAL for an unsubmitted
     * point); otherwise a point is EINVAL and the opaque fd holds a reference (an unknown handle: EINVAL).
     */
    static long handleToFd(DrmFile file, ByteBuffer data, Task task) {
        requireSyncobj(file);
        DrmSyncobjHandle args = DrmSyncobjHandle.read(data);
        check(args.pad() == 0);
        check((args.flags() & ~(HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE | HANDLE_TO_FD_FLAGS_TIMELINE)) == 0);
        long point = (args.flags() & HANDLE_TO_FD_FLAGS_TIMELINE) != 0 ? args.point() : 0;
        if ((args.flags() & HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE) != 0) {
            DrmSyncobj s = find(file, args.handle());
            Fence fence;
            try {
                fence = s.findFence(point, false);
            } finally {
                s.put();
            }
            data.putInt(8, task.install(SyncFile.open(fence), O_CLOEXEC));
            return 0;
        }
        check(point == 0);
        DrmSyncobj s = file.syncobjs().find(args.handle());
        check(s != null);
        try {
            data.putInt(8, task.install(DrmSyncobjFileOps.open(s), O_CLOEXEC));
        } finally {
            s.put();
        }
        return 0;
    }

    /**
     * FD_TO_HANDLE: pad, then flags ⊄ {IMPORT_SYNC_FILE, TIMELINE}, are EINVAL; the point counts only with
     * TIMELINE. With IMPORT_SYNC_FILE the sync_file's fence (EINVAL if the fd is not one) replaces the handle's
     * (ENOENT), or becomes point {@code point}; otherwise a point is EINVAL, and an opaque syncobj fd (EINVAL if
     * it is not one) gets a new handle every time.
     */
    static long fdToHandle(DrmFile file, ByteBuffer data, Task task) {
        requireSyncobj(file);
        DrmSyncobjHandle args = DrmSyncobjHandle.read(data);
        check(args.pad() == 0);
        check((args.flags() & ~(FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE | FD_TO_HANDLE_FLAGS_TIMELINE)) == 0);
        long point = (args.flags() & FD_TO_HANDLE_FLAGS_TIMELINE) != 0 ? args.point() : 0;
        if ((args.flags() & FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE) != 0) {
            Fence fence = SyncFile.getFence(task, args.fd());
            check(fence != null);
            DrmSyncobj s = find(file, args.handle());
            try {
                if (point != 0) {
                    s.addPoint(fence, point);
                } else {
                    s.replaceFence(fence);
                }
            } finally {
                s.put();
            }
            return 0;
        }
        check(point == 0);
        OpenFile f;
        try {
            f = task.file(args.fd());
        } catch (ErrnoException e) {
            throw new ErrnoException(Errno.EINVAL);
        }
        DrmSyncobj s = DrmSyncobjFileOps.syncobj(f);
        check(s != null);
        data.putInt(0, file.syncobjs().install(s));
        return 0;
    }

    // ---------------------------------------------------------------- waits

    /** WAIT: flags ⊄ {ALL, FOR_SUBMIT, DEADLINE} is EINVAL; no handles succeed at once; then the array wait. */
    static long await(DrmFile file, ByteBuffer data, Task task) {
        requireSyncobj(file);
        DrmSyncobjWait args = DrmSyncobjWait.read(data);
        check((args.flags() & ~(WAIT_FLAGS_WAIT_ALL | WAIT_FLAGS_WAIT_FOR_SUBMIT | WAIT_FLAGS_WAIT_DEADLINE)) == 0);
        if (args.countHandles() == 0) {
            return 0;
        }
        DrmSyncobj[] syncobjs = findArray(file, task, args.handles(), args.countHandles());
        try {
            int first = waitArray(
                    file, syncobjs, new long[syncobjs.length], args.flags(), args.timeoutNsec(), args.deadlineNsec());
            data.putInt(24, first);
        } finally {
            putAll(syncobjs);
        }
        return 0;
    }

    /** TIMELINE_WAIT: as WAIT, with WAIT_AVAILABLE allowed and a point per handle (EFAULT if they cannot be read). */
    static long timelineWait(DrmFile file, ByteBuffer data, Task task) {
        requireTimeline(file);
        DrmSyncobjTimelineWait args = DrmSyncobjTimelineWait.read(data);
        check((args.flags()
                        & ~(WAIT_FLAGS_WAIT_ALL
                                | WAIT_FLAGS_WAIT_FOR_SUBMIT
                                | WAIT_FLAGS_WAIT_AVAILABLE
                                | WAIT_FLAGS_WAIT_DEADLINE))
                == 0);
        if (args.countHandles() == 0) {
            return 0;
        }
        DrmSyncobj[] syncobjs = findArray(file, task, args.handles(), args.countHandles());
        try {
            long[] points = readPoints(task, args.points(), syncobjs.length);
            int first = waitArray(file, syncobjs, points, args.flags(), args.timeoutNsec(), args.deadlineNsec());
            data.putInt(32, first);
        } finally {
            putAll(syncobjs);
        }
        return 0;
    }

    private static int waitArray(
            DrmFile file, DrmSyncobj[] syncobjs, long[] points, int flags, long timeoutNsec, long deadlineNsec) {
        long deadline = DrmSyncobjArrayWait.deadline(file.device().clock(), timeoutNsec);
        Long hint = (flags & WAIT_FLAGS_WAIT_DEADLINE) != 0 ? deadlineNsec : null;
        return DrmSyncobjArrayWait.await(syncobjs, points, flags, deadline, hint);
    }

    // ---------------------------------------------------------------- reset / signal

    /** RESET: pad, then a zero count, are EINVAL; every fence (a timeline's whole chain) becomes null. */
    static long reset(DrmFile file, ByteBuffer data, Task task) {
        DrmSyncobj[] syncobjs = binaryArray(file, data, task);
        try {
            for (DrmSyncobj s : syncobjs) {
                s.replaceFence(null);
            }
        } finally {
            putAll(syncobjs);
        }
        return 0;
    }

    /** SIGNAL: the checks of RESET; every fence becomes a new signalled stub. */
    static long signal(DrmFile file, ByteBuffer data, Task task) {
        DrmSyncobj[] syncobjs = binaryArray(file, data, task);
        try {
            for (DrmSyncobj s : syncobjs) {
                s.signal();
            }
        } finally {
            putAll(syncobjs);
        }
        return 0;
    }

    private static DrmSyncobj[] binaryArray(DrmFile file, ByteBuffer data, Task task) {
        requireSyncobj(file);
        DrmSyncobjArray args = DrmSyncobjArray.read(data);
        check(args.pad() == 0);
        check(args.countHandles() != 0);
        return findArray(file, task, args.handles(), args.countHandles());
    }

    /**
     * TIMELINE_SIGNAL: flags ≠ 0, then a zero count, are EINVAL; after the lookup the points are read (NULL: all
     * 0), and each syncobj gets a signalled point.
     */
    static long timelineSignal(DrmFile file, ByteBuffer data, Task task) {
        requireTimeline(file);
        DrmSyncobjTimelineArray args = DrmSyncobjTimelineArray.read(data);
        check(args.flags() == 0);
        check(args.countHandles() != 0);
        DrmSyncobj[] syncobjs = findArray(file, task, args.handles(), args.countHandles());
        try {
            long[] points = readPoints(task, args.points(), syncobjs.length);
            Fence stub = file.device().stubFence();
            for (int i = 0; i < syncobjs.length; i++) {
                syncobjs[i].addPoint(stub, points[i]);
            }
        } finally {
            putAll(syncobjs);
        }
        return 0;
    }

    /**
     * QUERY: flags ⊄ {LAST_SUBMITTED}, then a zero count, are EINVAL; each syncobj's value is written in turn
     * (EFAULT stops, earlier values stay written).
     */
    static long query(DrmFile file, ByteBuffer data, Task task) {
        requireTimeline(file);
        DrmSyncobjTimelineArray args = DrmSyncobjTimelineArray.read(data);
        check((args.flags() & ~QUERY_FLAGS_LAST_SUBMITTED) == 0);
        check(args.countHandles() != 0);
        boolean lastSubmitted = (args.flags() & QUERY_FLAGS_LAST_SUBMITTED) != 0;
        DrmSyncobj[] syncobjs = findArray(file, task, args.handles(), args.countHandles());
        try {
            byte[] value = new byte[8];
            for (int i = 0; i < syncobjs.length; i++) {
                le(value).putLong(0, syncobjs[i].query(lastSubmitted));
                task.user().write(args.points() + 8L * i, value);
            }
        } finally {
            putAll(syncobjs);
        }
        return 0;
    }

    // ---------------------------------------------------------------- transfer / eventfd

    /**
     * TRANSFER: pad is EINVAL; the destination must exist (ENOENT, looked up first); the source's point comes
     * from a consumer lookup (flags other than WAIT_FOR_SUBMIT: EINVAL; ENOENT; EINVAL unsubmitted, or up to 5 s
     * with WAIT_FOR_SUBMIT). A destination point adds the source fence, flattened, as that point; point 0
     * replaces the destination's fence.
     */
    static long transfer(DrmFile file, ByteBuffer data, Task task) {
        requireTimeline(file);
        DrmSyncobjTransfer args = DrmSyncobjTransfer.read(data);
        check(args.pad() == 0);
        DrmSyncobj dst = find(file, args.dstHandle());
        try {
            check((args.flags() & ~WAIT_FLAGS_WAIT_FOR_SUBMIT) == 0);
            DrmSyncobj src = find(file, args.srcHandle());
            Fence fence;
            try {
                fence = src.findFence(args.srcPoint(), (args.flags() & WAIT_FLAGS_WAIT_FOR_SUBMIT) != 0);
            } finally {
                src.put();
            }
            if (args.dstPoint() != 0) {
                dst.addPoint(FenceUnwrap.merge(file.device().clock(), fence), args.dstPoint());
            } else {
                dst.replaceFence(fence);
            }
        } finally {
            dst.put();
        }
        return 0;
    }

    /**
     * EVENTFD: flags ⊄ {WAIT_AVAILABLE}, then pad, are EINVAL; an unknown handle is ENOENT; the fd must be an
     * eventfd (EBADF, EINVAL). Registers a one-shot and returns at once.
     */
    static long eventfd(DrmFile file, ByteBuffer data, Task task) {
        requireTimeline(file);
        DrmSyncobjEventfd args = DrmSyncobjEventfd.read(data);
        check((args.flags() & ~WAIT_FLAGS_WAIT_AVAILABLE) == 0);
        check(args.pad() == 0);
        DrmSyncobj s = find(file, args.handle());
        try {
            EventFdContext ctx = task.file(args.fd()).privateData(EventFdContext.class, Errno.EINVAL);
            s.addWaiter(new DrmSyncobjEventfdEntry(ctx, args.point(), args.flags()));
        } finally {
            s.put();
        }
        return 0;
    }
}
