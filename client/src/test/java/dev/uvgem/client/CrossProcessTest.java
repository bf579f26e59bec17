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
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes through the client that are separate OS processes (child JVMs on the test classpath): a frame and its
 * fence cross from a producer to a consumer ({@link ProducerProcess}, {@link ConsumerProcess}) with no byte of the
 * frame through a socket, the token travelling through the test's pipes; and a producer killed with SIGKILL while
 * its fence is pending releases the consumer's parked poll within the vgem expiry, after which the daemon's
 * buffers and backing files are back where they started.
 */
@Timeout(90)
class CrossProcessTest {
    /** A short vgem expiry: the killed producer's fence must release the consumer before it. */
    static final Duration FENCE_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    Daemon daemon;

    @BeforeEach
    void startDaemon() throws IOException {
        daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("run/uvgem.sock"))
                .withKernel(KernelConfig.defaults().withVgemFenceTimeout(FENCE_TIMEOUT))
                .withMemoryRoot(Files.createDirectories(dir.resolve("shm")))
                .withIoThreads(1));
        assertThat(daemon.devices().vgem().liveObjects()).isZero();
    }

    @AfterEach
    void stopDaemon() {
        daemon.close();
    }

    /** A child JVM running {@code main} with the socket as its argument, its stdin and stdout piped to the test. */
    private final class Child implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final PrintWriter in;

        Child(Class<?> main) throws IOException {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            process = new ProcessBuilder(
                            java.toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            main.getName(),
                            daemon.socket().toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        }

        String[] line() throws IOException {
            String l = out.readLine();
            assertThat(l)
                    .as("a line from " + process.info().command().orElse("child"))
                    .isNotNull();
            return l.split(" ");
        }

        void tell(String command) {
            in.println(command);
        }

        @Override
        public void close() throws InterruptedException {
            in.close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aFrameAndItsFenceCrossToAnotherProcess() throws Exception {
        try (Uvgem producer = UvgemClient.connect(daemon.socket(), "producer");
                VgemDevice vgem = producer.openVgem();
                BufferObject bo = vgem.createDumb(512, 512, 32);
                DmaBufFd dmabuf = bo.export(true);
                MappedMemory pixels = bo.map();
                Child consumer = new Child(ConsumerProcess.class)) {
            VgemFence fence = bo.attachFence(true);
            consumer.tell(HexFormat.of().formatHex(dmabuf.send()));
            assertThat(consumer.line()).containsExactly("ready", Long.toString(bo.size()));
            consumer.tell("poll");
            long expected = 0;
            for (long i = 0; i < bo.size() / 8; i++) {
                pixels.segment().setAtIndex(ValueLayout.JAVA_LONG, i, i * 7 + 1);
                expected += i * 7 + 1;
            }
            assertThat(dmabuf.ready(UvgemFile.POLLIN))
                    .as("the consumer still waits")
                    .isFalse();
            fence.signal();
            String[] polled = consumer.line();
            assertThat(polled[1]).isEqualTo(Integer.toString(UvgemFile.POLLIN));
            assertThat(polled[3]).isEqualTo(Long.toString(expected));
            consumer.close();
            assertThat(consumer.process.exitValue()).isZero();
        }
    }

    @Test
    void aProducerKilledMidFenceReleasesTheConsumerAndEverything() throws Exception {
        try (Child producer = new Child(ProducerProcess.class);
                Child consumer = new Child(ConsumerProcess.class)) {
            String[] token = producer.line();
            assertThat(token[0]).isEqualTo("token");
            consumer.tell(token[1]);
            assertThat(consumer.line()).containsExactly("ready", token[3]);
            assertThat(daemon.devices().vgem().liveObjects()).isEqualTo(1);
            assertThat(memoryFiles()).hasSize(1);

            consumer.tell("poll");
            producer.tell("frame");
            String[] signalled = producer.line();
            String[] polled = consumer.line();
            assertThat(polled[1]).as("the fence, seen").isEqualTo(Integer.toString(UvgemFile.POLLIN));
            assertThat(polled[3]).as("the frame, seen").isEqualTo(signalled[2]);
            assertThat(producer.line()).containsExactly("armed");

            consumer.tell("poll");
            Thread.sleep(100); // let the poll park on the new fence
            producer.process.destroyForcibly(); // SIGKILL, mid-fence
            String[] released = consumer.line();
            assertThat(released[1]).isEqualTo(Integer.toString(UvgemFile.POLLIN));
            assertThat(Long.parseLong(released[5]))
                    .as("milliseconds the poll waited, against the expiry")
                    .isLessThan(FENCE_TIMEOUT.toMillis());
            assertThat(producer.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

            consumer.close();
            assertThat(consumer.process.exitValue()).isZero();
            DaemonIntegrationTest.awaitTrue(
                    "both processes exited", () -> daemon.kernel().processes().isEmpty());
            assertThat(daemon.devices().vgem().liveObjects())
                    .as("buffers back to baseline")
                    .isZero();
            assertThat(memoryFiles()).as("backing files back to baseline").isEmpty();
        }
    }

    private List<Path> memoryFiles() throws IOException {
        try (Stream<Path> files = Files.list(daemon.memoryDirectory())) {
            return files.toList();
        }
    }
}
