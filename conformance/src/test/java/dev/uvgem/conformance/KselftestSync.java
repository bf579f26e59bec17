package dev.uvgem.conformance;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.uapi.Errno;

/**
 * The helpers of the kernel's sync selftests ({@code tools/testing/selftests/sync/sync.c}), re-expressed over a
 * process's raw {@link Syscalls}. They differ from IGT's ({@link IgtSync}) where the selftests assert on the
 * difference: failures come back as libc's {@code -1} rather than {@code -errno}, {@link #syncWait} is the raw
 * poll count (positive signalled, 0 timed out), fences and merges carry names.
 *
 * <p>Thread-safety: stateless; safe wherever the {@link Syscalls} it is given are.
 */
final class KselftestSync {
    /** Per-fence status the selftests count as an error (only exactly -1). */
    static final int FENCE_STATUS_ERROR = -1;
    /** Per-fence status of an unsignalled fence. */
    static final int FENCE_STATUS_ACTIVE = 0;
    /** Per-fence status of a fence signalled without error. */
    static final int FENCE_STATUS_SIGNALED = 1;

    private KselftestSync() {}

    /** {@code sw_sync_timeline_create}: open of the sw_sync node, read-write; the fd or -1. */
    static int timelineCreate(Syscalls sys) {
        long fd = sys.open(Uvgem.SW_SYNC, IgtSync.O_RDWR);
        return fd < 0 ? -1 : (int) fd;
    }

    /** {@code sw_sync_timeline_is_valid} / {@code sw_sync_fence_is_valid}: not -1 and an open fd. */
    static boolean isValid(Syscalls sys, int fd) {
        return fd != -1 && IgtSync.fdIsValid(sys, fd);
    }

    /** {@code sw_sync_timeline_inc}: 0, or -1. */
    static int timelineInc(Syscalls sys, int timeline, int count) {
        return IgtSync.tryInc(sys, timeline, count) < 0 ? -1 : 0;
    }

    /** {@code sw_sync_fence_create}: a named fence at {@code value}; the fd, or -1. */
    static int fenceCreate(Syscalls sys, int timeline, String name, int value) {
        int fd = IgtSync.tryCreateFence(sys, timeline, value, name);
        return fd < 0 ? -1 : fd;
    }

    /** {@code sw_sync_fence_destroy} / {@code sw_sync_timeline_destroy}: closes the fd if it is valid. */
    static void destroy(Syscalls sys, int fd) {
        if (isValid(sys, fd)) {
            sys.close(fd);
        }
    }

    /** {@code sync_merge}: a merge named {@code name}; the new fd, or -1. */
    static int merge(Syscalls sys, String name, int fd1, int fd2) {
        int fd = IgtSync.merge(sys, name, fd1, fd2);
        return fd < 0 ? -1 : fd;
    }

    /**
     * {@code sync_wait}: one poll for POLLIN|POLLERR for up to {@code timeoutMs} (negative: forever).
     *
     * @return poll's result: the number of ready fds (1), 0 on timeout, -1 on error
     * @throws AssertionError if the waiting thread was interrupted (cancelled)
     */
    static int syncWait(Syscalls sys, int fd, int timeoutMs) {
        short[] revents = new short[1];
        long r = sys.poll(new int[] {fd}, new short[] {(short) (IgtSync.POLLIN | IgtSync.POLLERR)}, revents, timeoutMs);
        if (r == Errno.EINTR.negative()) {
            throw new AssertionError("wait on fd " + fd + " interrupted: cancelled");
        }
        return r < 0 ? -1 : (int) r;
    }

    /** {@code sync_fence_size}: the number of fences after both FILE_INFO calls, or 0 if a call fails. */
    static int fenceSize(Syscalls sys, int fd) {
        IgtSync.FileInfo fi = IgtSync.fileInfo(sys, fd);
        return fi.error() < 0 ? 0 : fi.info().numFences();
    }

    /**
     * {@code sync_fence_count_with_status}: the two-call FILE_INFO, counting entries whose status is exactly
     * {@code status}; -1 if a call fails.
     */
    static int countWithStatus(Syscalls sys, int fd, int status) {
        int n = IgtSync.trySyncFenceCountStatus(sys, fd, status);
        return n < 0 ? -1 : n;
    }

    /**
     * The selftests' {@code busy_wait_on_fence}: re-reads FILE_INFO until no entry is active, requiring on every
     * round that no entry has status -1.
     *
     * @return 0 once nothing is active
     * @throws AssertionError at the first round with an error entry, or if the thread was interrupted
     */
    static int busyWaitOnFence(Syscalls sys, int fd) {
        int active;
        do {
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("busy wait on fd " + fd + " interrupted: cancelled");
            }
            int error = countWithStatus(sys, fd, FENCE_STATUS_ERROR);
            if (error != 0) {
                throw new AssertionError("Error occurred on fence (fd " + fd + "): " + error);
            }
            active = countWithStatus(sys, fd, FENCE_STATUS_ACTIVE);
        } while (active != 0);
        return 0;
    }
}
