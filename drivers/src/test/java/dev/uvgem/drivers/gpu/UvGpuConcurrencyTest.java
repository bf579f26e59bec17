package dev.uvgem.drivers.gpu;

import static dev.uvgem.drivers.gpu.GpuTestKit.bo;
import static dev.uvgem.drivers.gpu.GpuTestKit.bos;
import static dev.uvgem.drivers.gpu.GpuTestKit.copy;
import static dev.uvgem.drivers.gpu.GpuTestKit.fill;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.uapi.UvGpu;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Several threads submitting on their own contexts at once, on a two-thread engine, all writing one shared
 * buffer: every job completes without error, each ring in order, the shared buffer holds a value one of them
 * wrote, and no timer is left behind.
 */
class UvGpuConcurrencyTest {
    private static final int THREADS = 4;
    private static final int JOBS = 50;

    @Test
    void concurrentSubmittersOnOwnRingsWithASharedBuffer() throws Exception {
        ExecutorService engine = Executors.newFixedThreadPool(2);
        ExecutorService submitters = Executors.newFixedThreadPool(THREADS);
        try {
            GpuTestKit t = new GpuTestKit(engine);
            int fd = t.openGpu();
            int shared = (int) t.boCreate(fd, 4096);
            List<Future<List<Fence>>> results = new ArrayList<>();
            for (int th = 0; th < THREADS; th++) {
                int value = th + 1;
                results.add(submitters.submit(() -> submitter(t, fd, shared, value)));
            }
            for (Future<List<Fence>> f : results) {
                Fence previous = null;
                for (Fence fence : f.get()) {
                    assertThat(fence.await(false)).isZero();
                    assertThat(fence.error()).isZero();
                    if (previous != null) {
                        assertThat(fence.timestamp()).isGreaterThanOrEqualTo(previous.timestamp());
                        assertThat(Fence.isLater(fence, previous)).isTrue();
                    }
                    previous = fence;
                }
            }
            int word = t.memory(fd, shared).get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            assertThat(word).isBetween(1, THREADS);
            t.kit.task.close(fd);
            assertThat(t.kit.clock.pendingTimers()).isZero();
        } finally {
            submitters.shutdownNow();
            engine.shutdownNow();
        }
    }

    /** Creates a context and submits jobs that fill a private buffer and copy it into the shared one. */
    private static List<Fence> submitter(GpuTestKit t, int fd, int shared, int value) {
        int ctx = (int) t.ctxCreate(fd, 0, 0);
        int own = (int) t.boCreate(fd, 4096);
        List<Fence> fences = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            fences.add(t.submitOut(
                    fd,
                    ctx,
                    bos(bo(own, UvGpu.BO_READ | UvGpu.BO_WRITE), bo(shared, UvGpu.BO_WRITE)),
                    fill(0, 0, 4096, value),
                    copy(0, 0, 1, 0, 4096)));
        }
        return fences;
    }
}
