package dev.uvgem.bench;

import dev.uvgem.core.time.SystemClock;
import dev.uvgem.daemon.Daemon;
import dev.uvgem.daemon.DaemonConfig;
import dev.uvgem.sys.KernelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A daemon for a benchmark, in the benchmark's JVM, on a socket in a fresh temporary directory, with the defaults
 * of {@code ./uvgem daemon} (an event loop per processor, buffer memory in {@code /dev/shm}, the real clock);
 * closing it removes the directory.
 *
 * <p>Thread-safety: as {@link Daemon}.
 */
final class BenchDaemon implements AutoCloseable {
    final Path dir;
    final Daemon daemon;

    BenchDaemon() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A daemon with {@code ioThreads} event loops. */
    BenchDaemon(int ioThreads) {
        try {
            dir = Files.createTempDirectory("uvgem-bench");
            daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("uvgem.sock"))
                    .withKernel(KernelConfig.defaults(new SystemClock()))
                    .withIoThreads(ioThreads));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path socket() {
        return daemon.socket();
    }

    @Override
    public void close() {
        daemon.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
