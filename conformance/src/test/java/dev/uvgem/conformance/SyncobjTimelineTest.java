package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSync.EINVAL;
import static dev.uvgem.conformance.IgtSync.ENOENT;
import static dev.uvgem.conformance.IgtSync.ETIME;
import static dev.uvgem.conformance.IgtSync.createFence;
import static dev.uvgem.conformance.IgtSync.inc;
import static dev.uvgem.conformance.IgtSync.timelineCreate;
import static dev.uvgem.conformance.IgtSyncobj.gettimeNs;
import static dev.uvgem.conformance.IgtSyncobj.handlesAddress;
import static dev.uvgem.conformance.IgtSyncobj.pointsAddress;
import static dev.uvgem.conformance.IgtSyncobj.shortTimeout;
import static dev.uvgem.conformance.IgtSyncobj.userWindow;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.JOIN_DEADLINE;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.SHORT_TIME_NSEC;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_ALL;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_FOR_SUBMIT;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.attachSwSync;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.flagsForTestFlags;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.importAt;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.trigger;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.waitAcrossTimer;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.whileInterruptible;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.conformance.IgtSyncobj.Result;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjTimelineArray;
import dev.uvgem.uapi.DrmSyncobjTimelineWait;
import dev.uvgem.uapi.DrmSyncobjTransfer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/syncobj_timeline.c}, its 42 hand-written subtests re-expressed through uvgem's syscall layer:
 * the invalid-argument checks of TIMELINE_WAIT, QUERY, TIMELINE_SIGNAL and TRANSFER, transfers, the delayed,
 * reset, signal, snapshot, complex and interrupted waits, and the timeline value tests (QUERY as points signal in
 * and out of order). The 79 generated {@code single-wait} / {@code multi-wait} subtests are {@link
 * SyncobjTimelineWaitTest}.
 *
 * <p>Fences come from sw_sync timelines; a fence goes onto a timeline point through a binary temporary syncobj and
 * TRANSFER, as in IGT. IGT's timers (SIGEV_THREAD) are threads that sleep, then act; its threads are threads of
 * the same process. Some subtests pass IGT's own test flag word unconverted as the ioctl's flags (test
 * WAIT_FOR_SUBMIT, 1, is the ioctl's WAIT_ALL; test WAIT_ALL, 2, its WAIT_FOR_SUBMIT): kept, because the outcome
 * depends on it. IGT's subtests share one DRM fd; here each test opens its own on its own kernel, and after it
 * closes that fd no sync object may be left.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class SyncobjTimelineTest {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    /** A flags word no ioctl accepts. */
    static final int DEADBEEF = 0xdeadbeef;
    /** IGT's {@code shuffled_0_7_x4}: the objects 0-7, each four times, in the order the complex waits visit them. */
    static final int[] SHUFFLED_0_7_X4 = {
        2, 0, 6, 1, 1, 4, 5, 2, 0, 7, 1, 7, 6, 3, 4, 5, 0, 2, 7, 3, 5, 4, 0, 6, 7, 3, 2, 5, 6, 1, 4, 3
    };

    /** The snapshot waiter's deadline (IGT: 100 ms, see {@link #waitSnapshot}). */
    static final long SNAPSHOT_DEADLINE_NSEC = 10 * SHORT_TIME_NSEC;

    private Env env;
    private Syscalls sys;
    private int fd;

    @BeforeEach
    void boot() {
        env = backend.boot();
        sys = env.sys();
        fd = SyncobjTimelineHelpers.openTimelineDevice(sys);
    }

    @AfterEach
    void shutdown() {
        SyncobjTimelineHelpers.closeAndCheckNoLeak(env, fd);
    }

    private int create() {
        return IgtSyncobj.create(sys, fd, 0);
    }

    private void destroy(int... handles) {
        for (int h : handles) {
            IgtSyncobj.destroy(sys, fd, h);
        }
    }

    /** {@code __syncobj_timeline_wait_ioctl} with {@code args} and {@code user}: 0 or -errno. */
    private long timelineWaitIoctl(DrmSyncobjTimelineWait args, byte[] user) {
        return IgtSyncobj.tryTimelineWait(sys, fd, args, user).ret();
    }

    /** QUERY or TIMELINE_SIGNAL with the struct given, handles {@code handles} in the window, no points. */
    private long timelineArrayIoctl(int request, int flags, int... handles) {
        return IgtSyncobj.tryTimelineArray(
                sys,
                fd,
                request,
                new DrmSyncobjTimelineArray(handlesAddress(), 0, handles.length, flags),
                userWindow(handles, null));
    }

    /** TIMELINE_WAIT at {@code points} (timeout, flags); 0 or -errno. */
    private int timelineWaitErr(int[] handles, long[] points, long timeoutNsec, int flags) {
        return IgtSyncobj.timelineWaitErr(sys, fd, handles, points, timeoutNsec, flags);
    }

    /** One object at one point: TIMELINE_WAIT (timeout, flags); 0 or -errno. */
    private int timelineWaitErr(int handle, long point, long timeoutNsec, int flags) {
        return timelineWaitErr(new int[] {handle}, new long[] {point}, timeoutNsec, flags);
    }

    /** {@code syncobj_timeline_wait} on one object: false on ETIME, success asserted otherwise. */
    private boolean timelineWait(int handle, long point, long timeoutNsec, int flags) {
        return IgtSyncobj.timelineWait(sys, fd, new int[] {handle}, new long[] {point}, timeoutNsec, flags, null);
    }

    private void timelineSignal(int handle, long point) {
        IgtSyncobj.timelineSignal(sys, fd, new int[] {handle}, new long[] {point});
    }

    private long query(int handle) {
        return IgtSyncobj.query(sys, fd, handle);
    }

    // ---------------------------------------------------------------- invalid arguments

    @Test
    void invalidWaitBadFlags() {
        DrmSyncobjTimelineWait wait = new DrmSyncobjTimelineWait(0, 0, 0, 0, DEADBEEF, 0, 0, 0);
        assertThat(timelineWaitIoctl(wait, null))
                .as("TIMELINE_WAIT flags 0xdeadbeef")
                .isEqualTo(EINVAL);
    }

    @Test
    void waitZeroHandles() {
        DrmSyncobjTimelineWait wait = new DrmSyncobjTimelineWait(0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(timelineWaitIoctl(wait, null))
                .as("TIMELINE_WAIT on no handles")
                .isZero();
    }

    @Test
    void invalidWaitIllegalHandle() {
        DrmSyncobjTimelineWait wait = new DrmSyncobjTimelineWait(handlesAddress(), 0, 0, 1, 0, 0, 0, 0);
        assertThat(timelineWaitIoctl(wait, userWindow(new int[] {0}, null)))
                .as("TIMELINE_WAIT on handle 0")
                .isEqualTo(ENOENT);
    }

    @Test
    void invalidQueryZeroHandles() {
        assertThat(timelineArrayIoctl(DrmSyncobj.IOCTL_QUERY, 0))
                .as("QUERY on no handles")
                .isEqualTo(EINVAL);
    }

    @Test
    void invalidQueryIllegalHandle() {
        assertThat(timelineArrayIoctl(DrmSyncobj.IOCTL_QUERY, 0, 0))
                .as("QUERY on handle 0")
                .isEqualTo(ENOENT);
    }

    @Test
    void invalidQueryOneIllegalHandle() {
        int[] syncobjs = twoSignaledAroundHandle0();
        assertThat(timelineArrayIoctl(DrmSyncobj.IOCTL_QUERY, 0, syncobjs))
                .as("QUERY on %s", Arrays.toString(syncobjs))
                .isEqualTo(ENOENT);
        destroy(syncobjs[0], syncobjs[2]);
    }

    @Test
    void invalidQueryBadPad() {
        assertThat(timelineArrayIoctl(DrmSyncobj.IOCTL_QUERY, DEADBEEF, 0))
                .as("QUERY flags 0xdeadbeef, before the handle lookup")
                .isEqualTo(EINVAL);
    }

    @Test
    void invalidSignalZeroHandles() {
        assertThat(timelineArrayIoctl(DrmSyncobj.IOCTL_TIMELINE_SIGNAL, 0))
                .as("TIMELINE_SIGNAL on no handles")
                .isEqualTo(EINVAL);
    }

    @Test
    void invalidSignalIllegalHandle() {
        assertThat(timelineArrayIoctl(DrmSyncobj.IOCTL_TIMELINE_SIGNAL, 0, 0))
                .as("TIMELINE_SIGNAL on handle 0")
                .isEqualTo(ENOENT);
    }

    /** Named after a bad point, but point 0 is valid: what fails is handle 1, which this fd has not made. */
    @Test
    void invalidSignalIllegalPoint() {
        int[] handles = {1};
        long[] points = {0};
        DrmSyncobjTimelineArray args = new DrmSyncobjTimelineArray(handlesAddress(), pointsAddress(1), 1, 0);
        assertThat(IgtSyncobj.tryTimelineArray(
                        sys, fd, DrmSyncobj.IOCTL_TIMELINE_SIGNAL, args, userWindow(handles, points)))
                .as("TIMELINE_SIGNAL handle 1 (never created) at point 0")
                .isEqualTo(ENOENT);
    }

    @Test
    void invalidSignalOneIllegalHandle() {
        int[] syncobjs = twoSignaledAroundHandle0();
        assertThat(timelineArrayIoctl(DrmSyncobj.IOCTL_TIMELINE_SIGNAL, 0, syncobjs))
                .as("TIMELINE_SIGNAL on %s", Arrays.toString(syncobjs))
                .isEqualTo(ENOENT);
        destroy(syncobjs[0], syncobjs[2]);
    }

    @Test
    void invalidSignalBadPad() {
        assertThat(timelineArrayIoctl(DrmSyncobj.IOCTL_TIMELINE_SIGNAL, DEADBEEF, 0))
                .as("TIMELINE_SIGNAL flags 0xdeadbeef, before the handle lookup")
                .isEqualTo(EINVAL);
    }

    /** Two objects signalled at point 1 (waits there succeed) around a handle 0: {s0, 0, s2}. */
    private int[] twoSignaledAroundHandle0() {
        int[] syncobjs = {create(), 0, create()};
        for (int i : new int[] {0, 2}) {
            timelineSignal(syncobjs[i], 1);
            assertThat(timelineWaitErr(syncobjs[i], 1, 0, 0))
                    .as("wait for point 1 of object %d", i)
                    .isZero();
        }
        return syncobjs;
    }

    @Test
    void signalArray() {
        int[] syncobjs = {create(), create(), create(), create()};
        long[] points = {1, 1, 1, 0};

        IgtSyncobj.timelineSignal(sys, fd, syncobjs, points);
        assertThat(timelineWaitErr(Arrays.copyOf(syncobjs, 3), Arrays.copyOf(points, 3), 0, 0))
                .as("TIMELINE_WAIT on the three signalled at point 1")
                .isZero();
        assertThat(IgtSyncobj.waitErr(sys, fd, new int[] {syncobjs[3]}, 0, 0))
                .as("WAIT on the one signalled at point 0 (binary)")
                .isZero();

        destroy(syncobjs);
    }

    /**
     * IGT passes the address of a stack variable, truncated to 32 bits, as both handles; here it is the truncated
     * address of the user window, a handle this fd has not made either.
     */
    @Test
    void invalidTransferIllegalHandle() {
        int handle = (int) handlesAddress();
        assertThat(IgtSyncobj.tryTransfer(sys, fd, new DrmSyncobjTransfer(handle, handle, 1, 0, 0, 0)))
                .as("TRANSFER between nonexistent handles 0x%x", handle)
                .isEqualTo(ENOENT);
    }

    @Test
    void invalidTransferBadPad() {
        int handle = (int) handlesAddress();
        assertThat(IgtSyncobj.tryTransfer(sys, fd, new DrmSyncobjTransfer(handle, handle, 0, 0, 0, DEADBEEF)))
                .as("TRANSFER pad 0xdeadbeef, before the handle lookup")
                .isEqualTo(EINVAL);
    }

    /** Despite the name the transfer succeeds: point 63 exists (it was signalled), and becomes point 74. */
    @Test
    void invalidTransferNonExistentPoint() {
        int handle = create();
        long value = 63;
        timelineSignal(handle, value);

        assertThat(IgtSyncobj.tryTransfer(sys, fd, handle, value + 11, handle, value, 0))
                .as("TRANSFER %d@%d to %d@%d", handle, value, handle, value + 11)
                .isZero();

        destroy(handle);
    }

    @Test
    void transferTimelinePoint() {
        int timeline = timelineCreate(sys);
        int handle = create();
        int swFence = createFence(sys, timeline, 1);
        importAt(sys, fd, handle, 1, swFence);
        sys.close(swFence);

        assertThat(query(handle)).as("QUERY with point 1 pending").isZero();
        // IGT passes its test WAIT_ALL unconverted: the ioctl reads WAIT_FOR_SUBMIT.
        assertThat(timelineWaitErr(handle, 1, 0, WAIT_ALL))
                .as("wait for point 1 (pending)")
                .isEqualTo(ETIME);

        inc(sys, timeline, 1);
        assertThat(query(handle)).as("QUERY with point 1 signalled").isEqualTo(1);
        assertThat(timelineWait(handle, 1, 0, WAIT_ALL))
                .as("wait for point 1 (signalled)")
                .isTrue();

        timelineSignal(handle, 2);
        IgtSyncobj.timelineToTimeline(sys, fd, handle, 3, handle, 2);
        assertThat(query(handle)).as("QUERY after point 2 became point 3").isEqualTo(3);

        destroy(handle);
        sys.close(timeline);
    }

    // ---------------------------------------------------------------- delayed signal

    @Test
    void waitDelayedSignal() throws Exception {
        waitDelayedSignal(0);
    }

    @Test
    void waitForSubmitDelayedSubmit() throws Exception {
        waitDelayedSignal(WAIT_FOR_SUBMIT);
    }

    @Test
    void waitAllDelayedSignal() throws Exception {
        waitDelayedSignal(WAIT_ALL);
    }

    @Test
    void waitAllForSubmitDelayedSubmit() throws Exception {
        waitDelayedSignal(WAIT_ALL | WAIT_FOR_SUBMIT);
    }

    /**
     * {@code test_wait_delayed_signal}: a timer after 100 ms signals point 1 (for-submit: attaches and signals
     * it); a wait started at once sees it (IGT's deadline, 200 ms, is 1 s here: see {@link
     * SyncobjTimelineHelpers#TIMER_WAIT_DEADLINE_NSEC}).
     */
    private void waitDelayedSignal(int testFlags) throws Exception {
        int syncobj = create();
        long point = 1;
        boolean forSubmit = (testFlags & WAIT_FOR_SUBMIT) != 0;
        int timeline = forSubmit ? -1 : attachSwSync(sys, fd, syncobj, point);
        SyncThreads.Body action = forSubmit ? () -> trigger(sys, fd, syncobj, point) : () -> inc(sys, timeline, 1);

        waitAcrossTimer(
                "wait for point 1, signalled by a timer",
                action,
                deadline -> timelineWait(syncobj, point, deadline, flagsForTestFlags(testFlags)));

        if (timeline != -1) {
            sys.close(timeline);
        }
        destroy(syncobj);
    }

    // ---------------------------------------------------------------- reset and signal

    @Test
    void resetUnsignaled() {
        int syncobj = create();
        assertThat(timelineWaitErr(syncobj, 1, 0, 0)).as("wait on a new object").isEqualTo(EINVAL);
        IgtSyncobj.reset(sys, fd, syncobj);
        assertThat(timelineWaitErr(syncobj, 1, 0, 0)).as("wait after RESET").isEqualTo(EINVAL);
        destroy(syncobj);
    }

    @Test
    void resetSignaled() {
        int syncobj = create();
        trigger(sys, fd, syncobj, 1);
        assertThat(timelineWaitErr(syncobj, 1, 0, 0))
                .as("wait for signalled point 1")
                .isZero();
        IgtSyncobj.reset(sys, fd, syncobj);
        assertThat(timelineWaitErr(syncobj, 1, 0, 0))
                .as("wait after RESET dropped the timeline")
                .isEqualTo(EINVAL);
        destroy(syncobj);
    }

    @Test
    void resetMultipleSignaled() {
        int[] syncobjs = new int[3];
        long[] points = {1, 1, 1};
        for (int i = 0; i < 3; i++) {
            syncobjs[i] = create();
            trigger(sys, fd, syncobjs[i], points[i]);
        }
        assertThat(timelineWaitErr(syncobjs, points, 0, 0))
                .as("wait on three signalled")
                .isZero();

        IgtSyncobj.reset(sys, fd, syncobjs);

        for (int i = 0; i < 3; i++) {
            assertThat(timelineWaitErr(syncobjs[i], points[i], 0, 0))
                    .as("wait on object %d after RESET", i)
                    .isEqualTo(EINVAL);
        }
        destroy(syncobjs);
    }

    /**
     * A reset while a for-submit wait is blocked is a no-op to it: the fence a timer attaches (and signals) after
     * the reset counts. The deadline is 1 s, not IGT's 200 ms (see {@link
     * SyncobjTimelineHelpers#TIMER_WAIT_DEADLINE_NSEC}).
     */
    @Test
    void resetDuringWaitForSubmit() throws Exception {
        int syncobj = create();
        long point = 1;
        int flags = DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT;

        waitAcrossTimer(
                "for-submit wait across a RESET and a signalled attach",
                () -> {
                    IgtSyncobj.reset(sys, fd, syncobj);
                    trigger(sys, fd, syncobj, point);
                },
                deadline -> timelineWait(syncobj, point, deadline, flags));

        destroy(syncobj);
    }

    @Test
    void signal() {
        int syncobj = create();
        int flags = DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT;

        assertThat(timelineWaitErr(syncobj, 1, 0, 0))
                .as("wait, nothing submitted")
                .isEqualTo(EINVAL);
        assertThat(timelineWaitErr(syncobj, 1, 0, flags))
                .as("for-submit wait, nothing submitted")
                .isEqualTo(ETIME);

        timelineSignal(syncobj, 1);

        assertThat(timelineWait(syncobj, 1, 0, 0))
                .as("wait for signalled point 1")
                .isTrue();
        assertThat(timelineWait(syncobj, 1, 0, flags))
                .as("for-submit wait for signalled point 1")
                .isTrue();
        destroy(syncobj);
    }

    /** Point 0 is binary: TIMELINE_SIGNAL at 0 satisfies a timeline wait at 0 and a binary WAIT alike. */
    @Test
    void signalPoint0() {
        int syncobj = create();

        timelineSignal(syncobj, 0);

        assertThat(timelineWait(syncobj, 0, 0, 0))
                .as("TIMELINE_WAIT at point 0")
                .isTrue();
        assertThat(IgtSyncobj.wait(sys, fd, new int[] {syncobj}, 0, DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT, null))
                .as("binary for-submit WAIT")
                .isTrue();
        destroy(syncobj);
    }

    // ---------------------------------------------------------------- snapshot

    @Test
    void waitAnySnapshot() throws Exception {
        waitSnapshot(0);
    }

    @Test
    void waitAllSnapshot() throws Exception {
        waitSnapshot(WAIT_ALL);
    }

    @Test
    void waitForSubmitSnapshot() throws Exception {
        waitSnapshot(WAIT_FOR_SUBMIT);
    }

    @Test
    void waitAllForSubmitSnapshot() throws Exception {
        waitSnapshot(WAIT_ALL | WAIT_FOR_SUBMIT);
    }

    /**
     * The waiter of the snapshot and complex subtests: one TIMELINE_WAIT on its own thread, which must succeed.
     * IGT's main thread sleeps 20 ms from creating the thread before its first step; here it sleeps 20 ms from the
     * moment the waiter makes its call, so that a thread started late on a loaded machine cannot miss the start.
     */
    private static final class Waiter {
        final AtomicInteger firstSignaled = new AtomicInteger(-1);
        /** Opens just before the ioctl: the main thread's schedule starts from there, not from the thread start. */
        final CountDownLatch calling = new CountDownLatch(1);

        final DrmSyncobjTimelineWait args;
        final byte[] user;

        Waiter(int[] syncobjs, long[] points, int count, long timeoutNsec, int flags) {
            args = new DrmSyncobjTimelineWait(
                    handlesAddress(), pointsAddress(syncobjs.length), timeoutNsec, count, flags, 0, 0, 0);
            user = userWindow(syncobjs, points);
        }

        /** {@code wait_thread_func}. */
        void run(Syscalls sys, int fd) {
            calling.countDown();
            Result<DrmSyncobjTimelineWait> r = IgtSyncobj.tryTimelineWait(sys, fd, args, user);
            assertThat(r.ret()).as("waiter's TIMELINE_WAIT").isZero();
            firstSignaled.set(r.arg().firstSignaled());
        }
    }

    /**
     * {@code test_wait_snapshot}: a waiter on two objects; meanwhile, 20 ms apart, the first object is signalled
     * (wait-all) or submitted (for-submit), reset, given a fence that never signals, and then the second object is
     * signalled. The wait must use the fences it found: it succeeds, and a wait-any names object 1 as the first
     * signalled.
     *
     * <p>IGT's waiter deadline is 100 ms ({@code short_timeout}), which leaves 20 ms beyond the 80 ms of sleeps for
     * the ioctls of the four steps: ample in C, too thin for a loaded JVM (measured: the last step lands at 100
     * ms). The deadline here is {@link #SNAPSHOT_DEADLINE_NSEC}: a waiter that took up the replacement fence still
     * times out, only later, so the assertion is the same.
     */
    private void waitSnapshot(int testFlags) throws Exception {
        int[] syncobjs = {create(), create()};
        long[] points = {1, 1};
        int[] timelines = {-1, -1, -1};
        if ((testFlags & WAIT_FOR_SUBMIT) == 0) {
            timelines[0] = attachSwSync(sys, fd, syncobjs[0], points[0]);
            timelines[1] = attachSwSync(sys, fd, syncobjs[1], points[1]);
        }
        Waiter waiter =
                new Waiter(syncobjs, points, 2, gettimeNs() + SNAPSHOT_DEADLINE_NSEC, flagsForTestFlags(testFlags));
        Duration step = Duration.ofNanos(SHORT_TIME_NSEC / 5);

        try (SyncThreads threads = new SyncThreads("snapshot", JOIN_DEADLINE)) {
            threads.start("waiter", () -> waiter.run(sys, fd));
            threads.runMain(() -> {
                waiter.calling.await();
                Thread.sleep(step);
                // Try to fool the waiter: signal (wait-all) or submit (for-submit) the first object...
                if ((testFlags & WAIT_ALL) != 0) {
                    signalOrTrigger(syncobjs[0], points[0], timelines[0]);
                } else if ((testFlags & WAIT_FOR_SUBMIT) != 0) {
                    timelines[0] = attachSwSync(sys, fd, syncobjs[0], points[0]);
                }
                Thread.sleep(step);
                IgtSyncobj.reset(sys, fd, syncobjs[0]); // ...reset it...
                Thread.sleep(step);
                // ...and give it a fence that never signals: a waiter that took it up would time out.
                timelines[2] = attachSwSync(sys, fd, syncobjs[0], points[0]);
                Thread.sleep(step);
                signalOrTrigger(syncobjs[1], points[1], timelines[1]);
            });
        }

        if ((testFlags & WAIT_ALL) == 0) {
            assertThat(waiter.firstSignaled.get()).as("first_signaled").isEqualTo(1);
        }
        for (int timeline : timelines) {
            sys.close(timeline);
        }
        destroy(syncobjs);
    }

    /** Signals {@code syncobj@point}: INC its timeline if it has one, else attach a fence and signal it. */
    private void signalOrTrigger(int syncobj, long point, int timeline) {
        if (timeline == -1) {
            trigger(sys, fd, syncobj, point);
        } else {
            inc(sys, timeline, 1);
        }
    }

    // ---------------------------------------------------------------- complex

    @Test
    void waitAnyComplex() throws Exception {
        waitComplex(0);
    }

    @Test
    void waitAllComplex() throws Exception {
        waitComplex(WAIT_ALL);
    }

    @Test
    void waitForSubmitComplex() throws Exception {
        waitComplex(WAIT_FOR_SUBMIT);
    }

    @Test
    void waitAllForSubmitComplex() throws Exception {
        waitComplex(WAIT_ALL | WAIT_FOR_SUBMIT);
    }

    /** The stages of one object of the complex subtests, in the order each visit moves it on. */
    enum Stage {
        UNSUBMITTED,
        SUBMITTED,
        SIGNALED,
        RESET,
        RESUBMITTED
    }

    /**
     * {@code test_wait_complex}: eight objects, of which the waiter (deadline 1 s) waits on the first two only.
     * The main thread visits them in {@link #SHUFFLED_0_7_X4}'s order, 10 ms apart, each visit moving one
     * object a stage on (attach, signal, reset, attach a fence that never signals), until the first signal
     * (wait-any) or all eight (wait-all). The waiter must succeed, and a wait-any must name the first object
     * signalled.
     */
    private void waitComplex(int testFlags) throws Exception {
        int n = 8;
        int[] syncobjs = new int[n];
        long[] points = new long[n];
        Stage[] stage = new Stage[n];
        int[] timelines = new int[n];
        boolean forSubmit = (testFlags & WAIT_FOR_SUBMIT) != 0;
        boolean all = (testFlags & WAIT_ALL) != 0;
        for (int i = 0; i < n; i++) {
            syncobjs[i] = create();
            points[i] = 1;
            stage[i] = Stage.UNSUBMITTED;
            timelines[i] = forSubmit ? -1 : attachSwSync(sys, fd, syncobjs[i], points[i]);
        }
        Waiter waiter = new Waiter(
                syncobjs, points, 2, gettimeNs() + TimeUnit.SECONDS.toNanos(1), flagsForTestFlags(testFlags));
        int[] firstSignaled = {-1};
        int[] numSignaled = {0};

        try (SyncThreads threads = new SyncThreads("complex", JOIN_DEADLINE)) {
            threads.start("waiter", () -> waiter.run(sys, fd));
            threads.runMain(() -> {
                waiter.calling.await();
                Thread.sleep(Duration.ofMillis(20));
                for (int i : SHUFFLED_0_7_X4) {
                    switch (stage[i]) {
                        case UNSUBMITTED -> {
                            if (forSubmit) {
                                timelines[i] = attachSwSync(sys, fd, syncobjs[i], points[i]);
                            } else {
                                assertThat(timelines[i])
                                        .as("object %d attached up front", i)
                                        .isNotEqualTo(-1);
                            }
                        }
                        case SUBMITTED -> {
                            assertThat(timelines[i])
                                    .as("object %d has a fence", i)
                                    .isNotEqualTo(-1);
                            inc(sys, timelines[i], 1);
                            sys.close(timelines[i]);
                            timelines[i] = -1;
                            if (numSignaled[0] == 0) {
                                firstSignaled[0] = i;
                            }
                            numSignaled[0]++;
                        }
                        case SIGNALED -> IgtSyncobj.reset(sys, fd, syncobjs[i]);
                        case RESET -> timelines[i] = attachSwSync(sys, fd, syncobjs[i], points[i]);
                        case RESUBMITTED -> throw new AssertionError("object " + i + " visited a fifth time");
                    }
                    stage[i] = Stage.values()[stage[i].ordinal() + 1];
                    if (all ? numSignaled[0] == n : numSignaled[0] > 0) {
                        break;
                    }
                    Thread.sleep(Duration.ofMillis(10));
                }
            });
        }

        if (all) {
            assertThat(numSignaled[0]).as("objects signalled").isEqualTo(n);
        } else {
            assertThat(numSignaled[0]).as("objects signalled").isEqualTo(1);
            assertThat(waiter.firstSignaled.get()).as("first_signaled").isEqualTo(firstSignaled[0]);
        }
        for (int i = 0; i < n; i++) {
            sys.close(timelines[i]);
            destroy(syncobjs[i]);
        }
    }

    // ---------------------------------------------------------------- interrupted

    @Test
    void waitAnyInterrupted() throws Exception {
        waitInterrupted(0);
    }

    @Test
    void waitAllInterrupted() throws Exception {
        waitInterrupted(WAIT_ALL);
    }

    /**
     * {@code test_wait_interrupted}: a wait on an unsignalled point with an absolute deadline 100 ms ahead,
     * restarted under a storm of interruptions, still times out, and no later than the storm can carry it. (IGT's
     * helper has a for-submit phase before this one, which neither subtest enables; it is not re-expressed.)
     */
    private void waitInterrupted(int testFlags) throws Exception {
        int syncobj = create();
        long point = 1;
        int timeline = attachSwSync(sys, fd, syncobj, point);
        DrmSyncobjTimelineWait wait = new DrmSyncobjTimelineWait(
                handlesAddress(), pointsAddress(1), shortTimeout(), 1, flagsForTestFlags(testFlags), 0, 0, 0);
        byte[] user = userWindow(new int[] {syncobj}, new long[] {point});

        whileInterruptible(
                "TIMELINE_WAIT with a 100 ms deadline",
                () -> timelineWaitIoctl(wait, user),
                ETIME,
                Duration.ofSeconds(2));

        destroy(syncobj);
        sys.close(timeline);
    }

    // ---------------------------------------------------------------- timeline values

    /**
     * Points signalled from the host, each a random step above the last: QUERY follows them, and (IGT's test
     * flags passed raw) an all-wait at the point and a for-submit wait just below it succeed at once.
     */
    @Test
    void hostSignalPoints() {
        int syncobj = create();
        Random rand = new Random();
        long value = 0;
        for (int i = 0; i < 100; i++) {
            value += rand.nextInt() >>> 1; // rand(): 0 .. 2^31-1
            timelineSignal(syncobj, value);

            long queried = query(syncobj);
            assertThat(queried).as("QUERY after signalling %d", value).isEqualTo(value);
            // test WAIT_FOR_SUBMIT passed raw: the ioctl's WAIT_ALL; test WAIT_ALL raw: its WAIT_FOR_SUBMIT.
            assertThat(timelineWait(syncobj, queried, 0, WAIT_FOR_SUBMIT))
                    .as("wait for point %d", queried)
                    .isTrue();
            assertThat(timelineWait(syncobj, queried - 1, 0, WAIT_ALL))
                    .as("wait for point %d", queried - 1)
                    .isTrue();
        }
        destroy(syncobj);
    }

    /**
     * Points 1-5 held by sw_sync fences that signal in the order 1, 3, 2, 5, 4: after each signal QUERY never goes
     * back, is at least IGT's lower bound (the 0-based index of the last point of the signalled prefix), and
     * waits at the value queried succeed at once.
     */
    @Test
    void deviceSignalUnordered() {
        int syncobj = create();
        int[] pointIndices = {0, 2, 1, 4, 3};
        int n = pointIndices.length;
        boolean[] signaled = new boolean[n];
        int[] fences = new int[n];
        int timeline = timelineCreate(sys);
        for (int i = 0; i < n; i++) {
            fences[pointIndices[i]] = createFence(sys, timeline, i + 1);
        }
        for (int i = 0; i < n; i++) {
            importAt(sys, fd, syncobj, i + 1, fences[i]);
        }

        long value = 0;
        for (int i = 0; i < n; i++) {
            inc(sys, timeline, 1);
            signaled[pointIndices[i]] = true;
            long minValue = 0;
            for (int j = 0; j < n && signaled[j]; j++) {
                minValue = j;
            }

            long queried = query(syncobj);
            assertThat(queried)
                    .as("QUERY after point %d signalled", pointIndices[i] + 1)
                    .isGreaterThanOrEqualTo(minValue)
                    .isGreaterThanOrEqualTo(value);
            value = Math.max(queried, value);

            assertThat(timelineWait(syncobj, queried, 0, WAIT_FOR_SUBMIT))
                    .as("wait (raw 1) at %d", queried)
                    .isTrue();
            assertThat(timelineWait(syncobj, queried, 0, WAIT_ALL))
                    .as("wait (raw 2) at %d", queried)
                    .isTrue();
        }

        for (int fence : fences) {
            sys.close(fence);
        }
        destroy(syncobj);
        sys.close(timeline);
    }

    /**
     * Points added out of order, 1, 5, 3, 6, 7, held by sw_sync fences 1-5: once the first three fences signal
     * (points 1, 5 and 3) QUERY says 5 (a point below the head starts a new context at the head's value), and
     * waits at 5 succeed at once.
     */
    @Test
    void deviceSubmitUnordered() {
        int syncobj = create();
        long[] points = {1, 5, 3, 6, 7};
        int timeline = timelineCreate(sys);
        addSwFences(syncobj, timeline, points);

        inc(sys, timeline, 3);

        long queried = query(syncobj);
        assertThat(queried).as("QUERY with points 1, 5 and 3 signalled").isEqualTo(5);
        assertThat(timelineWait(syncobj, queried, 0, WAIT_FOR_SUBMIT))
                .as("wait (raw 1) at 5")
                .isTrue();
        assertThat(timelineWait(syncobj, queried, 0, WAIT_ALL))
                .as("wait (raw 2) at 5")
                .isTrue();

        destroy(syncobj);
        sys.close(timeline);
    }

    /**
     * Points 1-5 held by sw_sync fences, then a host signal at 8: QUERY reports the end of the signalled prefix,
     * so it stays at 3 while points 4 and 5 are pending, and moves to 8 once they signal.
     */
    @Test
    void hostSignalOrdered() {
        int syncobj = create();
        int timeline = timelineCreate(sys);
        addSwFences(syncobj, timeline, new long[] {1, 2, 3, 4, 5});

        inc(sys, timeline, 3);
        assertThat(query(syncobj)).as("QUERY with points 1-3 signalled").isEqualTo(3);

        timelineSignal(syncobj, 8);
        assertThat(query(syncobj))
                .as("QUERY after a host signal at 8, points 4 and 5 pending")
                .isEqualTo(3);

        inc(sys, timeline, 5);
        assertThat(query(syncobj)).as("QUERY with every point signalled").isEqualTo(8);

        destroy(syncobj);
        sys.close(timeline);
    }

    /**
     * Seqnos are 64-bit: with points straddling 2^31 (1, 5, 2^31+4, 2^31+5, 2^32-2) signalling in order, QUERY
     * never goes back, as seen both by the signalling thread and by a thread querying all along.
     */
    @Test
    @DisplayName("32bits-limit")
    void test32bitsLimit() throws Exception {
        int syncobj = create();
        int timeline = timelineCreate(sys);
        long limitDiff = (1L << 31) - 1;
        long[] points = {1, 5, limitDiff + 5, limitDiff + 6, limitDiff * 2};
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch started = new CountDownLatch(1);

        try (SyncThreads threads = new SyncThreads("32bits-limit", JOIN_DEADLINE)) {
            threads.start("checker", () -> {
                long last = 0;
                while (running.get() && !Thread.currentThread().isInterrupted()) {
                    long value = query(syncobj);
                    started.countDown();
                    assertThat(value).as("checker's QUERY after %d", last).isGreaterThanOrEqualTo(last);
                    last = value;
                }
            });
            threads.runMain(() -> {
                started.await();
                addSwFences(syncobj, timeline, points);
                long last = 0;
                for (int i = 0; i < points.length; i++) {
                    inc(sys, timeline, 1);
                    long value = query(syncobj);
                    assertThat(value)
                            .as("QUERY after fence %d signalled", i + 1)
                            .isGreaterThanOrEqualTo(last);
                    last = value;
                }
                running.set(false);
            });
        }

        destroy(syncobj);
        sys.close(timeline);
    }

    /** Adds {@code points[i]} to {@code syncobj} in order, each held by sw_sync fence {@code i + 1}. */
    private void addSwFences(int syncobj, int timeline, long[] points) {
        for (int i = 0; i < points.length; i++) {
            int fence = createFence(sys, timeline, i + 1);
            importAt(sys, fd, syncobj, points[i], fence);
            sys.close(fence);
        }
    }
}
