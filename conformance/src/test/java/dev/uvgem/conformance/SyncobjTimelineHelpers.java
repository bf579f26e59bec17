package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSync.timelineCreate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjTimelineWait;
import java.util.function.LongPredicate;

/**
 * The file-local helpers of IGT's {@code tests/syncobj_timeline.c}, shared by {@link SyncobjTimelineTest} and
 * {@link SyncobjTimelineWaitTest}: their fixture's requirements, the test's own flag word with its mapping onto
 * the ioctl's, and the timing of IGT's timers here ({@link IgtInterrupts} runs them).
 *
 * <p>Thread-safety: stateless; safe wherever the {@link Syscalls} it is given are. The timer helper starts a
 * thread of its own and joins it before returning.
 */
final class SyncobjTimelineHelpers {
    /**
     * IGT's SHORT_TIME_NSEC, one tenth of a second: its timers fire after it (and its short waits, {@link
     * IgtSyncobj#shortTimeout}, end after it).
     */
    static final long SHORT_TIME_NSEC = 100_000_000L;
    /** IGT's UINT64_MAX timeout: as a signed absolute time it is -1, long past, so the wait only polls. */
    static final long UINT64_MAX = -1L;

    /** The test's WAIT_FOR_SUBMIT (not the ioctl's: IGT's test bits differ, see {@link #flagsForTestFlags}). */
    static final int WAIT_FOR_SUBMIT = 1;
    /** The test's WAIT_ALL. */
    static final int WAIT_ALL = 1 << 1;
    /** The test's WAIT_AVAILABLE. */
    static final int WAIT_AVAILABLE = 1 << 2;
    /** Stage bit: the object has no fence (at its point). */
    static final int WAIT_UNSUBMITTED = 1 << 3;
    /** Stage bit: the object has an unsignalled fence at its point. */
    static final int WAIT_SUBMITTED = 1 << 4;
    /** Stage bit: the object has a signalled fence at its point. */
    static final int WAIT_SIGNALED = 1 << 5;
    /** IGT's WAIT_FLAGS_MAX: the generator loops run below it, so the word with every bit set is never made. */
    static final int WAIT_FLAGS_MAX = (1 << 6) - 1;
    /** Every stage bit. */
    static final int WAIT_STAGES = WAIT_UNSUBMITTED | WAIT_SUBMITTED | WAIT_SIGNALED;

    /**
     * The deadline of a wait for a timer's signal. IGT's is {@code 2 * SHORT_TIME_NSEC}, 100 ms after the timer:
     * measured on a loaded machine, the timer's thread started up to 40 ms late and its ioctls took up to 74 ms
     * through a daemon, so the margin is 1 s here. A passing wait returns when the timer's signal lands; one that
     * misses it still times out.
     */
    static final long TIMER_WAIT_DEADLINE_NSEC = 10 * SHORT_TIME_NSEC;

    private SyncobjTimelineHelpers() {}

    /**
     * The timeline suites' requirements on the open device (their {@link SyncobjSuite#require}): timeline
     * syncobjs ({@code has_syncobj_timeline_wait}: the capability, and TIMELINE_WAIT on handle 0 failing with
     * ENOENT) and sw_sync. IGT skips where they are missing; uvgem claims them, so here they are asserted.
     */
    static void requireTimelineWait(Syscalls sys, int fd) {
        assertThat(IgtSyncobj.hasSyncobjTimeline(sys, fd))
                .as("DRM_CAP_SYNCOBJ_TIMELINE")
                .isTrue();
        DrmSyncobjTimelineWait probe = new DrmSyncobjTimelineWait(IgtSyncobj.handlesAddress(), 0, 0, 1, 0, 0, 0, 0);
        assertThat(IgtSyncobj.tryTimelineWait(sys, fd, probe, IgtSyncobj.userWindow(new int[] {0}, null))
                        .ret())
                .as("TIMELINE_WAIT on handle 0")
                .isEqualTo(IgtSync.ENOENT);
        sys.close(timelineCreate(sys)); // igt_require_sw_sync
    }

    /** {@code flags_for_test_flags}: the ioctl flags a test flag word stands for (its stage bits dropped). */
    static int flagsForTestFlags(int testFlags) {
        int flags = 0;
        if ((testFlags & WAIT_FOR_SUBMIT) != 0) {
            flags |= DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT;
        }
        if ((testFlags & WAIT_AVAILABLE) != 0) {
            flags |= DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE;
        }
        if ((testFlags & WAIT_ALL) != 0) {
            flags |= DrmSyncobj.WAIT_FLAGS_WAIT_ALL;
        }
        return flags;
    }

    /**
     * {@link IgtInterrupts#waitAcrossTimer} with this suite's timing: the timer fires after {@link
     * #SHORT_TIME_NSEC}, and the wait's deadline is {@link #TIMER_WAIT_DEADLINE_NSEC} away.
     */
    static void waitAcrossTimer(String what, SyncThreads.Body action, LongPredicate wait) throws Exception {
        IgtInterrupts.waitAcrossTimer(what, SHORT_TIME_NSEC, TIMER_WAIT_DEADLINE_NSEC, action, wait);
    }
}
