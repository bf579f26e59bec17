package dev.uvgem.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.UvgemFile;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import dev.uvgem.daemon.Daemon;
import dev.uvgem.daemon.DaemonConfig;
import dev.uvgem.sys.KernelConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two OS processes through the client: this JVM produces a frame into a vgem buffer under a write fence, a child
 * JVM ({@link ConsumerProcess}) receives the dma-buf by token, maps it, parks a poll, and sums the frame once the
 * fence signals. No byte of the frame passes through a socket.
 */
@Timeout(90)
class CrossProcessTest {
    @TempDir
    Path dir;

    @Test
    void aFrameAndItsFenceCrossToAnotherProcess() throws Exception {
        try (Daemon daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("run/uvgem.sock"))
                        .withKernel(KernelConfig.defaults())
                        .withMemoryRoot(Files.createDirectories(dir.resolve("shm")))
                        .withIoThreads(1));
                Uvgem producer = UvgemClient.connect(daemon.socket(), "producer");
                VgemDevice vgem = producer.openVgem();
                BufferObject bo = vgem.createDumb(512, 512, 32);
                DmaBufFd dmabuf = bo.export(true);
                MappedMemory pixels = bo.map()) {
            VgemFence fence = bo.attachFence(true);
            String token = HexFormat.of().formatHex(dmabuf.send());
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process child = new ProcessBuilder(
                            java.toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            ConsumerProcess.class.getName(),
                            daemon.socket().toString(),
                            token)
                    .redirectErrorStream(true)
                    .start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("ready " + bo.size());
                long expected = 0;
                for (long i = 0; i < bo.size() / 8; i++) {
                    pixels.segment().setAtIndex(ValueLayout.JAVA_LONG, i, i * 7 + 1);
                    expected += i * 7 + 1;
                }
                assertThat(dmabuf.ready(UvgemFile.POLLIN))
                        .as("the consumer still waits")
                        .isFalse();
                fence.signal();
                assertThat(out.readLine()).isEqualTo("polled " + UvgemFile.POLLIN + " sum " + expected);
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isZero();
            } finally {
                child.destroyForcibly();
            }
        }
    }
}
