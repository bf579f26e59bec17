package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.sys.KernelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon per test, with its sockets and buffer memory in a temporary directory, and the clients the test
 * opened closed after it; at the end the daemon must be left with no process and no buffer file.
 */
abstract class DaemonTestSupport {
    @TempDir
    Path dir;

    Daemon daemon;
    private final List<RawClient> clients = new ArrayList<>();

    /** The kernel the daemon serves; tests override it for debugfs or short fence expiries. */
    KernelConfig kernelConfig() {
        return KernelConfig.defaults();
    }

    DaemonConfig config() throws IOException {
        Path memory = Files.createDirectories(dir.resolve("shm"));
        return DaemonConfig.defaults(dir.resolve("run/uvgem.sock"))
                .withKernel(kernelConfig())
                .withMemoryRoot(memory)
                .withIoThreads(2);
    }

    @BeforeEach
    void startDaemon() throws IOException {
        daemon = Daemon.start(config());
    }

    @AfterEach
    void stopDaemon() {
        for (RawClient c : clients) {
            c.close();
        }
        if (daemon != null) {
            awaitTrue("every process exited", () -> daemon.kernel().processes().isEmpty());
            daemon.close();
        }
    }

    /** A connected client after HELLO on the user socket, closed after the test. */
    RawClient user(String name) {
        return track(RawClient.hello(daemon.socket(), name));
    }

    /** A connected client after HELLO on the admin socket, closed after the test. */
    RawClient admin(String name) {
        return track(RawClient.hello(daemon.adminSocket(), name));
    }

    /** A connected client before HELLO, closed after the test. */
    RawClient raw() {
        return track(RawClient.connect(daemon.socket()));
    }

    RawClient track(RawClient c) {
        clients.add(c);
        return c;
    }

    List<Path> memoryFiles() throws IOException {
        try (Stream<Path> files = Files.list(daemon.memoryDirectory())) {
            return files.toList();
        }
    }

    /** Waits up to the client timeout for {@code condition}. */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + RawClient.TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            sleep(Duration.ofMillis(2));
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
