package dev.uvgem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmSyncobj;
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
import dev.uvgem.uapi.Ioc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * IGT's {@code lib/igt_syncobj.c}, re-expressed over one process's raw {@link Syscalls}: the DRM sync object
 * ioctls with the same arguments the C helpers pass. As in IGT, the {@code try} forms (C's {@code __} helpers)
 * return {@code -errno} (or the value) for the test to judge, and the plain forms assert success.
 *
 * <p>Pointer fields address the process's user window ({@link Syscalls#USER_BASE}): the helpers that take Java
 * arrays lay them out there with {@link #userWindow} (the handles first at {@link #handlesAddress()}, then the
 * points 8-byte aligned at {@link #pointsAddress}), and copy back what the kernel wrote. The raw forms taking a
 * struct and a window let a test pass any pointer, including bad ones.
 *
 * <p>Thread-safety: stateless; safe wherever the {@link Syscalls} it is given are.
 */
final class IgtSyncobj {
    static final int ETIME = Errno.ETIME.negative();

    private IgtSyncobj() {}

    /**
     * What an ioctl returned and its argument struct as the kernel left it (the kernel copies it back also when
     * the call fails).
     *
     * @param ret 0 (or the ioctl's value) or -errno
     * @param arg the struct read back
     * @param <T> the struct record
     */
    record Result<T>(long ret, T arg) {}

    // ---------------------------------------------------------------- user memory

    /** The user address of the handle array the array helpers lay out. */
    static long handlesAddress() {
        return Syscalls.USER_BASE;
    }

    /** The user address of the point array that follows {@code count} handles (8-byte aligned). */
    static long pointsAddress(int count) {
        return Syscalls.USER_BASE + align8(4L * count);
    }

    /** A user window holding {@code handles} at {@link #handlesAddress()} and {@code points} (or room for as many). */
    static byte[] userWindow(int[] handles, long[] points) {
        int n = handles.length;
        byte[] user = new byte[(int) align8(4L * n) + 8 * (points == null ? 0 : points.length)];
        ByteBuffer b = le(user);
        for (int i = 0; i < n; i++) {
            b.putInt(4 * i, handles[i]);
        }
        if (points != null) {
            int base = (int) align8(4L * n);
            for (int i = 0; i < points.length; i++) {
                b.putLong(base + 8 * i, points[i]);
            }
        }
        return user;
    }

    /** Reads the {@code count} points laid out after {@code handleCount} handles in {@code user}. */
    static long[] readPoints(byte[] user, int handleCount, int count) {
        long[] points = new long[count];
        int base = (int) align8(4L * handleCount);
        for (int i = 0; i < count; i++) {
            points[i] = le(user).getLong(base + 8 * i);
        }
        return points;
    }

    // ---------------------------------------------------------------- time

    /**
     * The suites' {@code gettime_ns()}: CLOCK_MONOTONIC now, in ns, the clock syncobj timeouts are absolute on.
     * Every backend's kernel runs on {@link Env#CLOCK}, the real monotonic clock.
     */
    static long gettimeNs() {
        return Env.CLOCK.nanoTime();
    }

    /** The suites' {@code short_timeout()}: 100 ms from now, absolute. */
    static long shortTimeout() {
        return gettimeNs() + 100_000_000L;
    }

    // ---------------------------------------------------------------- capabilities

    /** Whether GET_CAP reports DRM_CAP_SYNCOBJ. */
    static boolean hasSyncobj(Syscalls sys, int fd) {
        return IgtVgem.tryGetCap(sys, fd, Drm.CAP_SYNCOBJ) > 0;
    }

    /** Whether GET_CAP reports DRM_CAP_SYNCOBJ_TIMELINE. */
    static boolean hasSyncobjTimeline(Syscalls sys, int fd) {
        return IgtVgem.tryGetCap(sys, fd, Drm.CAP_SYNCOBJ_TIMELINE) > 0;
    }

    // ---------------------------------------------------------------- create / destroy

    /** {@code __syncobj_create}: the handle as the kernel left it, with the result. */
    static Result<DrmSyncobjCreate> tryCreate(Syscalls sys, int fd, int flags) {
        byte[] arg = new byte[DrmSyncobjCreate.SIZE];
        new DrmSyncobjCreate(0, flags).write(le(arg));
        long r = sys.ioctl(fd, DrmSyncobj.IOCTL_CREATE, arg, null);
        return new Result<>(r, DrmSyncobjCreate.read(le(arg)));
    }

    /** {@code syncobj_create}: asserts success and a non-zero handle. */
    static int create(Syscalls sys, int fd, int flags) {
        Result<DrmSyncobjCreate> r = tryCreate(sys, fd, flags);
        assertThat(r.ret()).as("syncobj_create(flags 0x%x)", flags).isZero();
        assertThat(r.arg().handle()).as("syncobj_create handle").isNotZero();
        return r.arg().handle();
    }

    /** DESTROY with every field given: 0 or -errno. */
    static long tryDestroy(Syscalls sys, int fd, int handle, int pad) {
        byte[] arg = new byte[DrmSyncobjDestroy.SIZE];
        new DrmSyncobjDestroy(handle, pad).write(le(arg));
        return sys.ioctl(fd, DrmSyncobj.IOCTL_DESTROY, arg, null);
    }

    /** {@code __syncobj_destroy}: 0 or -errno. */
    static long tryDestroy(Syscalls sys, int fd, int handle) {
        return tryDestroy(sys, fd, handle, 0);
    }

    /** {@code syncobj_destroy}: asserts success. */
    static void destroy(Syscalls sys, int fd, int handle) {
        assertThat(tryDestroy(sys, fd, handle))
                .as("syncobj_destroy(%d)", handle)
                .isZero();
    }

    // ---------------------------------------------------------------- fds

    /** {@code __syncobj_handle_to_fd}: HANDLE_TO_FD (24-byte struct) with {@code args}. */
    static Result<DrmSyncobjHandle> tryHandleToFd(Syscalls sys, int fd, DrmSyncobjHandle args) {
        return handleIoctl(sys, fd, DrmSyncobj.IOCTL_HANDLE_TO_FD, args);
    }

    /** {@code __syncobj_fd_to_handle}: FD_TO_HANDLE (24-byte struct) with {@code args}. */
    static Result<DrmSyncobjHandle> tryFdToHandle(Syscalls sys, int fd, DrmSyncobjHandle args) {
        return handleIoctl(sys, fd, DrmSyncobj.IOCTL_FD_TO_HANDLE, args);
    }

    /**
     * HANDLE_TO_FD or FD_TO_HANDLE under any request code: the 24-byte codes or the older 16-byte ones ({@code
     * *_V1}), whose struct has no point.
     */
    static Result<DrmSyncobjHandle> handleIoctl(Syscalls sys, int fd, int request, DrmSyncobjHandle args) {
        byte[] arg = new byte[Ioc.size(request)];
        args.write(le(arg));
        long r = sys.ioctl(fd, request, arg, null);
        return new Result<>(r, DrmSyncobjHandle.read(le(arg)));
    }

    /** {@code syncobj_handle_to_fd}: asserts success and a valid fd (an opaque syncobj fd or a sync_file). */
    static int handleToFd(Syscalls sys, int fd, int handle, int flags) {
        Result<DrmSyncobjHandle> r = tryHandleToFd(sys, fd, new DrmSyncobjHandle(handle, flags, 0, 0, 0));
        assertThat(r.ret()).as("syncobj_handle_to_fd(%d, 0x%x)", handle, flags).isZero();
        assertThat(r.arg().fd()).as("syncobj_handle_to_fd fd").isNotNegative();
        return r.arg().fd();
    }

    /** {@code syncobj_fd_to_handle}: asserts success and a handle above 0. */
    static int fdToHandle(Syscalls sys, int fd, int syncobjFd, int flags) {
        Result<DrmSyncobjHandle> r = tryFdToHandle(sys, fd, new DrmSyncobjHandle(0, flags, syncobjFd, 0, 0));
        assertThat(r.ret())
                .as("syncobj_fd_to_handle(%d, 0x%x)", syncobjFd, flags)
                .isZero();
        assertThat(Integer.toUnsignedLong(r.arg().handle()))
                .as("syncobj_fd_to_handle handle")
                .isPositive();
        return r.arg().handle();
    }

    /** IMPORT_SYNC_FILE of {@code syncFile} into {@code handle} at {@code point} (0: binary); 0 or -errno. */
    static long tryImportSyncFile(Syscalls sys, int fd, int handle, int syncFile, long point) {
        int flags = DrmSyncobj.FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE
                | (point != 0 ? DrmSyncobj.FD_TO_HANDLE_FLAGS_TIMELINE : 0);
        return tryFdToHandle(sys, fd, new DrmSyncobjHandle(handle, flags, syncFile, 0, point))
                .ret();
    }

    /** {@code syncobj_import_sync_file}: the sync_file's fence replaces {@code handle}'s; asserts success. */
    static void importSyncFile(Syscalls sys, int fd, int handle, int syncFile) {
        assertThat(tryImportSyncFile(sys, fd, handle, syncFile, 0))
                .as("syncobj_import_sync_file(%d, fd %d)", handle, syncFile)
                .isZero();
    }

    /** EXPORT_SYNC_FILE of {@code handle}'s fence at {@code point} (0: the current fence): the fd or -errno. */
    static long tryExportSyncFile(Syscalls sys, int fd, int handle, long point) {
        int flags = DrmSyncobj.HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE
                | (point != 0 ? DrmSyncobj.HANDLE_TO_FD_FLAGS_TIMELINE : 0);
        Result<DrmSyncobjHandle> r = tryHandleToFd(sys, fd, new DrmSyncobjHandle(handle, flags, -1, 0, point));
        return r.ret() < 0 ? r.ret() : r.arg().fd();
    }

    /** EXPORT_SYNC_FILE of {@code handle}'s current fence, asserting success. */
    static int exportSyncFile(Syscalls sys, int fd, int handle) {
        long sf = tryExportSyncFile(sys, fd, handle, 0);
        assertThat(sf).as("export sync_file of %d", handle).isNotNegative();
        return (int) sf;
    }

    // ---------------------------------------------------------------- waits

    /** {@code __syncobj_wait} with the struct and user window given (40-byte struct): the result and struct. */
    static Result<DrmSyncobjWait> tryWait(Syscalls sys, int fd, DrmSyncobjWait args, byte[] user) {
        return tryWait(sys, fd, DrmSyncobj.IOCTL_WAIT, args, user);
    }

    /** WAIT under {@code request}: {@link DrmSyncobj#IOCTL_WAIT} or the 32-byte {@code IOCTL_WAIT_V1}. */
    static Result<DrmSyncobjWait> tryWait(Syscalls sys, int fd, int request, DrmSyncobjWait args, byte[] user) {
        byte[] arg = new byte[Ioc.size(request)];
        args.write(le(arg));
        long r = sys.ioctl(fd, request, arg, user);
        return new Result<>(r, DrmSyncobjWait.read(le(arg)));
    }

    /** The WAIT struct the helpers pass: handles in the user window, the rest zero. */
    static DrmSyncobjWait waitArgs(int count, long absTimeoutNsec, int flags) {
        return new DrmSyncobjWait(handlesAddress(), absTimeoutNsec, count, flags, 0, 0, 0);
    }

    /** {@code syncobj_wait_err}: WAIT on {@code handles} until {@code absTimeoutNsec}; 0 or -errno. */
    static int waitErr(Syscalls sys, int fd, int[] handles, long absTimeoutNsec, int flags) {
        return (int) tryWait(sys, fd, waitArgs(handles.length, absTimeoutNsec, flags), userWindow(handles, null))
                .ret();
    }

    /**
     * {@code syncobj_wait}: false on ETIME, else asserts success and stores {@code first_signaled} into {@code
     * firstSignaled[0]} (if given).
     */
    static boolean wait(Syscalls sys, int fd, int[] handles, long absTimeoutNsec, int flags, int[] firstSignaled) {
        Result<DrmSyncobjWait> r =
                tryWait(sys, fd, waitArgs(handles.length, absTimeoutNsec, flags), userWindow(handles, null));
        if (r.ret() == ETIME) {
            return false;
        }
        assertThat(r.ret()).as("syncobj_wait(flags 0x%x)", flags).isZero();
        if (firstSignaled != null) {
            firstSignaled[0] = r.arg().firstSignaled();
        }
        return true;
    }

    /** {@code __syncobj_timeline_wait_ioctl} with the struct and user window given (48-byte struct). */
    static Result<DrmSyncobjTimelineWait> tryTimelineWait(
            Syscalls sys, int fd, DrmSyncobjTimelineWait args, byte[] user) {
        return tryTimelineWait(sys, fd, DrmSyncobj.IOCTL_TIMELINE_WAIT, args, user);
    }

    /** TIMELINE_WAIT under {@code request}: the 48-byte code or the 40-byte {@code IOCTL_TIMELINE_WAIT_V1}. */
    static Result<DrmSyncobjTimelineWait> tryTimelineWait(
            Syscalls sys, int fd, int request, DrmSyncobjTimelineWait args, byte[] user) {
        byte[] arg = new byte[Ioc.size(request)];
        args.write(le(arg));
        long r = sys.ioctl(fd, request, arg, user);
        return new Result<>(r, DrmSyncobjTimelineWait.read(le(arg)));
    }

    /**
     * {@code __syncobj_timeline_wait}: TIMELINE_WAIT on {@code handles} at {@code points} until {@code
     * timeoutNsec}; 0 or -errno. Stores {@code first_signaled} into {@code firstSignaled[0]} (if given) whatever
     * the result, as the C helper does.
     */
    static int tryTimelineWait(
            Syscalls sys, int fd, int[] handles, long[] points, long timeoutNsec, int flags, int[] firstSignaled) {
        int n = handles.length;
        DrmSyncobjTimelineWait args =
                new DrmSyncobjTimelineWait(handlesAddress(), pointsAddress(n), timeoutNsec, n, flags, 0, 0, 0);
        Result<DrmSyncobjTimelineWait> r = tryTimelineWait(sys, fd, args, userWindow(handles, points));
        if (firstSignaled != null) {
            firstSignaled[0] = r.arg().firstSignaled();
        }
        return (int) r.ret();
    }

    /** {@code syncobj_timeline_wait_err}: 0 or -errno. */
    static int timelineWaitErr(Syscalls sys, int fd, int[] handles, long[] points, long timeoutNsec, int flags) {
        return tryTimelineWait(sys, fd, handles, points, timeoutNsec, flags, null);
    }

    /** {@code syncobj_timeline_wait}: false on ETIME, else asserts success. */
    static boolean timelineWait(
            Syscalls sys, int fd, int[] handles, long[] points, long timeoutNsec, int flags, int[] firstSignaled) {
        int r = tryTimelineWait(sys, fd, handles, points, timeoutNsec, flags, firstSignaled);
        if (r == ETIME) {
            return false;
        }
        assertThat(r).as("syncobj_timeline_wait(flags 0x%x)", flags).isZero();
        return true;
    }

    // ---------------------------------------------------------------- reset / signal

    /** RESET or SIGNAL ({@code request}) with the struct and window given: 0 or -errno. */
    static long tryArray(Syscalls sys, int fd, int request, DrmSyncobjArray args, byte[] user) {
        byte[] arg = new byte[DrmSyncobjArray.SIZE];
        args.write(le(arg));
        return sys.ioctl(fd, request, arg, user);
    }

    private static long tryArray(Syscalls sys, int fd, int request, int[] handles) {
        return tryArray(
                sys, fd, request, new DrmSyncobjArray(handlesAddress(), handles.length, 0), userWindow(handles, null));
    }

    /** {@code __syncobj_reset}: 0 or -errno. */
    static long tryReset(Syscalls sys, int fd, int... handles) {
        return tryArray(sys, fd, DrmSyncobj.IOCTL_RESET, handles);
    }

    /** {@code syncobj_reset}: asserts success. */
    static void reset(Syscalls sys, int fd, int... handles) {
        assertThat(tryReset(sys, fd, handles)).as("syncobj_reset").isZero();
    }

    /** {@code __syncobj_signal}: 0 or -errno. */
    static long trySignal(Syscalls sys, int fd, int... handles) {
        return tryArray(sys, fd, DrmSyncobj.IOCTL_SIGNAL, handles);
    }

    /** {@code syncobj_signal}: asserts success. */
    static void signal(Syscalls sys, int fd, int... handles) {
        assertThat(trySignal(sys, fd, handles)).as("syncobj_signal").isZero();
    }

    /** TIMELINE_SIGNAL or QUERY ({@code request}) with the struct and window given: 0 or -errno. */
    static long tryTimelineArray(Syscalls sys, int fd, int request, DrmSyncobjTimelineArray args, byte[] user) {
        byte[] arg = new byte[DrmSyncobjTimelineArray.SIZE];
        args.write(le(arg));
        return sys.ioctl(fd, request, arg, user);
    }

    /** {@code __syncobj_timeline_signal}: {@code points} null passes a NULL points pointer; 0 or -errno. */
    static long tryTimelineSignal(Syscalls sys, int fd, int[] handles, long[] points) {
        int n = handles.length;
        DrmSyncobjTimelineArray args =
                new DrmSyncobjTimelineArray(handlesAddress(), points == null ? 0 : pointsAddress(n), n, 0);
        return tryTimelineArray(sys, fd, DrmSyncobj.IOCTL_TIMELINE_SIGNAL, args, userWindow(handles, points));
    }

    /** {@code syncobj_timeline_signal}: asserts success. */
    static void timelineSignal(Syscalls sys, int fd, int[] handles, long[] points) {
        assertThat(tryTimelineSignal(sys, fd, handles, points))
                .as("syncobj_timeline_signal")
                .isZero();
    }

    /** {@code __syncobj_timeline_query} with {@code flags}: fills {@code points}; 0 or -errno. */
    static long tryTimelineQuery(Syscalls sys, int fd, int[] handles, long[] points, int flags) {
        int n = handles.length;
        byte[] user = userWindow(handles, new long[n]);
        DrmSyncobjTimelineArray args = new DrmSyncobjTimelineArray(handlesAddress(), pointsAddress(n), n, flags);
        long r = tryTimelineArray(sys, fd, DrmSyncobj.IOCTL_QUERY, args, user);
        System.arraycopy(readPoints(user, n, n), 0, points, 0, Math.min(n, points.length));
        return r;
    }

    /** {@code syncobj_timeline_query}: asserts success and fills {@code points}. */
    static void timelineQuery(Syscalls sys, int fd, int[] handles, long[] points) {
        assertThat(tryTimelineQuery(sys, fd, handles, points, 0))
                .as("syncobj_timeline_query")
                .isZero();
    }

    /** The last signalled point of one syncobj (QUERY, flags 0), asserting success. */
    static long query(Syscalls sys, int fd, int handle) {
        long[] point = new long[1];
        timelineQuery(sys, fd, new int[] {handle}, point);
        return point[0];
    }

    // ---------------------------------------------------------------- transfer

    /** TRANSFER with every field given: 0 or -errno. */
    static long tryTransfer(Syscalls sys, int fd, DrmSyncobjTransfer args) {
        byte[] arg = new byte[DrmSyncobjTransfer.SIZE];
        args.write(le(arg));
        return sys.ioctl(fd, DrmSyncobj.IOCTL_TRANSFER, arg, null);
    }

    /** {@code __syncobj_transfer}: 0 or -errno (destination first, as the C helper's arguments). */
    static long tryTransfer(Syscalls sys, int fd, int dst, long dstPoint, int src, long srcPoint, int flags) {
        return tryTransfer(sys, fd, new DrmSyncobjTransfer(src, dst, srcPoint, dstPoint, flags, 0));
    }

    /** {@code syncobj_binary_to_timeline}: {@code binary}'s fence becomes point {@code point} of {@code timeline}. */
    static void binaryToTimeline(Syscalls sys, int fd, int timeline, long point, int binary) {
        assertThat(tryTransfer(sys, fd, timeline, point, binary, 0, 0))
                .as("syncobj_binary_to_timeline")
                .isZero();
    }

    /** {@code syncobj_timeline_to_binary}: point {@code point} of {@code timeline} replaces {@code binary}'s fence. */
    static void timelineToBinary(Syscalls sys, int fd, int binary, int timeline, long point, int flags) {
        assertThat(tryTransfer(sys, fd, binary, 0, timeline, point, flags))
                .as("syncobj_timeline_to_binary")
                .isZero();
    }

    /** {@code syncobj_timeline_to_timeline}: {@code src@srcPoint} becomes {@code dst@dstPoint}. */
    static void timelineToTimeline(Syscalls sys, int fd, int dst, long dstPoint, int src, long srcPoint) {
        assertThat(tryTransfer(sys, fd, dst, dstPoint, src, srcPoint, 0))
                .as("syncobj_timeline_to_timeline")
                .isZero();
    }

    // ---------------------------------------------------------------- eventfd

    /** EVENTFD with every field given: 0 or -errno. */
    static long tryEventfd(Syscalls sys, int fd, DrmSyncobjEventfd args) {
        byte[] arg = new byte[DrmSyncobjEventfd.SIZE];
        args.write(le(arg));
        return sys.ioctl(fd, DrmSyncobj.IOCTL_EVENTFD, arg, null);
    }

    /** {@code __syncobj_eventfd}: 0 or -errno. */
    static long tryEventfd(Syscalls sys, int fd, int handle, long point, int flags, int eventFd) {
        return tryEventfd(sys, fd, new DrmSyncobjEventfd(handle, flags, point, eventFd, 0));
    }

    /** {@code syncobj_eventfd}: asserts success. */
    static void eventfd(Syscalls sys, int fd, int handle, long point, int flags, int eventFd) {
        assertThat(tryEventfd(sys, fd, handle, point, flags, eventFd))
                .as("syncobj_eventfd(%d@%d, 0x%x)", handle, point, flags)
                .isZero();
    }

    // ---------------------------------------------------------------- support

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
