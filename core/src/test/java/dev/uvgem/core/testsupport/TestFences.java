package dev.uvgem.core.testsupport;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;

/**
 * Fences whose driver hooks a test scripts: ops that name a driver and a timeline and answer one hook (enable
 * signalling, the hardware poll, the deadline hint) through a lambda, and fences on a timeline of their own.
 *
 * <p>Thread-safety: the ops are immutable and call the test's lambdas from whichever thread runs the hook (under
 * the fence lock where {@link FenceOps} says so); the lambdas must be as thread-safe as the test needs.
 */
public final class TestFences {
    private TestFences() {}

    /** The selftests' mock fence: driver and timeline "mock", context 0, seqno 0. */
    public static Fence mock(Clock clock) {
        return Fence.create(clock, "mock", "mock", 0, 0);
    }

    /** Returns a fence with {@code ops} at seqno 1 of a new timeline. */
    public static Fence fence(Clock clock, FenceOps ops) {
        return fence(clock, ops, 1);
    }

    /** Returns a fence with {@code ops} at {@code seqno} of a new timeline. */
    public static Fence fence(Clock clock, FenceOps ops, long seqno) {
        return Fence.create(clock, ops, FenceContext.allocate(), seqno);
    }

    // Each kind overrides only its own hook: a fence treats ops that keep a default differently (it need not run
    // an enable hook that is not there, say), and each test means to exercise exactly the hook it scripts.

    /**
     * Returns ops whose enable-signalling hook is {@code enable} (called once, under the fence lock; false means
     * the fence has already completed).
     */
    public static FenceOps enabling(String driver, String timeline, Predicate<Fence> enable) {
        return new Named(driver, timeline) {
            @Override
            public boolean enableSignaling(Fence fence) {
                return enable.test(fence);
            }
        };
    }

    /** Returns ops whose hardware poll ({@link FenceOps#signaled}) reports completion once {@code done} says so. */
    public static FenceOps polled(String driver, String timeline, BooleanSupplier done) {
        return new Named(driver, timeline) {
            @Override
            public boolean signaled(Fence fence) {
                return done.getAsBoolean();
            }
        };
    }

    /** Returns ops that hand every deadline hint, with its fence, to {@code hint}. */
    public static FenceOps deadlines(String driver, String timeline, ObjLongConsumer<Fence> hint) {
        return new Named(driver, timeline) {
            @Override
            public void setDeadline(Fence fence, long deadlineNanos) {
                hint.accept(fence, deadlineNanos);
            }
        };
    }

    /** Ops that name the driver and the timeline; the kinds above add one hook each. */
    private abstract static class Named implements FenceOps {
        private final String driver;
        private final String timeline;

        Named(String driver, String timeline) {
            this.driver = driver;
            this.timeline = timeline;
        }

        @Override
        public String driverName(Fence fence) {
            return driver;
        }

        @Override
        public String timelineName(Fence fence) {
            return timeline;
        }
    }
}
