package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSync.EINVAL;
import static dev.uvgem.conformance.IgtSync.ENOENT;
import static dev.uvgem.conformance.IgtSync.ETIME;
import static dev.uvgem.conformance.IgtSyncobj.gettimeNs;
import static dev.uvgem.conformance.SyncobjWaitTest.Stage.SIGNALED;
import static dev.uvgem.conformance.SyncobjWaitTest.Stage.SUBMITTED;
import static dev.uvgem.conformance.SyncobjWaitTest.Stage.UNSUBMITTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjArray;
import dev.uvgem.uapi.DrmSyncobjWait;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/syncobj_wait.c}, its 69 subtests re-expressed through uvgem's syscall layer: DRM sync objects
 * on the vgem device (CREATE, DESTROY, WAIT, RESET, SIGNAL, and FD_TO_HANDLE importing a sync_file), fenced with
 * sw_sync points as IGT fences them.
 *
 * <p>Each test boots its own kernel and runs as a privileged process, as IGT runs as root. A syncobj is in one of
 * three stages: <em>unsubmitted</em> (no fence), <em>submitted</em> ("attach": a fresh sw_sync timeline's point 1,
 * imported with IMPORT_SYNC_FILE) or <em>signaled</em> (attached, then the timeline INCed). The generated families
 * ({@code [invalid-]{single,multi}-wait[-all][-for-submit]-<stages>}) are one method per subtest over two helpers,
 * {@link #singleWait} and {@link #multiWait}, with the expected result IGT derives from the name written out.
 *
 * <p>IGT's POSIX timers (SIGEV_THREAD) are threads that sleep, then act; its pthreads are {@link SyncThreads}
 * workers; {@code igt_while_interruptible}'s signals are thread interrupts (a blocked call ends with EINTR), and
 * {@code drmIoctl}'s restart on EINTR is {@link #restartingIoctl}. Where the timing differs from IGT's it is only
 * to keep the default run short and robust on a loaded machine; see {@link #SHORT_NS} and {@link #SLACK_NS}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class SyncobjWaitTest {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    /**
     * The timeout of the waits that must time out and the delay of the timers. IGT's {@code SHORT_TIME_NSEC} is
     * 100 ms; the result does not depend on the length, so the default run uses tens of milliseconds. The
     * interrupted cases keep IGT's 100 ms, so that the interrupts surely land inside the wait.
     */
    static final long SHORT_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The pause between the snapshot schedule's steps, and before the complex one's first: IGT's 20 ms. */
    static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The pause between the complex schedule's steps: IGT's 10 ms. */
    static final long COMPLEX_STEP_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How long a wait that must succeed, once a later event has happened, may take. IGT gives such waits 100 ms to
     * 1 s past the event; on a machine shared by many builds a thread can stall longer than that, and the waits
     * return as soon as their fences signal, so a generous deadline costs nothing when the kernel is right and a
     * wait on the wrong fence still ends in ETIME.
     */
    static final long SLACK_NS = TimeUnit.SECONDS.toNanos(2);
    /** IGT's UINT64_MAX timeout: as the signed {@code timeout_nsec}, -1, which lies in the past and so polls. */
    static final long UINT64_MAX = -1L;
    /** How long joins wait for threads that should long be done. */
    static final Duration JOIN_DEADLINE = Duration.ofSeconds(30);

    /** WAIT flags: any of the handles (none), all of them, and wait for a fence to be attached. */
    static final int ANY = 0;

    static final int ALL = DrmSyncobj.WAIT_FLAGS_WAIT_ALL;
    static final int FOR_SUBMIT = DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT;
    static final int EINTR = Errno.EINTR.negative();

    /** How far a syncobj has come: no fence, an unsignalled fence, a signalled one. */
    enum Stage {
        UNSUBMITTED,
        SUBMITTED,
        SIGNALED
    }

    private Env env;
    private Syscalls sys;
    private int fd;

    @BeforeEach
    void boot() {
        env = backend.boot();
        sys = env.sys();
        fd = IgtVgem.drmOpenDriver(sys);
        assertThat(hasSyncobjWait())
                .as("the fixture: DRM_CAP_SYNCOBJ, WAIT on handle 0 is ENOENT")
                .isTrue();
    }

    /** Closes the device file, after which no sync object may be left (no waiter or import keeps one). */
    @AfterEach
    void shutdown() {
        try {
            assertThat(sys.close(fd)).as("close the device").isZero();
            assertThat(env.devices().vgem().liveSyncobjs())
                    .as("sync objects left")
                    .isZero();
        } finally {
            env.close();
        }
    }

    // ---------------------------------------------------------------- basic and invalid

    @Test
    void invalidWaitBadFlags() {
        assertThat(tryWait(new DrmSyncobjWait(0, 0, 0, 0xdeadbeef, 0, 0, 0)))
                .as("WAIT with flags 0xdeadbeef and no handles")
                .isEqualTo(EINVAL);
    }

    @Test
    void waitZeroHandles() {
        assertThat(tryWait(new DrmSyncobjWait(0, 0, 0, 0, 0, 0, 0)))
                .as("WAIT on no handles")
                .isZero();
    }

    @Test
    void invalidWaitIllegalHandle() {
        assertThat(waitErr(new int[] {0}, 0, ANY)).as("WAIT on handle 0").isEqualTo(ENOENT);
    }

    @Test
    void invalidResetZeroHandles() {
        assertThat(tryArray(DrmSyncobj.IOCTL_RESET, new int[0], 0))
                .as("RESET of no handles")
                .isEqualTo(EINVAL);
    }

    @Test
    void invalidResetIllegalHandle() {
        assertThat(tryArray(DrmSyncobj.IOCTL_RESET, new int[] {0}, 0))
                .as("RESET of handle 0")
                .isEqualTo(ENOENT);
    }

    @Test
    void invalidResetOneIllegalHandle() {
        int[] syncobjs = {create(DrmSyncobj.CREATE_SIGNALED), 0, create(DrmSyncobj.CREATE_SIGNALED)};
        assertEachWaits(syncobjs, 0, "created signalled");

        assertThat(tryArray(DrmSyncobj.IOCTL_RESET, syncobjs, 0))
                .as("RESET of [s0, 0, s2]")
                .isEqualTo(ENOENT);

        assertEachWaits(syncobjs, 0, "after the failed RESET (nothing was reset)");
        destroy(syncobjs[0]);
        destroy(syncobjs[2]);
    }

    @Test
    void invalidResetBadPad() {
        assertThat(tryArray(DrmSyncobj.IOCTL_RESET, new int[] {0}, 0xdeadbeef))
                .as("RESET with pad 0xdeadbeef")
                .isEqualTo(EINVAL);
    }

    @Test
    void invalidSignalZeroHandles() {
        assertThat(tryArray(DrmSyncobj.IOCTL_SIGNAL, new int[0], 0))
                .as("SIGNAL of no handles")
                .isEqualTo(EINVAL);
    }

    @Test
    void invalidSignalIllegalHandle() {
        assertThat(tryArray(DrmSyncobj.IOCTL_SIGNAL, new int[] {0}, 0))
                .as("SIGNAL of handle 0")
                .isEqualTo(ENOENT);
    }

    @Test
    void invalidSignalOneIllegalHandle() {
        int[] syncobjs = {create(0), 0, create(0)};
        assertEachWaits(syncobjs, EINVAL, "created without a fence");

        assertThat(tryArray(DrmSyncobj.IOCTL_SIGNAL, syncobjs, 0))
                .as("SIGNAL of [s0, 0, s2]")
                .isEqualTo(ENOENT);

        assertEachWaits(syncobjs, EINVAL, "after the failed SIGNAL (nothing was signalled)");
        destroy(syncobjs[0]);
        destroy(syncobjs[2]);
    }

    @Test
    void invalidSignalBadPad() {
        assertThat(tryArray(DrmSyncobj.IOCTL_SIGNAL, new int[] {0}, 0xdeadbeef))
                .as("SIGNAL with pad 0xdeadbeef")
                .isEqualTo(EINVAL);
    }

    // ---------------------------------------------------------------- single-wait family

    @Test
    void invalidSingleWaitUnsubmitted() {
        singleWait(ANY, UNSUBMITTED, EINVAL);
    }

    @Test
    void invalidSingleWaitAllUnsubmitted() {
        singleWait(ALL, UNSUBMITTED, EINVAL);
    }

    @Test
    void singleWaitForSubmitUnsubmitted() {
        singleWait(FOR_SUBMIT, UNSUBMITTED, ETIME);
    }

    @Test
    void singleWaitAllForSubmitUnsubmitted() {
        singleWait(ALL | FOR_SUBMIT, UNSUBMITTED, ETIME);
    }

    @Test
    void singleWaitSubmitted() {
        singleWait(ANY, SUBMITTED, ETIME);
    }

    @Test
    void singleWaitForSubmitSubmitted() {
        singleWait(FOR_SUBMIT, SUBMITTED, ETIME);
    }

    @Test
    void singleWaitAllSubmitted() {
        singleWait(ALL, SUBMITTED, ETIME);
    }

    @Test
    void singleWaitAllForSubmitSubmitted() {
        singleWait(ALL | FOR_SUBMIT, SUBMITTED, ETIME);
    }

    @Test
    void singleWaitSignaled() {
        singleWait(ANY, SIGNALED, 0);
    }

    @Test
    void singleWaitForSubmitSignaled() {
        singleWait(FOR_SUBMIT, SIGNALED, 0);
    }

    @Test
    void singleWaitAllSignaled() {
        singleWait(ALL, SIGNALED, 0);
    }

    @Test
    void singleWaitAllForSubmitSignaled() {
        singleWait(ALL | FOR_SUBMIT, SIGNALED, 0);
    }

    // ---------------------------------------------------------------- delayed

    @Test
    void waitDelayedSignal() throws Exception {
        waitDelayed(ANY);
    }

    @Test
    void waitForSubmitDelayedSubmit() throws Exception {
        waitDelayed(FOR_SUBMIT);
    }

    @Test
    void waitAllDelayedSignal() throws Exception {
        waitDelayed(ALL);
    }

    @Test
    void waitAllForSubmitDelayedSubmit() throws Exception {
        waitDelayed(ALL | FOR_SUBMIT);
    }

    // ---------------------------------------------------------------- reset and signal

    @Test
    void resetUnsignaled() {
        int syncobj = create(0);
        assertThat(waitErr(new int[] {syncobj}, 0, ANY))
                .as("WAIT on a fresh syncobj")
                .isEqualTo(EINVAL);
        reset(syncobj);
        assertThat(waitErr(new int[] {syncobj}, 0, ANY)).as("WAIT after RESET").isEqualTo(EINVAL);
        destroy(syncobj);
    }

    @Test
    void resetSignaled() {
        int syncobj = create(0);
        trigger(syncobj);
        assertThat(waitErr(new int[] {syncobj}, 0, ANY))
                .as("WAIT on a triggered syncobj")
                .isZero();
        reset(syncobj);
        assertThat(waitErr(new int[] {syncobj}, 0, ANY))
                .as("WAIT after RESET (the fence is gone)")
                .isEqualTo(EINVAL);
        destroy(syncobj);
    }

    @Test
    void resetMultipleSignaled() {
        int[] syncobjs = new int[3];
        for (int i = 0; i < syncobjs.length; i++) {
            syncobjs[i] = create(0);
            trigger(syncobjs[i]);
        }
        assertThat(waitErr(syncobjs, 0, ANY))
                .as("WAIT on three triggered syncobjs")
                .isZero();

        reset(syncobjs);

        assertEachWaits(syncobjs, EINVAL, "after one RESET of all three");
        for (int syncobj : syncobjs) {
            destroy(syncobj);
        }
    }

    @Test
    void resetDuringWaitForSubmit() throws Exception {
        int syncobj = create(0);
        try (SyncThreads timer = new SyncThreads("reset-during-wait-for-submit", JOIN_DEADLINE)) {
            timer.start("timer", () -> {
                sleepNs(SHORT_NS);
                reset(syncobj);
                trigger(syncobj);
            });
            timer.runMain(() -> assertThat(wait(new int[] {syncobj}, gettimeNs() + 2 * SHORT_NS + SLACK_NS, FOR_SUBMIT))
                    .as("WAIT_FOR_SUBMIT across a RESET and a trigger (the reset is a no-op for the waiter)")
                    .isTrue());
        }
        destroy(syncobj);
    }

    @Test
    void signal() {
        int syncobj = create(0);
        assertThat(waitErr(new int[] {syncobj}, 0, ANY))
                .as("WAIT on a fresh syncobj")
                .isEqualTo(EINVAL);
        assertThat(waitErr(new int[] {syncobj}, 0, FOR_SUBMIT))
                .as("WAIT_FOR_SUBMIT on a fresh syncobj")
                .isEqualTo(ETIME);

        IgtSyncobj.signal(sys, fd, syncobj);

        assertThat(wait(new int[] {syncobj}, 0, ANY)).as("WAIT after SIGNAL").isTrue();
        assertThat(wait(new int[] {syncobj}, 0, FOR_SUBMIT))
                .as("WAIT_FOR_SUBMIT after SIGNAL")
                .isTrue();
        destroy(syncobj);
    }

    // ---------------------------------------------------------------- multi-wait family

    @Test
    void invalidMultiWaitUnsubmitted() {
        multiWait(ANY, EINVAL, UNSUBMITTED);
    }

    @Test
    void invalidMultiWaitAllUnsubmitted() {
        multiWait(ALL, EINVAL, UNSUBMITTED);
    }

    @Test
    void invalidMultiWaitUnsubmittedSubmitted() {
        multiWait(ANY, EINVAL, UNSUBMITTED, SUBMITTED);
    }

    @Test
    void invalidMultiWaitAllUnsubmittedSubmitted() {
        multiWait(ALL, EINVAL, UNSUBMITTED, SUBMITTED);
    }

    @Test
    void invalidMultiWaitUnsubmittedSignaled() {
        multiWait(ANY, EINVAL, UNSUBMITTED, SIGNALED);
    }

    @Test
    void invalidMultiWaitAllUnsubmittedSignaled() {
        multiWait(ALL, EINVAL, UNSUBMITTED, SIGNALED);
    }

    @Test
    void invalidMultiWaitUnsubmittedSubmittedSignaled() {
        multiWait(ANY, EINVAL, UNSUBMITTED, SUBMITTED, SIGNALED);
    }

    @Test
    void invalidMultiWaitAllUnsubmittedSubmittedSignaled() {
        multiWait(ALL, EINVAL, UNSUBMITTED, SUBMITTED, SIGNALED);
    }

    @Test
    void multiWaitForSubmitUnsubmitted() {
        multiWait(FOR_SUBMIT, ETIME, UNSUBMITTED);
    }

    @Test
    void multiWaitAllForSubmitUnsubmitted() {
        multiWait(ALL | FOR_SUBMIT, ETIME, UNSUBMITTED);
    }

    @Test
    void multiWaitSubmitted() {
        multiWait(ANY, ETIME, SUBMITTED);
    }

    @Test
    void multiWaitForSubmitSubmitted() {
        multiWait(FOR_SUBMIT, ETIME, SUBMITTED);
    }

    @Test
    void multiWaitAllSubmitted() {
        multiWait(ALL, ETIME, SUBMITTED);
    }

    @Test
    void multiWaitAllForSubmitSubmitted() {
        multiWait(ALL | FOR_SUBMIT, ETIME, SUBMITTED);
    }

    @Test
    void multiWaitForSubmitUnsubmittedSubmitted() {
        multiWait(FOR_SUBMIT, ETIME, UNSUBMITTED, SUBMITTED);
    }

    @Test
    void multiWaitAllForSubmitUnsubmittedSubmitted() {
        multiWait(ALL | FOR_SUBMIT, ETIME, UNSUBMITTED, SUBMITTED);
    }

    @Test
    void multiWaitSignaled() {
        multiWait(ANY, 0, SIGNALED);
    }

    @Test
    void multiWaitForSubmitSignaled() {
        multiWait(FOR_SUBMIT, 0, SIGNALED);
    }

    @Test
    void multiWaitAllSignaled() {
        multiWait(ALL, 0, SIGNALED);
    }

    @Test
    void multiWaitAllForSubmitSignaled() {
        multiWait(ALL | FOR_SUBMIT, 0, SIGNALED);
    }

    @Test
    void multiWaitForSubmitUnsubmittedSignaled() {
        multiWait(FOR_SUBMIT, 0, UNSUBMITTED, SIGNALED);
    }

    @Test
    void multiWaitAllForSubmitUnsubmittedSignaled() {
        multiWait(ALL | FOR_SUBMIT, ETIME, UNSUBMITTED, SIGNALED);
    }

    @Test
    void multiWaitSubmittedSignaled() {
        multiWait(ANY, 0, SUBMITTED, SIGNALED);
    }

    @Test
    void multiWaitForSubmitSubmittedSignaled() {
        multiWait(FOR_SUBMIT, 0, SUBMITTED, SIGNALED);
    }

    @Test
    void multiWaitAllSubmittedSignaled() {
        multiWait(ALL, ETIME, SUBMITTED, SIGNALED);
    }

    @Test
    void multiWaitAllForSubmitSubmittedSignaled() {
        multiWait(ALL | FOR_SUBMIT, ETIME, SUBMITTED, SIGNALED);
    }

    @Test
    void multiWaitForSubmitUnsubmittedSubmittedSignaled() {
        multiWait(FOR_SUBMIT, 0, UNSUBMITTED, SUBMITTED, SIGNALED);
    }

    // ---------------------------------------------------------------- snapshot

    @Test
    void waitAnySnapshot() throws Exception {
        waitSnapshot(ANY);
    }

    @Test
    void waitAllSnapshot() throws Exception {
        waitSnapshot(ALL);
    }

    @Test
    void waitForSubmitSnapshot() throws Exception {
        waitSnapshot(FOR_SUBMIT);
    }

    @Test
    void waitAllForSubmitSnapshot() throws Exception {
        waitSnapshot(ALL | FOR_SUBMIT);
    }

    // ---------------------------------------------------------------- complex

    @Test
    void waitAnyComplex() throws Exception {
        waitComplex(ANY);
    }

    @Test
    void waitAllComplex() throws Exception {
        waitComplex(ALL);
    }

    @Test
    void waitForSubmitComplex() throws Exception {
        waitComplex(FOR_SUBMIT);
    }

    @Test
    void waitAllForSubmitComplex() throws Exception {
        waitComplex(ALL | FOR_SUBMIT);
    }

    // ---------------------------------------------------------------- interrupted

    @Test
    void waitAnyInterrupted() throws Exception {
        waitInterrupted(ANY);
    }

    @Test
    void waitAllInterrupted() throws Exception {
        waitInterrupted(ALL);
    }

    // ---------------------------------------------------------------- the subtests' bodies

    /**
     * {@code test_single_wait}: one syncobj brought to {@code stage}, then WAIT with a zero timeout, a short one and
     * IGT's UINT64_MAX (only where the answer is not ETIME) must each give {@code expect}.
     */
    private void singleWait(int flags, Stage stage, int expect) {
        int syncobj = create(0);
        int timeline = prepare(syncobj, stage);
        assertWaitsGive(new int[] {syncobj}, flags, expect);
        destroy(syncobj);
        closeTimeline(timeline);
    }

    /**
     * {@code test_multi_wait}: three syncobjs; the stages named (in the order unsubmitted, submitted, signaled)
     * go to the first objects one each and the last fills the rest, then the three WAITs of {@link #singleWait}.
     */
    private void multiWait(int flags, int expect, Stage... named) {
        int[] syncobjs = {create(0), create(0), create(0)};
        int[] timelines = new int[syncobjs.length];
        for (int i = 0; i < syncobjs.length; i++) {
            timelines[i] = prepare(syncobjs[i], named[Math.min(i, named.length - 1)]);
        }
        assertWaitsGive(syncobjs, flags, expect);
        for (int i = 0; i < syncobjs.length; i++) {
            destroy(syncobjs[i]);
            closeTimeline(timelines[i]);
        }
    }

    /** The three WAITs of the single- and multi-wait families: poll, short timeout, UINT64_MAX unless ETIME. */
    private void assertWaitsGive(int[] syncobjs, int flags, int expect) {
        assertThat(waitErr(syncobjs, 0, flags)).as("WAIT with timeout 0").isEqualTo(expect);
        assertThat(waitErr(syncobjs, shortTimeout(), flags))
                .as("WAIT with a short timeout")
                .isEqualTo(expect);
        if (expect != ETIME) {
            assertThat(waitErr(syncobjs, UINT64_MAX, flags))
                    .as("WAIT with timeout UINT64_MAX")
                    .isEqualTo(expect);
        }
    }

    /**
     * {@code test_wait_delayed_signal}: a timer signals the syncobj after {@link #SHORT_NS} (with FOR_SUBMIT it
     * attaches and signals; without, it INCs the timeline attached up front), and a WAIT begun before must succeed.
     */
    private void waitDelayed(int flags) throws Exception {
        int syncobj = create(0);
        int timeline = (flags & FOR_SUBMIT) != 0 ? -1 : attachSwSync(syncobj);
        try (SyncThreads timer = new SyncThreads("wait-delayed", JOIN_DEADLINE)) {
            timer.start("timer", () -> {
                sleepNs(SHORT_NS);
                signalStage(syncobj, timeline);
            });
            timer.runMain(() -> assertThat(wait(new int[] {syncobj}, gettimeNs() + 2 * SHORT_NS + SLACK_NS, flags))
                    .as("WAIT begun before the timer's signal")
                    .isTrue());
        }
        closeTimeline(timeline);
        destroy(syncobj);
    }

    /**
     * {@code test_wait_snapshot}: a waiter on [s0, s1] must wait on the fences it found when it began. Meanwhile s0
     * is signalled (WAIT_ALL) or given a fence (FOR_SUBMIT), reset, and given a fence that never signals; then s1
     * signals, which must end the wait, and a wait-any must report s1 as the first signalled.
     */
    private void waitSnapshot(int flags) throws Exception {
        int[] syncobjs = {create(0), create(0)};
        int[] timelines = {-1, -1, -1};
        if ((flags & FOR_SUBMIT) == 0) {
            timelines[0] = attachSwSync(syncobjs[0]);
            timelines[1] = attachSwSync(syncobjs[1]);
        }
        AtomicInteger firstSignaled = new AtomicInteger(-1);
        try (SyncThreads threads = new SyncThreads("wait-snapshot", JOIN_DEADLINE)) {
            long timeout = shortTimeout() + SLACK_NS;
            threads.start("waiter", () -> firstSignaled.set(waitFirstSignaled(syncobjs, timeout, flags)));
            threads.runMain(() -> {
                sleepNs(STEP_NS);
                if ((flags & ALL) != 0) {
                    signalStage(syncobjs[0], timelines[0]);
                } else if ((flags & FOR_SUBMIT) != 0) {
                    timelines[0] = attachSwSync(syncobjs[0]);
                }
                sleepNs(STEP_NS);
                reset(syncobjs[0]);
                sleepNs(STEP_NS);
                timelines[2] = attachSwSync(syncobjs[0]); // never signalled: a waiter that took it would time out
                sleepNs(STEP_NS);
                signalStage(syncobjs[1], timelines[1]);
            });
        }
        if ((flags & ALL) == 0) {
            assertThat(firstSignaled.get()).as("first_signaled of the wait-any").isEqualTo(1);
        }
        for (int timeline : timelines) {
            closeTimeline(timeline);
        }
        destroy(syncobjs[0]);
        destroy(syncobjs[1]);
    }

    /** The numbers 0 to 7, four times each, shuffled: IGT's order of visits in the complex schedule. */
    private static final int[] SHUFFLED_0_7_X4 = {
        2, 0, 6, 1, 1, 4, 5, 2, 0, 7, 1, 7, 6, 3, 4, 5, 0, 2, 7, 3, 5, 4, 0, 6, 7, 3, 2, 5, 6, 1, 4, 3
    };

    /**
     * {@code test_wait_complex}: eight syncobjs of which the waiter watches only the first two; each visit of the
     * fixed schedule moves one object a stage on (attach, signal, reset, attach a fence that never signals), until
     * the first signal (wait-any) or until all eight have signalled (WAIT_ALL).
     */
    private void waitComplex(int flags) throws Exception {
        int count = 8;
        int[] syncobjs = new int[count];
        int[] timelines = new int[count];
        int[] visits = new int[count];
        for (int i = 0; i < count; i++) {
            syncobjs[i] = create(0);
            timelines[i] = (flags & FOR_SUBMIT) != 0 ? -1 : attachSwSync(syncobjs[i]);
        }
        AtomicInteger firstSignaled = new AtomicInteger(-1);
        int[] signals = {0, -1}; // how many signals so far, and the first object signalled
        try (SyncThreads threads = new SyncThreads("wait-complex", JOIN_DEADLINE)) {
            long timeout = gettimeNs() + TimeUnit.SECONDS.toNanos(1) + SLACK_NS;
            threads.start(
                    "waiter",
                    () -> firstSignaled.set(waitFirstSignaled(new int[] {syncobjs[0], syncobjs[1]}, timeout, flags)));
            threads.runMain(() -> {
                sleepNs(STEP_NS);
                for (int i : SHUFFLED_0_7_X4) {
                    switch (visits[i]++) {
                        case 0 -> { // unsubmitted: attach, unless attached up front
                            if ((flags & FOR_SUBMIT) != 0) {
                                timelines[i] = attachSwSync(syncobjs[i]);
                            }
                        }
                        case 1 -> { // submitted: signal, and the timeline is done with
                            IgtSync.inc(sys, timelines[i], 1);
                            closeTimeline(timelines[i]);
                            timelines[i] = -1;
                            if (signals[0]++ == 0) {
                                signals[1] = i;
                            }
                        }
                        case 2 -> reset(syncobjs[i]); // signalled: reset
                        case 3 -> timelines[i] = attachSwSync(syncobjs[i]); // reset: a fence that never signals
                        default -> throw new AssertionError("object " + i + " visited a fifth time");
                    }
                    if ((flags & ALL) != 0 ? signals[0] == count : signals[0] > 0) {
                        break;
                    }
                    sleepNs(COMPLEX_STEP_NS);
                }
            });
        }
        if ((flags & ALL) != 0) {
            assertThat(signals[0]).as("objects signalled").isEqualTo(count);
        } else {
            assertThat(signals[0]).as("objects signalled").isEqualTo(1);
            assertThat(firstSignaled.get()).as("first_signaled").isEqualTo(signals[1]);
        }
        for (int i = 0; i < count; i++) {
            closeTimeline(timelines[i]);
            destroy(syncobjs[i]);
        }
    }

    /**
     * {@code test_wait_interrupted}: a WAIT on an unsignalled fence with a short absolute timeout, interrupted over
     * and over (IGT's {@code igt_while_interruptible}) and restarted each time with the same arguments (as {@code
     * drmIoctl} restarts on EINTR), must end in ETIME once the deadline has passed and not later: the timeout is
     * absolute, so a restart does not extend it (with interrupts every millisecond, a restart that did would never
     * time out).
     */
    private void waitInterrupted(int flags) throws Exception {
        int syncobj = create(0);
        int timeline = attachSwSync(syncobj);
        long timeout = IgtSyncobj.shortTimeout(); // IGT's 100 ms: room for many interrupts on a loaded machine
        Thread waiter = Thread.currentThread();
        Object signalLock = new Object();
        boolean[] done = {false}; // guarded by signalLock
        Thread signaller = Thread.ofPlatform().name("igt-signal-helper").start(() -> {
            while (true) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (signalLock) {
                    if (done[0]) {
                        return;
                    }
                    waiter.interrupt();
                }
            }
        });
        Restarted result;
        try {
            byte[] arg = new byte[DrmSyncobjWait.SIZE];
            IgtSyncobj.waitArgs(1, timeout, flags).write(IgtSyncobj.le(arg));
            result = restartingIoctl(
                    DrmSyncobj.IOCTL_WAIT, arg, IgtSyncobj.userWindow(new int[] {syncobj}, null), timeout + SLACK_NS);
        } finally {
            synchronized (signalLock) {
                done[0] = true;
            }
            Thread.interrupted(); // the last signal may have landed after the call returned; no more come now
            signaller.join(JOIN_DEADLINE);
        }
        long returned = gettimeNs();
        assertThat(result.restarts())
                .as("times the wait was interrupted and restarted")
                .isPositive();
        assertThat(result.result()).as("WAIT interrupted over and over").isEqualTo(ETIME);
        assertThat(returned)
                .as("when it timed out (the absolute timeout was %d)", timeout)
                .isGreaterThanOrEqualTo(timeout);
        destroy(syncobj);
        closeTimeline(timeline);
    }

    // ---------------------------------------------------------------- the test's own helpers

    /** {@code has_syncobj_wait}: DRM_CAP_SYNCOBJ, and WAIT on handle 0 answers ENOENT. */
    private boolean hasSyncobjWait() {
        return IgtSyncobj.hasSyncobj(sys, fd) && waitErr(new int[] {0}, 0, ANY) == ENOENT;
    }

    /**
     * {@code syncobj_attach_sw_sync}: a new sw_sync timeline's point 1 imported into {@code syncobj} (it replaces
     * the fence there); returns the timeline, whose INC signals it.
     */
    private int attachSwSync(int syncobj) {
        int timeline = IgtSync.timelineCreate(sys);
        int fence = IgtSync.createFence(sys, timeline, 1);
        IgtSyncobj.importSyncFile(sys, fd, syncobj, fence);
        sys.close(fence);
        return timeline;
    }

    /** {@code syncobj_trigger}: attach a fence to {@code syncobj} and signal it at once. */
    private void trigger(int syncobj) {
        int timeline = attachSwSync(syncobj);
        IgtSync.inc(sys, timeline, 1);
        sys.close(timeline);
    }

    /** Signals {@code syncobj}: INCs its {@code timeline}, or triggers it if it has none (-1). */
    private void signalStage(int syncobj, int timeline) {
        if (timeline < 0) {
            trigger(syncobj);
        } else {
            IgtSync.inc(sys, timeline, 1);
        }
    }

    /** Brings a fresh {@code syncobj} to {@code stage}; returns the timeline attached, or -1 for none. */
    private int prepare(int syncobj, Stage stage) {
        if (stage == UNSUBMITTED) {
            return -1;
        }
        int timeline = attachSwSync(syncobj);
        if (stage == SIGNALED) {
            IgtSync.inc(sys, timeline, 1);
        }
        return timeline;
    }

    /** Closes a timeline the test attached, if there is one (-1: none). */
    private void closeTimeline(int timeline) {
        if (timeline >= 0) {
            sys.close(timeline);
        }
    }

    /** A WAIT (timeout 0, flags 0) on each non-zero handle alone must give {@code expect}. */
    private void assertEachWaits(int[] syncobjs, int expect, String when) {
        for (int syncobj : syncobjs) {
            if (syncobj != 0) {
                assertThat(waitErr(new int[] {syncobj}, 0, ANY))
                        .as("WAIT on %d %s", syncobj, when)
                        .isEqualTo(expect);
            }
        }
    }

    /** {@code syncobj_wait} that must succeed (IGT's waiter threads): returns {@code first_signaled}. */
    private int waitFirstSignaled(int[] syncobjs, long timeout, int flags) {
        int[] first = {-1};
        assertThat(IgtSyncobj.wait(sys, fd, syncobjs, timeout, flags, first))
                .as("the waiter's WAIT (flags 0x%x) before its timeout", flags)
                .isTrue();
        return first[0];
    }

    /** What {@link #restartingIoctl} ended with, and how many times EINTR made it start again. */
    private record Restarted(long result, int restarts) {}

    /**
     * {@code drmIoctl}: the ioctl with the same argument bytes again for as long as it ends in EINTR (the thread's
     * interrupt cleared each time, as a signal handler returns), up to {@code giveUpAt} on the clock.
     */
    private Restarted restartingIoctl(int request, byte[] arg, byte[] user, long giveUpAt) {
        int restarts = 0;
        long r;
        while ((r = sys.ioctl(fd, request, arg, user)) == EINTR) {
            Thread.interrupted();
            restarts++;
            assertThat(gettimeNs())
                    .as("restarted %d times and still waiting", restarts)
                    .isLessThan(giveUpAt);
        }
        return new Restarted(r, restarts);
    }

    private int create(int flags) {
        return IgtSyncobj.create(sys, fd, flags);
    }

    private void destroy(int syncobj) {
        IgtSyncobj.destroy(sys, fd, syncobj);
    }

    private void reset(int... syncobjs) {
        IgtSyncobj.reset(sys, fd, syncobjs);
    }

    private int waitErr(int[] syncobjs, long timeout, int flags) {
        return IgtSyncobj.waitErr(sys, fd, syncobjs, timeout, flags);
    }

    private boolean wait(int[] syncobjs, long timeout, int flags) {
        return IgtSyncobj.wait(sys, fd, syncobjs, timeout, flags, null);
    }

    /** WAIT with a hand-built struct (no handles in user memory): 0 or -errno. */
    private long tryWait(DrmSyncobjWait args) {
        return IgtSyncobj.tryWait(sys, fd, args, null).ret();
    }

    /** RESET or SIGNAL of {@code syncobjs} with {@code pad}: 0 or -errno. */
    private long tryArray(int request, int[] syncobjs, int pad) {
        return IgtSyncobj.tryArray(
                sys,
                fd,
                request,
                new DrmSyncobjArray(IgtSyncobj.handlesAddress(), syncobjs.length, pad),
                IgtSyncobj.userWindow(syncobjs, null));
    }

    /**
     * {@code short_timeout}: {@link #SHORT_NS} from now, absolute (not {@link IgtSyncobj#shortTimeout}'s 100 ms).
     */
    private static long shortTimeout() {
        return gettimeNs() + SHORT_NS;
    }

    private static void sleepNs(long nanos) throws InterruptedException {
        Thread.sleep(Duration.ofNanos(nanos));
    }
}
