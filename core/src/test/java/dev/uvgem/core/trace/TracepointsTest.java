package dev.uvgem.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fence tracepoints fire in the kernel's order with the fence's identity, and not at all while off. */
class TracepointsTest {
    private final VirtualClock clock = new VirtualClock();

    @Test
    void fenceLifecycleEventsCarryContextSeqnoAndNames() throws Exception {
        long ctx = FenceContext.allocate();
        List<TraceEvent> events;
        try (TraceRecorder rec = TraceRecorder.start()) {
            Fence f = Fence.create(clock, "drv", "tl", ctx, 7);
            clock.advanceNanos(10);
            f.addCallback(FenceCallback.of(x -> {}));
            Threads.Running<Long> waiter = Threads.start(() -> f.waitTimeout(false, 1_000_000));
            Threads.awaitParked(waiter);
            clock.advanceNanos(5);
            f.signalWithError(Errno.EIO.negative());
            assertThat(waiter.get()).isPositive();
            events = rec.events().stream()
                    .filter(e -> !(e instanceof TraceEvent.Instant) && !(e instanceof TraceEvent.Slice))
                    .toList();
        }
        assertThat(events)
                .extracting(e -> e.getClass().getSimpleName())
                .containsExactly("FenceInit", "FenceEnableSignal", "FenceWaitStart", "FenceSignaled", "FenceWaitEnd");
        FenceRef ref = new FenceRef(ctx, 7, "drv", "tl");
        assertThat(events.getFirst()).isEqualTo(new TraceEvent.FenceInit(clock.nanoTime() - 15, ref));
        assertThat(events.get(3)).isEqualTo(new TraceEvent.FenceSignaled(clock.nanoTime(), ref, Errno.EIO.negative()));
        TraceEvent.FenceWaitEnd end = (TraceEvent.FenceWaitEnd) events.get(4);
        assertThat(end.waiter().group()).isEqualTo(Track.TASKS);
        assertThat(end.result()).isPositive();
    }

    @Test
    void nothingIsRecordedOnceTheRecorderIsClosed() {
        TraceRecorder rec = TraceRecorder.start();
        rec.close();
        Fence f = Fence.create(clock, "drv", "tl", FenceContext.allocate(), 1);
        f.signal();
        Tracepoints.instant(0, new Track("display", "crtc-0"), "vblank", java.util.Map.of());
        assertThat(rec.events()).isEmpty();
        assertThat(Tracepoints.sink()).isNull();
    }
}
