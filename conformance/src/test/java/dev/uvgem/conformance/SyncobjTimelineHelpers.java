package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSync.createFence;
import static dev.uvgem.conformance.IgtSync.inc;
import static dev.uvgem.conformance.IgtSync.timelineCreate;
import static dev.uvgem.conformance.IgtSyncobj.gettimeNs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjTimelineWait;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * The file-local helpers of IGT's {@code tests/syncobj_timeline.c}, shared by {@link SyncobjTimelineTest} and
 * {@link SyncobjTimelineWaitTest}: the fixture and its no-leak teardown, the sw_sync fences put on a syncobj (at
 * a timeline point through a binary temporary and TRANSFER, as the C test does), the test's own flag word with its
 * mapping onto the ioctl's, IGT's timers (a thread that sleeps, then acts) and {@code igt_while_interruptible}
 * (thread interrupts, and the ioctl restarted on EINTR).
 *
 * <p>Thread-safety: stateless; safe wherever the {@link Syscalls} it is given are. The timer and interruptible
 * helpers start threads of their own and join them before returning.
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

    /** How long joins wait for threads that should long be done. */
    static final Duration JOIN_DEADLINE = Duration.ofSeconds(30);

    private SyncobjTimelineHelpers() {}

    /**
     * The fixture: {@code drm_open_driver(DRIVER_ANY)}, then IGT's requirements, timeline syncobjs
     * ({@code has_syncobj_timeline_wait}: the capability, and TIMELINE_WAIT on handle 0 failing with ENOENT) and
     * sw_sync. IGT skips where they are missing; uvgem claims them, so here they are asserted.
     */
    static int openTimelineDevice(Syscalls sys) {
        int fd = IgtVgem.drmOpenDriver(sys);
        assertThat(IgtSyncobj.hasSyncobjTimeline(sys, fd))
                .as("DRM_CAP_SYNCOBJ_TIMELINE")
                .isTrue();
        DrmSyncobjTimelineWait probe = new DrmSyncobjTimelineWait(IgtSyncobj.handlesAddress(), 0, 0, 1, 0, 0, 0, 0);
        assertThat(IgtSyncobj.tryTimelineWait(sys, fd, probe, IgtSyncobj.userWindow(new int[] {0}, null))
                        .ret())
                .as("TIMELINE_WAIT on handle 0")
                .isEqualTo(IgtSync.ENOENT);
        sys.close(timelineCreate(sys)); // igt_require_sw_sync
        return fd;
    }

    /**
     * The teardown: closes the device file, after which no sync object may be left (every object the subtest
     * made, and every reference a wait or transfer took, is gone), then shuts the environment down.
     */
    static void closeAndCheckNoLeak(Env env, int fd) {
        try {
            assertThat(env.sys().close(fd)).as("close the DRM fd").isZero();
            assertThat(env.devices().vgem().liveSyncobjs())
                    .as("sync objects left")
                    .isZero();
        } finally {
            env.close();
        }
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
     * {@code syncobj_attach_sw_sync}: a new sw_sync timeline with an unsignalled fence at its point 1, put on
     * {@code handle}: replacing its fence for point 0, else added as timeline point {@code point} through a binary
     * temporary and TRANSFER. The fence fd is closed; the timeline fd is returned, to signal the fence with.
     */
    static int attachSwSync(Syscalls sys, int fd, int handle, long point) {
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 1);
        importAt(sys, fd, handle, point, fence);
        sys.close(fence);
        return timeline;
    }

    /**
     * Puts the fence of sync_file {@code fence} on {@code handle}: replacing its fence for point 0, else as
     * timeline point {@code point} through a binary temporary (import, TRANSFER temporary@0 to handle@point,
     * destroy), the way every IGT timeline test adds a sw_sync fence to a timeline.
     */
    static void importAt(Syscalls sys, int fd, int handle, long point, int fence) {
        if (point == 0) {
            IgtSyncobj.importSyncFile(sys, fd, handle, fence);
            return;
        }
        int tmp = IgtSyncobj.create(sys, fd, 0);
        IgtSyncobj.importSyncFile(sys, fd, tmp, fence);
        IgtSyncobj.binaryToTimeline(sys, fd, handle, point, tmp);
        IgtSyncobj.destroy(sys, fd, tmp);
    }

    /** {@code syncobj_trigger}: {@link #attachSwSync}, then signal the fence and close its timeline. */
    static void trigger(Syscalls sys, int fd, int handle, long point) {
        int timeline = attachSwSync(sys, fd, handle, point);
        inc(sys, timeline, 1);
        sys.close(timeline);
    }

    /**
     * IGT's {@code set_timer} and the wait that follows it: {@code action} runs on a thread of its own {@link
     * #SHORT_TIME_NSEC} from now (a SIGEV_THREAD timer), while this thread runs {@code wait}, a syncobj wait with
     * an absolute deadline {@link #TIMER_WAIT_DEADLINE_NSEC} from now, which must succeed, and not before the
     * timer fired. A failure of either thread fails the test.
     */
    static void waitAcrossTimer(String what, SyncThreads.Body action, LongPredicate wait) throws Exception {
        AtomicBoolean fired = new AtomicBoolean();
        try (SyncThreads threads = new SyncThreads("timer", JOIN_DEADLINE)) {
            threads.start("timer", () -> {
                Thread.sleep(Duration.ofNanos(SHORT_TIME_NSEC));
                fired.set(true);
                action.run();
            });
            threads.runMain(() -> {
                assertThat(wait.test(gettimeNs() + TIMER_WAIT_DEADLINE_NSEC))
                        .as("%s", what)
                        .isTrue();
                assertThat(fired.get()).as("%s: the timer had fired", what).isTrue();
            });
        }
    }

    /**
     * {@code igt_while_interruptible} around one {@code igt_ioctl}: {@code call} runs on a thread of its own and
     * is restarted whenever it ends with -EINTR (as {@code drmIoctl} restarts it), while this thread interrupts it
     * every period, IGT's signal storm. Passes repeat with the period doubled until one pass is not interrupted;
     * every pass must return {@code expect}. The storm stops once a pass has run for {@code bound}, and the pass
     * must have ended by then: a wait whose timeout each restart extended would outlast any storm.
     */
    static void whileInterruptible(String what, LongSupplier call, long expect, Duration bound) throws Exception {
        for (long periodUs = 1000; ; periodUs *= 2) {
            AtomicInteger hits = new AtomicInteger();
            AtomicLong result = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Thread> caller = new AtomicReference<>();
            long start = gettimeNs();
            long period = periodUs;
            try (SyncThreads threads = new SyncThreads("interruptible", JOIN_DEADLINE)) {
                threads.start("ioctl", () -> {
                    caller.set(Thread.currentThread());
                    try {
                        long r;
                        while ((r = call.getAsLong()) == Errno.EINTR.negative()) {
                            Thread.interrupted(); // the signal was handled: restart
                            hits.incrementAndGet();
                        }
                        result.set(r);
                    } finally {
                        done.set(true);
                    }
                });
                threads.runMain(() -> {
                    while (!done.get() && gettimeNs() - start < bound.toNanos()) {
                        Thread.sleep(Duration.ofNanos(period * 1000));
                        Thread t = caller.get();
                        if (t != null && !done.get()) {
                            t.interrupt();
                        }
                    }
                });
            }
            long took = gettimeNs() - start;
            assertThat(took)
                    .as("%s: a pass under a %d us storm ends within %s", what, periodUs, bound)
                    .isLessThan(bound.toNanos());
            assertThat(result.get())
                    .as("%s: pass under a %d us storm", what, periodUs)
                    .isEqualTo(expect);
            if (hits.get() == 0) {
                return;
            }
        }
    }
}
