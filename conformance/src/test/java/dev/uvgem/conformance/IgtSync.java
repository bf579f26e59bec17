package dev.uvgem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.SwSyncCreateFenceData;
import dev.uvgem.uapi.SwSyncIoctl;
import dev.uvgem.uapi.SyncFenceInfo;
import dev.uvgem.uapi.SyncFileInfo;
import dev.uvgem.uapi.SyncIoctl;
import dev.uvgem.uapi.SyncMergeData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The sw_sync / sync_file helpers of IGT's {@code lib/sw_sync.c}, re-expressed over a process's raw
 * {@link Syscalls}: the conformance suites speak the uAPI through these, exactly as the C suites do through
 * theirs.
 *
 * <p>Conventions follow IGT: the {@code __}-prefixed C helpers (here: the methods whose name starts with
 * {@code try}) return the new fd or {@code -errno}; the plain ones assert success (a failed JUnit assertion
 * where IGT's {@code igt_assert} would fail the subtest) and return the value.
 *
 * <p>Waiting ({@link #syncFenceWait}) restarts on EAGAIN as IGT's does on EINTR/EAGAIN. IGT restarts on EINTR too,
 * because its signals are benign test noise; in Java an interrupt is a cancellation (a JUnit timeout, a failed
 * sibling thread), so the helper gives up with an {@link AssertionError} instead of spinning.
 *
 * <p>Thread-safety: stateless; safe wherever the {@link Syscalls} it is given are.
 */
final class IgtSync {
    /** Per-fence status IGT counts as an error ({@code SW_SYNC_FENCE_STATUS_ERROR}): exactly -1, no other errno. */
    static final int STATUS_ERROR = -1;
    /** Per-fence status of a fence not yet signalled. */
    static final int STATUS_ACTIVE = 0;
    /** Per-fence status of a fence signalled without error. */
    static final int STATUS_SIGNALED = 1;

    static final int O_RDWR = 2;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLNVAL = 0x20;

    static final int EBADF = Errno.EBADF.negative();
    static final int ENOENT = Errno.ENOENT.negative();
    static final int EINVAL = Errno.EINVAL.negative();
    static final int ETIME = Errno.ETIME.negative();

    private IgtSync() {}

    /**
     * Returns whether {@code fd} is an open fd of {@code sys}, the stand-in for IGT's {@code fcntl(F_GETFD)} probe:
     * non-negative and duplicable (the duplicate is closed again at once).
     */
    static boolean fdIsValid(Syscalls sys, int fd) {
        if (fd < 0) {
            return false;
        }
        long dup = sys.dup(fd);
        if (dup < 0) {
            return false;
        }
        sys.close((int) dup);
        return true;
    }

    /** {@code sw_sync_timeline_create}: opens the sw_sync node read-write; asserts the fd is valid. */
    static int timelineCreate(Syscalls sys) {
        long fd = sys.open(Uvgem.SW_SYNC, O_RDWR);
        assertThat(fd).as("open %s", Uvgem.SW_SYNC).isNotNegative();
        assertThat(fdIsValid(sys, (int) fd))
                .as("created timeline fd %d is valid", fd)
                .isTrue();
        return (int) fd;
    }

    /** {@code __sw_sync_timeline_create_fence}: CREATE_FENCE for point {@code seqno}; the fd or -errno. */
    static int tryCreateFence(Syscalls sys, int timeline, int seqno) {
        return tryCreateFence(sys, timeline, seqno, "");
    }

    /** CREATE_FENCE with a name (which the kernel ignores); the fd or -errno. */
    static int tryCreateFence(Syscalls sys, int timeline, int seqno, String name) {
        byte[] arg = new byte[SwSyncCreateFenceData.SIZE];
        new SwSyncCreateFenceData(seqno, name, 0).write(le(arg));
        long r = sys.ioctl(timeline, SwSyncIoctl.CREATE_FENCE, arg, null);
        if (r < 0) {
            return (int) r;
        }
        return SwSyncCreateFenceData.read(le(arg)).fence();
    }

    /** {@code sw_sync_timeline_create_fence}: as {@link #tryCreateFence}, asserting a valid fd. */
    static int createFence(Syscalls sys, int timeline, int seqno) {
        int fence = tryCreateFence(sys, timeline, seqno);
        assertThat(fdIsValid(sys, fence))
                .as("fence %d created at point %d on timeline fd %d", fence, seqno, timeline)
                .isTrue();
        return fence;
    }

    /** {@code SW_SYNC_IOC_INC} by {@code count} (unsigned); 0 or -errno. */
    static int tryInc(Syscalls sys, int timeline, int count) {
        byte[] arg = new byte[4];
        le(arg).putInt(0, count);
        return (int) sys.ioctl(timeline, SwSyncIoctl.INC, arg, null);
    }

    /** {@code sw_sync_timeline_inc}: INC, asserting success. */
    static void inc(Syscalls sys, int timeline, int count) {
        assertThat(tryInc(sys, timeline, count))
                .as("INC %d on timeline fd %d", Integer.toUnsignedLong(count), timeline)
                .isZero();
    }

    /** {@code sync_fence_merge}: MERGE on {@code fd1} with {@code fd2}, empty name; the new fd or -errno. */
    static int merge(Syscalls sys, int fd1, int fd2) {
        return merge(sys, "", fd1, fd2);
    }

    /** MERGE on {@code fd1} with {@code fd2} under {@code name}; the new fd or -errno. */
    static int merge(Syscalls sys, String name, int fd1, int fd2) {
        byte[] arg = new byte[SyncMergeData.SIZE];
        new SyncMergeData(name, fd2, 0, 0, 0).write(le(arg));
        long r = sys.ioctl(fd1, SyncIoctl.MERGE, arg, null);
        if (r < 0) {
            return (int) r;
        }
        return SyncMergeData.read(le(arg)).fence();
    }

    /**
     * {@code sync_fence_wait}: polls {@code fd} for POLLIN for up to {@code timeoutMs} (negative: forever).
     *
     * @return 0 once ready, -EINVAL if poll flagged POLLERR or POLLNVAL, -ETIME on timeout, or poll's -errno
     * @throws AssertionError if the waiting thread was interrupted (cancelled)
     */
    static int syncFenceWait(Syscalls sys, int fd, int timeoutMs) {
        short[] revents = new short[1];
        while (true) {
            long r = sys.poll(new int[] {fd}, new short[] {POLLIN}, revents, timeoutMs);
            if (r > 0) {
                return (revents[0] & (POLLERR | POLLNVAL)) != 0 ? EINVAL : 0;
            } else if (r == 0) {
                return ETIME;
            } else if (r == Errno.EINTR.negative()) {
                throw new AssertionError("wait on fd " + fd + " interrupted: cancelled");
            } else if (r != Errno.EAGAIN.negative()) {
                return (int) r;
            }
        }
    }

    /** {@code sync_fence_count}: FILE_INFO with no array; the number of fences, or -errno. */
    static int syncFenceCount(Syscalls sys, int fd) {
        byte[] arg = new byte[SyncFileInfo.SIZE];
        long r = sys.ioctl(fd, SyncIoctl.FILE_INFO, arg, null);
        if (r < 0) {
            return (int) r;
        }
        return SyncFileInfo.read(le(arg)).numFences();
    }

    /**
     * The result of the two-call FILE_INFO protocol.
     *
     * @param error 0, or the -errno of the call that failed (then the rest is empty)
     * @param info the struct as the second call left it
     * @param fences the entries the second call filled in
     */
    record FileInfo(int error, SyncFileInfo info, List<SyncFenceInfo> fences) {}

    /**
     * The two-call FILE_INFO the helpers share: a first call with no array learns the count, a second call with
     * the struct as the first left it, {@code num_fences} entries of room and the array pointer set, fills them.
     */
    static FileInfo fileInfo(Syscalls sys, int fd) {
        byte[] arg = new byte[SyncFileInfo.SIZE];
        long r = sys.ioctl(fd, SyncIoctl.FILE_INFO, arg, null);
        if (r < 0) {
            return new FileInfo((int) r, null, List.of());
        }
        SyncFileInfo first = SyncFileInfo.read(le(arg));
        int n = first.numFences();
        byte[] user = new byte[n * SyncFenceInfo.SIZE];
        new SyncFileInfo(first.name(), first.status(), first.flags(), n, first.pad(), Syscalls.USER_BASE)
                .write(le(arg));
        r = sys.ioctl(fd, SyncIoctl.FILE_INFO, arg, user);
        if (r < 0) {
            return new FileInfo((int) r, null, List.of());
        }
        SyncFileInfo second = SyncFileInfo.read(le(arg));
        List<SyncFenceInfo> fences = new ArrayList<>(n);
        for (int i = 0; i < Math.min(n, second.numFences()); i++) {
            fences.add(fenceInfo(user, i));
        }
        return new FileInfo(0, second, fences);
    }

    /**
     * {@code __sync_fence_count_status}: the two-call FILE_INFO, counting the entries whose status equals
     * {@code status} exactly; -errno if either call fails.
     */
    static int trySyncFenceCountStatus(Syscalls sys, int fd, int status) {
        FileInfo fi = fileInfo(sys, fd);
        if (fi.error() < 0) {
            return fi.error();
        }
        int count = 0;
        for (SyncFenceInfo f : fi.fences()) {
            if (f.status() == status) {
                count++;
            }
        }
        return count;
    }

    /** {@code sync_fence_count_status}: as {@link #trySyncFenceCountStatus}, asserting it did not fail. */
    static int syncFenceCountStatus(Syscalls sys, int fd, int status) {
        int count = trySyncFenceCountStatus(sys, fd, status);
        assertThat(count).as("FILE_INFO on fd %d", fd).isNotNegative();
        return count;
    }

    /** {@code sync_fence_status}: FILE_INFO with no array; the top-level status (1, 0 or -errno), or -errno. */
    static int syncFenceStatus(Syscalls sys, int fd) {
        byte[] arg = new byte[SyncFileInfo.SIZE];
        long r = sys.ioctl(fd, SyncIoctl.FILE_INFO, arg, null);
        if (r < 0) {
            return (int) r;
        }
        return SyncFileInfo.read(le(arg)).status();
    }

    /** {@code sync_fence_timestamp}: FILE_INFO with one entry; asserts the entry's timestamp is set and returns it. */
    static long syncFenceTimestamp(Syscalls sys, int fd) {
        byte[] arg = new byte[SyncFileInfo.SIZE];
        byte[] user = new byte[SyncFenceInfo.SIZE];
        new SyncFileInfo("", 0, 0, 1, 0, Syscalls.USER_BASE).write(le(arg));
        assertThat(sys.ioctl(fd, SyncIoctl.FILE_INFO, arg, user))
                .as("FILE_INFO on fd %d", fd)
                .isZero();
        long ts = fenceInfo(user, 0).timestampNs();
        assertThat(ts).as("timestamp of fd %d", fd).isNotZero();
        return ts;
    }

    static SyncFenceInfo fenceInfo(byte[] user, int index) {
        return SyncFenceInfo.read(ByteBuffer.wrap(user, index * SyncFenceInfo.SIZE, SyncFenceInfo.SIZE)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN));
    }

    static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
