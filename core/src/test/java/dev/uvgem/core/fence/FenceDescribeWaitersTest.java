package dev.uvgem.core.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.container.FenceArray;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.VirtualClock;
import org.junit.jupiter.api.Test;

/** Who waits on a fence, as the stuck-fence report lists them: waiting threads, callbacks by their owner. */
class FenceDescribeWaitersTest {
    private final VirtualClock clock = new VirtualClock();

    @Test
    void threadsCallbacksAndArraysAreNamedOldestFirst() throws Exception {
        Fence f = Fence.create(clock, "drv", "tl", FenceContext.allocate(), 1);
        f.addCallback(FenceCallback.of(x -> {}));
        FenceArray array = FenceArray.create(new Fence[] {f}, FenceContext.allocate(), 1, false);
        array.enableSwSignaling();
        Threads.Running<Long> waiter = Threads.start(() -> f.waitTimeout(false, Fence.MAX_SCHEDULE_TIMEOUT));
        Threads.awaitParked(waiter);

        assertThat(f.describeWaiters())
                .containsExactly(
                        "callback " + getClass().getName(),
                        "member of dma_fence_array " + array.traceRef().label(),
                        "thread " + waiter.thread().getName() + " ["
                                + waiter.thread().threadId() + "] in dma_fence_wait");
        f.signal();
        assertThat(waiter.get()).isPositive();
        assertThat(f.describeWaiters()).isEmpty();
    }
}
