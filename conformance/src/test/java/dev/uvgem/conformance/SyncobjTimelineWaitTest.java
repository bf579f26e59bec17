package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSync.EINVAL;
import static dev.uvgem.conformance.IgtSync.ETIME;
import static dev.uvgem.conformance.IgtSync.inc;
import static dev.uvgem.conformance.IgtSyncobj.gettimeNs;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.UINT64_MAX;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_ALL;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_AVAILABLE;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_FLAGS_MAX;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_FOR_SUBMIT;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_SIGNALED;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_STAGES;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_SUBMITTED;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.WAIT_UNSUBMITTED;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.attachSwSync;
import static dev.uvgem.conformance.SyncobjTimelineHelpers.flagsForTestFlags;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/syncobj_timeline.c}, its 79 generated wait subtests: the 24 {@code single-wait} and the 55
 * {@code multi-wait} ones (the other 42 are {@link SyncobjTimelineTest}). IGT generates them from a test flag word
 * (wait-all, for-submit, available, and the stages unsubmitted, submitted, signalled the objects are put in) and
 * derives each name and expected result from it; this class runs IGT's generator ({@link #generate}) and gives
 * each generated name its own method, which looks its case up by that name, so a name IGT does not generate fails.
 *
 * <p>Each case waits three times: with timeout 0 (a poll), with an absolute timeout {@link #BOUNDED_WAIT_NSEC}
 * ahead, and with IGT's {@code UINT64_MAX} (a time long past: a poll again), the last only where the result is not
 * -ETIME. IGT's bounded wait is 100 ms; nothing signals during it, so its length plays no part in the outcome, and
 * it is 20 ms here to keep the 31 waits that time out short.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class SyncobjTimelineWaitTest {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    /** How far ahead the bounded wait of each case ends (IGT: 100 ms, see the class comment). */
    static final long BOUNDED_WAIT_NSEC = 20_000_000L;
    /** The multi-wait objects waited on at point 0, as binary syncobjs (IGT's "non timeline syncobj"s). */
    static final int[] BINARY_OBJECTS = {1, 4};
    /** How many objects a multi-wait waits on. */
    static final int MULTI_OBJECTS = 5;

    /** One generated subtest: its test flag word and the result IGT derives from it. */
    record WaitCase(String name, int testFlags, int expect) {}

    /** IGT's single-wait loop: exactly one stage per case. */
    static final Map<String, WaitCase> SINGLE_WAIT =
            generate("single-wait", f -> Integer.bitCount(f & WAIT_STAGES) == 1, SyncobjTimelineWaitTest::singleExpect);
    /** IGT's multi-wait loop: at least one stage per case. */
    static final Map<String, WaitCase> MULTI_WAIT =
            generate("multi-wait", f -> (f & WAIT_STAGES) != 0, SyncobjTimelineWaitTest::multiExpect);

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

    /**
     * IGT's generator: every flag word below {@link SyncobjTimelineHelpers#WAIT_FLAGS_MAX} that {@code wanted}
     * keeps, named {@code [invalid-|etime-]<family>[-all][-for-submit][-available][-unsubmitted][-submitted]
     * [-signaled]} after its expected result and bits.
     */
    static Map<String, WaitCase> generate(String family, IntPredicate wanted, IntUnaryOperator expect) {
        Map<String, WaitCase> cases = new LinkedHashMap<>();
        for (int flags = 0; flags < WAIT_FLAGS_MAX; flags++) {
            if (!wanted.test(flags)) {
                continue;
            }
            int err = expect.applyAsInt(flags);
            String name = (err == EINVAL ? "invalid-" : err == ETIME ? "etime-" : "")
                    + family
                    + ((flags & WAIT_ALL) != 0 ? "-all" : "")
                    + ((flags & WAIT_FOR_SUBMIT) != 0 ? "-for-submit" : "")
                    + ((flags & WAIT_AVAILABLE) != 0 ? "-available" : "")
                    + ((flags & WAIT_UNSUBMITTED) != 0 ? "-unsubmitted" : "")
                    + ((flags & WAIT_SUBMITTED) != 0 ? "-submitted" : "")
                    + ((flags & WAIT_SIGNALED) != 0 ? "-signaled" : "");
            cases.put(name, new WaitCase(name, flags, err));
        }
        return Map.copyOf(cases);
    }

    private static boolean has(int flags, int bits) {
        return (flags & bits) != 0;
    }

    /** Unsubmitted without a flag that tolerates it is invalid; anything short of done times out. */
    private static int singleExpect(int flags) {
        if (has(flags, WAIT_UNSUBMITTED) && !has(flags, WAIT_FOR_SUBMIT | WAIT_AVAILABLE)) {
            return EINVAL;
        }
        if (!has(flags, WAIT_SIGNALED) && !(has(flags, WAIT_SUBMITTED) && has(flags, WAIT_AVAILABLE))) {
            return ETIME;
        }
        return 0;
    }

    /** As single, but wait-all needs every object done and wait-any one (available counts submitted as done). */
    private static int multiExpect(int flags) {
        if (has(flags, WAIT_UNSUBMITTED) && !has(flags, WAIT_FOR_SUBMIT | WAIT_AVAILABLE)) {
            return EINVAL;
        }
        if (has(flags, WAIT_ALL)) {
            boolean allAvailable =
                    !has(flags, WAIT_UNSUBMITTED) && has(flags, WAIT_SUBMITTED) && has(flags, WAIT_AVAILABLE);
            return has(flags, WAIT_UNSUBMITTED | WAIT_SUBMITTED) && !allAvailable ? ETIME : 0;
        }
        return has(flags, WAIT_SIGNALED) || (has(flags, WAIT_SUBMITTED) && has(flags, WAIT_AVAILABLE)) ? 0 : ETIME;
    }

    private static WaitCase lookup(Map<String, WaitCase> family, String subtest) {
        WaitCase c = family.get(subtest);
        assertThat(c).as("IGT generates subtest %s", subtest).isNotNull();
        return c;
    }

    /**
     * {@code test_single_wait}: one object waited on at point 1, put in the case's stage (its fence added at
     * point 1 through TRANSFER, then signalled for the signalled stage).
     */
    private void singleWait(String subtest) {
        WaitCase c = lookup(SINGLE_WAIT, subtest);
        int syncobj = IgtSyncobj.create(sys, fd, 0);
        long point = 1;
        int timeline = -1;
        if (has(c.testFlags(), WAIT_SUBMITTED | WAIT_SIGNALED)) {
            timeline = attachSwSync(sys, fd, syncobj, point);
        }
        if (has(c.testFlags(), WAIT_SIGNALED)) {
            inc(sys, timeline, 1);
        }

        assertWaits(c, new int[] {syncobj}, new long[] {point});

        IgtSyncobj.destroy(sys, fd, syncobj);
        if (timeline != -1) {
            sys.close(timeline);
        }
    }

    /**
     * {@code test_multi_wait}: five objects at points {r, 0, r, r, 0} (r random in 1..1000; 0: used as binary).
     * The lowest of the case's stages goes to object 0, the next to object 1, and the last one to every object
     * left, each object's fence put at its own point.
     */
    private void multiWait(String subtest) {
        WaitCase c = lookup(MULTI_WAIT, subtest);
        Random rand = new Random();
        long[] points = new long[MULTI_OBJECTS];
        for (int i = 0; i < MULTI_OBJECTS; i++) {
            points[i] = 1 + rand.nextInt(1000);
        }
        for (int i : BINARY_OBJECTS) {
            points[i] = 0;
        }
        int[] syncobjs = new int[MULTI_OBJECTS];
        for (int i = 0; i < MULTI_OBJECTS; i++) {
            syncobjs[i] = IgtSyncobj.create(sys, fd, 0);
        }

        List<Integer> timelines = new ArrayList<>();
        int stages = c.testFlags() & WAIT_STAGES;
        for (int i = 0; i < MULTI_OBJECTS; i++) {
            int stage = Integer.lowestOneBit(stages);
            if (stages != stage) {
                stages &= ~stage; // the last stage left repeats over the remaining objects
            }
            if (has(stage, WAIT_SUBMITTED | WAIT_SIGNALED)) {
                int timeline = attachSwSync(sys, fd, syncobjs[i], points[i]);
                timelines.add(timeline);
                if (stage == WAIT_SIGNALED) {
                    inc(sys, timeline, 1);
                }
            }
        }

        assertWaits(c, syncobjs, points);

        for (int syncobj : syncobjs) {
            IgtSyncobj.destroy(sys, fd, syncobj);
        }
        timelines.forEach(sys::close);
    }

    /** The three waits every generated case makes, each of which must give the case's result. */
    private void assertWaits(WaitCase c, int[] handles, long[] points) {
        int flags = flagsForTestFlags(c.testFlags());
        String at = c.name() + " at points " + Arrays.toString(points);
        assertThat(IgtSyncobj.timelineWaitErr(sys, fd, handles, points, 0, flags))
                .as("%s, timeout 0", at)
                .isEqualTo(c.expect());
        assertThat(IgtSyncobj.timelineWaitErr(sys, fd, handles, points, gettimeNs() + BOUNDED_WAIT_NSEC, flags))
                .as("%s, bounded timeout", at)
                .isEqualTo(c.expect());
        if (c.expect() != ETIME) {
            assertThat(IgtSyncobj.timelineWaitErr(sys, fd, handles, points, UINT64_MAX, flags))
                    .as("%s, timeout UINT64_MAX", at)
                    .isEqualTo(c.expect());
        }
    }

    // single-wait: unsubmitted

    @Test
    void invalidSingleWaitUnsubmitted() {
        singleWait("invalid-single-wait-unsubmitted");
    }

    @Test
    void invalidSingleWaitAllUnsubmitted() {
        singleWait("invalid-single-wait-all-unsubmitted");
    }

    @Test
    void etimeSingleWaitForSubmitUnsubmitted() {
        singleWait("etime-single-wait-for-submit-unsubmitted");
    }

    @Test
    void etimeSingleWaitAllForSubmitUnsubmitted() {
        singleWait("etime-single-wait-all-for-submit-unsubmitted");
    }

    @Test
    void etimeSingleWaitAvailableUnsubmitted() {
        singleWait("etime-single-wait-available-unsubmitted");
    }

    @Test
    void etimeSingleWaitForSubmitAvailableUnsubmitted() {
        singleWait("etime-single-wait-for-submit-available-unsubmitted");
    }

    @Test
    void etimeSingleWaitAllAvailableUnsubmitted() {
        singleWait("etime-single-wait-all-available-unsubmitted");
    }

    @Test
    void etimeSingleWaitAllForSubmitAvailableUnsubmitted() {
        singleWait("etime-single-wait-all-for-submit-available-unsubmitted");
    }

    // single-wait: submitted

    @Test
    void etimeSingleWaitSubmitted() {
        singleWait("etime-single-wait-submitted");
    }

    @Test
    void etimeSingleWaitForSubmitSubmitted() {
        singleWait("etime-single-wait-for-submit-submitted");
    }

    @Test
    void etimeSingleWaitAllSubmitted() {
        singleWait("etime-single-wait-all-submitted");
    }

    @Test
    void etimeSingleWaitAllForSubmitSubmitted() {
        singleWait("etime-single-wait-all-for-submit-submitted");
    }

    @Test
    void singleWaitAvailableSubmitted() {
        singleWait("single-wait-available-submitted");
    }

    @Test
    void singleWaitForSubmitAvailableSubmitted() {
        singleWait("single-wait-for-submit-available-submitted");
    }

    @Test
    void singleWaitAllAvailableSubmitted() {
        singleWait("single-wait-all-available-submitted");
    }

    @Test
    void singleWaitAllForSubmitAvailableSubmitted() {
        singleWait("single-wait-all-for-submit-available-submitted");
    }

    // single-wait: signaled

    @Test
    void singleWaitSignaled() {
        singleWait("single-wait-signaled");
    }

    @Test
    void singleWaitForSubmitSignaled() {
        singleWait("single-wait-for-submit-signaled");
    }

    @Test
    void singleWaitAllSignaled() {
        singleWait("single-wait-all-signaled");
    }

    @Test
    void singleWaitAllForSubmitSignaled() {
        singleWait("single-wait-all-for-submit-signaled");
    }

    @Test
    void singleWaitAvailableSignaled() {
        singleWait("single-wait-available-signaled");
    }

    @Test
    void singleWaitForSubmitAvailableSignaled() {
        singleWait("single-wait-for-submit-available-signaled");
    }

    @Test
    void singleWaitAllAvailableSignaled() {
        singleWait("single-wait-all-available-signaled");
    }

    @Test
    void singleWaitAllForSubmitAvailableSignaled() {
        singleWait("single-wait-all-for-submit-available-signaled");
    }

    // multi-wait: any unsubmitted object without for-submit or available

    @Test
    void invalidMultiWaitUnsubmitted() {
        multiWait("invalid-multi-wait-unsubmitted");
    }

    @Test
    void invalidMultiWaitAllUnsubmitted() {
        multiWait("invalid-multi-wait-all-unsubmitted");
    }

    @Test
    void invalidMultiWaitUnsubmittedSubmitted() {
        multiWait("invalid-multi-wait-unsubmitted-submitted");
    }

    @Test
    void invalidMultiWaitAllUnsubmittedSubmitted() {
        multiWait("invalid-multi-wait-all-unsubmitted-submitted");
    }

    @Test
    void invalidMultiWaitUnsubmittedSignaled() {
        multiWait("invalid-multi-wait-unsubmitted-signaled");
    }

    @Test
    void invalidMultiWaitAllUnsubmittedSignaled() {
        multiWait("invalid-multi-wait-all-unsubmitted-signaled");
    }

    @Test
    void invalidMultiWaitUnsubmittedSubmittedSignaled() {
        multiWait("invalid-multi-wait-unsubmitted-submitted-signaled");
    }

    @Test
    void invalidMultiWaitAllUnsubmittedSubmittedSignaled() {
        multiWait("invalid-multi-wait-all-unsubmitted-submitted-signaled");
    }

    // multi-wait: every object unsubmitted

    @Test
    void etimeMultiWaitForSubmitUnsubmitted() {
        multiWait("etime-multi-wait-for-submit-unsubmitted");
    }

    @Test
    void etimeMultiWaitAllForSubmitUnsubmitted() {
        multiWait("etime-multi-wait-all-for-submit-unsubmitted");
    }

    @Test
    void etimeMultiWaitAvailableUnsubmitted() {
        multiWait("etime-multi-wait-available-unsubmitted");
    }

    @Test
    void etimeMultiWaitForSubmitAvailableUnsubmitted() {
        multiWait("etime-multi-wait-for-submit-available-unsubmitted");
    }

    @Test
    void etimeMultiWaitAllAvailableUnsubmitted() {
        multiWait("etime-multi-wait-all-available-unsubmitted");
    }

    @Test
    void etimeMultiWaitAllForSubmitAvailableUnsubmitted() {
        multiWait("etime-multi-wait-all-for-submit-available-unsubmitted");
    }

    // multi-wait: every object submitted

    @Test
    void etimeMultiWaitSubmitted() {
        multiWait("etime-multi-wait-submitted");
    }

    @Test
    void etimeMultiWaitForSubmitSubmitted() {
        multiWait("etime-multi-wait-for-submit-submitted");
    }

    @Test
    void etimeMultiWaitAllSubmitted() {
        multiWait("etime-multi-wait-all-submitted");
    }

    @Test
    void etimeMultiWaitAllForSubmitSubmitted() {
        multiWait("etime-multi-wait-all-for-submit-submitted");
    }

    @Test
    void multiWaitAvailableSubmitted() {
        multiWait("multi-wait-available-submitted");
    }

    @Test
    void multiWaitForSubmitAvailableSubmitted() {
        multiWait("multi-wait-for-submit-available-submitted");
    }

    @Test
    void multiWaitAllAvailableSubmitted() {
        multiWait("multi-wait-all-available-submitted");
    }

    @Test
    void multiWaitAllForSubmitAvailableSubmitted() {
        multiWait("multi-wait-all-for-submit-available-submitted");
    }

    // multi-wait: unsubmitted, then submitted

    @Test
    void etimeMultiWaitForSubmitUnsubmittedSubmitted() {
        multiWait("etime-multi-wait-for-submit-unsubmitted-submitted");
    }

    @Test
    void etimeMultiWaitAllForSubmitUnsubmittedSubmitted() {
        multiWait("etime-multi-wait-all-for-submit-unsubmitted-submitted");
    }

    @Test
    void multiWaitAvailableUnsubmittedSubmitted() {
        multiWait("multi-wait-available-unsubmitted-submitted");
    }

    @Test
    void multiWaitForSubmitAvailableUnsubmittedSubmitted() {
        multiWait("multi-wait-for-submit-available-unsubmitted-submitted");
    }

    @Test
    void etimeMultiWaitAllAvailableUnsubmittedSubmitted() {
        multiWait("etime-multi-wait-all-available-unsubmitted-submitted");
    }

    @Test
    void etimeMultiWaitAllForSubmitAvailableUnsubmittedSubmitted() {
        multiWait("etime-multi-wait-all-for-submit-available-unsubmitted-submitted");
    }

    // multi-wait: every object signalled

    @Test
    void multiWaitSignaled() {
        multiWait("multi-wait-signaled");
    }

    @Test
    void multiWaitForSubmitSignaled() {
        multiWait("multi-wait-for-submit-signaled");
    }

    @Test
    void multiWaitAllSignaled() {
        multiWait("multi-wait-all-signaled");
    }

    @Test
    void multiWaitAllForSubmitSignaled() {
        multiWait("multi-wait-all-for-submit-signaled");
    }

    @Test
    void multiWaitAvailableSignaled() {
        multiWait("multi-wait-available-signaled");
    }

    @Test
    void multiWaitForSubmitAvailableSignaled() {
        multiWait("multi-wait-for-submit-available-signaled");
    }

    @Test
    void multiWaitAllAvailableSignaled() {
        multiWait("multi-wait-all-available-signaled");
    }

    @Test
    void multiWaitAllForSubmitAvailableSignaled() {
        multiWait("multi-wait-all-for-submit-available-signaled");
    }

    // multi-wait: unsubmitted, then signalled

    @Test
    void multiWaitForSubmitUnsubmittedSignaled() {
        multiWait("multi-wait-for-submit-unsubmitted-signaled");
    }

    @Test
    void multiWaitAvailableUnsubmittedSignaled() {
        multiWait("multi-wait-available-unsubmitted-signaled");
    }

    @Test
    void multiWaitForSubmitAvailableUnsubmittedSignaled() {
        multiWait("multi-wait-for-submit-available-unsubmitted-signaled");
    }

    @Test
    void etimeMultiWaitAllForSubmitUnsubmittedSignaled() {
        multiWait("etime-multi-wait-all-for-submit-unsubmitted-signaled");
    }

    @Test
    void etimeMultiWaitAllAvailableUnsubmittedSignaled() {
        multiWait("etime-multi-wait-all-available-unsubmitted-signaled");
    }

    @Test
    void etimeMultiWaitAllForSubmitAvailableUnsubmittedSignaled() {
        multiWait("etime-multi-wait-all-for-submit-available-unsubmitted-signaled");
    }

    // multi-wait: submitted, then signalled

    @Test
    void multiWaitSubmittedSignaled() {
        multiWait("multi-wait-submitted-signaled");
    }

    @Test
    void multiWaitForSubmitSubmittedSignaled() {
        multiWait("multi-wait-for-submit-submitted-signaled");
    }

    @Test
    void etimeMultiWaitAllSubmittedSignaled() {
        multiWait("etime-multi-wait-all-submitted-signaled");
    }

    @Test
    void etimeMultiWaitAllForSubmitSubmittedSignaled() {
        multiWait("etime-multi-wait-all-for-submit-submitted-signaled");
    }

    @Test
    void multiWaitAvailableSubmittedSignaled() {
        multiWait("multi-wait-available-submitted-signaled");
    }

    @Test
    void multiWaitForSubmitAvailableSubmittedSignaled() {
        multiWait("multi-wait-for-submit-available-submitted-signaled");
    }

    @Test
    void multiWaitAllAvailableSubmittedSignaled() {
        multiWait("multi-wait-all-available-submitted-signaled");
    }

    @Test
    void multiWaitAllForSubmitAvailableSubmittedSignaled() {
        multiWait("multi-wait-all-for-submit-available-submitted-signaled");
    }

    // multi-wait: unsubmitted, submitted, then signalled

    @Test
    void multiWaitForSubmitUnsubmittedSubmittedSignaled() {
        multiWait("multi-wait-for-submit-unsubmitted-submitted-signaled");
    }

    @Test
    void multiWaitAvailableUnsubmittedSubmittedSignaled() {
        multiWait("multi-wait-available-unsubmitted-submitted-signaled");
    }

    @Test
    void multiWaitForSubmitAvailableUnsubmittedSubmittedSignaled() {
        multiWait("multi-wait-for-submit-available-unsubmitted-submitted-signaled");
    }

    @Test
    void etimeMultiWaitAllForSubmitUnsubmittedSubmittedSignaled() {
        multiWait("etime-multi-wait-all-for-submit-unsubmitted-submitted-signaled");
    }

    @Test
    void etimeMultiWaitAllAvailableUnsubmittedSubmittedSignaled() {
        multiWait("etime-multi-wait-all-available-unsubmitted-submitted-signaled");
    }
}
