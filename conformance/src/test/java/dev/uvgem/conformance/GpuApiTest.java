package dev.uvgem.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.GpuBuffer;
import dev.uvgem.api.GpuContext;
import dev.uvgem.api.GpuDevice;
import dev.uvgem.api.GpuJob;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The virtual GPU through the Java API on every backend (no public suite exists for uvgpu; this checks that the
 * driver's uAPI, pointers and fds included, works the same embedded and through a daemon): a vgem frame imported,
 * post-processed by a GPU job that waits for the renderer's implicit fence, and a hang recovered on the real
 * clock.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class GpuApiTest extends BackendSuite {
    @Test
    void aGpuJobPostProcessesAVgemFrameAfterItsRendererSignals() {
        try (VgemDevice vgem = env.root().openVgem();
                BufferObject bo = vgem.createDumb(256, 4, 32);
                DmaBufFd dmabuf = bo.export(true);
                GpuDevice gpu = env.root().openGpuRender();
                GpuBuffer frame = gpu.importDmaBuf(dmabuf);
                GpuBuffer overlay = gpu.createBuffer(frame.size());
                GpuContext ctx = gpu.createContext();
                MappedMemory pixels = dmabuf.map(false)) {
            VgemFence rendering = bo.attachFence(true);
            GpuContext.Submission s = ctx.submit(new GpuJob()
                    .fill(overlay, 0, overlay.size(), 0xff00ff00)
                    .blend(overlay, 0, frame, 0, frame.size(), 255)
                    .outFence());
            assertThat(s.outFence().await(Duration.ofMillis(50)))
                    .as("waits for the renderer")
                    .isFalse();
            rendering.signal();
            assertThat(s.outFence().await(Duration.ofSeconds(5))).isTrue();
            assertThat(pixels.segment().get(ValueLayout.JAVA_INT, 64)).isEqualTo(0xff00ff00);
            assertThat(ctx.resetStats().completed()).isEqualTo(1);
            s.outFence().close();
        }
    }

    @Test
    void aHangingJobIsKilledAndItsContextBannedWhileAnotherRuns() {
        try (GpuDevice gpu = env.root().openGpu();
                GpuContext bad = gpu.createContext(Duration.ofMillis(50), 1);
                GpuContext good = gpu.createContext()) {
            SyncFileFd hung = bad.submit(new GpuJob().hang().outFence()).outFence();
            SyncFileFd fine = good.submit(
                            new GpuJob().duration(Duration.ofMillis(1)).outFence())
                    .outFence();
            assertThat(hung.await(Duration.ofSeconds(5))).isTrue();
            assertThat(hung.status()).isEqualTo(Errno.ETIME.negative());
            assertThat(fine.await(Duration.ofSeconds(5))).isTrue();
            assertThat(fine.status()).isEqualTo(1);
            assertThat(bad.resetStats()).isEqualTo(new GpuContext.ResetStats(1, true, 0, 1, 0));
            assertThatThrownBy(() -> bad.submit(new GpuJob()))
                    .isInstanceOfSatisfying(
                            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ECANCELED));
            hung.close();
            fine.close();
        }
    }
}
