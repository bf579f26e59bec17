package dev.uvgem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The GPU API over an embedded kernel on a virtual clock: vgem buffers imported, jobs run, hangs recovered. */
class GpuDeviceTest {
    private final VirtualClock clock = new VirtualClock();

    private Uvgem boot() {
        return Uvgem.embedded(KernelConfig.defaults(clock));
    }

    @Test
    void fillImportedVgemBufferAndSeeItThroughTheDmaBuf() {
        try (Uvgem uvgem = boot();
                VgemDevice vgem = uvgem.openVgem();
                BufferObject bo = vgem.createDumb(64, 64, 32);
                DmaBufFd dmabuf = bo.export(true);
                GpuDevice gpu = uvgem.openGpuRender();
                GpuBuffer frame = gpu.importDmaBuf(dmabuf);
                GpuContext ctx = gpu.createContext();
                MappedMemory pixels = dmabuf.map(false)) {
            GpuContext.Submission s = ctx.submit(
                    new GpuJob().fill(frame, 0, frame.size(), 0xff336699).outFence());
            assertThat(s.outFence().await(null)).isTrue();
            assertThat(s.outFence().status()).isEqualTo(1);
            assertThat(pixels.segment().get(ValueLayout.JAVA_INT, frame.size() - 4))
                    .isEqualTo(0xff336699);
            assertThat(ctx.resetStats().completed()).isEqualTo(1);
            s.outFence().close();
        }
    }

    /** A kernel whose GPU runs jobs on the calling thread and hang timeouts on the clock-advancing one. */
    private Uvgem bootSynchronousGpu() {
        Kernel kernel = Boot.kernelWithDevices(KernelConfig.defaults(clock), BufferAllocator.anonymous(), Runnable::run)
                .kernel();
        return Uvgem.process(kernel, "test", false);
    }

    @Test
    void aHangingJobIsKilledAndTheContextBannedAtItsLimit() {
        try (Uvgem uvgem = bootSynchronousGpu();
                GpuDevice gpu = uvgem.openGpu();
                GpuBuffer buf = gpu.createBuffer(4096);
                GpuContext ctx = gpu.createContext(Duration.ofMillis(100), 1)) {
            SyncFileFd hung =
                    ctx.submit(new GpuJob().writes(buf).hang().outFence()).outFence();
            SyncFileFd queued =
                    ctx.submit(new GpuJob().fill(buf, 0, 4096, 7).outFence()).outFence();
            assertThat(hung.await(Duration.ZERO)).isFalse();
            clock.advance(Duration.ofMillis(100));
            assertThat(hung.await(Duration.ZERO)).isTrue();
            assertThat(queued.await(Duration.ZERO)).isTrue();
            assertThat(hung.status()).isEqualTo(Errno.ETIME.negative());
            assertThat(queued.status()).isEqualTo(Errno.ECANCELED.negative());
            assertThat(ctx.resetStats()).isEqualTo(new GpuContext.ResetStats(1, true, 0, 1, 1));
            assertThatThrownBy(() -> ctx.submit(new GpuJob()))
                    .isInstanceOfSatisfying(
                            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ECANCELED));
            hung.close();
            queued.close();
        }
    }
}
