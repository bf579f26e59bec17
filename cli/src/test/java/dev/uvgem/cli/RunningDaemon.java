package dev.uvgem.cli;

import dev.uvgem.api.Uvgem;
import dev.uvgem.client.UvgemClient;
import dev.uvgem.daemon.Daemon;
import dev.uvgem.daemon.DaemonConfig;
import dev.uvgem.sys.KernelConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A daemon started in the test's JVM with its sockets and buffer memory under a test directory, a client process
 * on its user socket, and a way to run a {@code uvgem} command line against it.
 */
final class RunningDaemon implements AutoCloseable {
    final Daemon daemon;
    final Uvgem client;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    RunningDaemon(Path dir, boolean debugfs) {
        this(dir, debugfs, KernelConfig.defaults().vgemFenceTimeout());
    }

    /** A daemon whose vgem fences expire after {@code fenceTimeout} (its {@code --fence-timeout}). */
    RunningDaemon(Path dir, boolean debugfs, Duration fenceTimeout) {
        try {
            daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("uvgem.sock"))
                    .withKernel(KernelConfig.defaults().withDebugfs(debugfs).withVgemFenceTimeout(fenceTimeout))
                    .withMemoryRoot(dir)
                    .withIoThreads(1));
            client = UvgemClient.connect(daemon.socket(), "renderer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code uvgem args...} pointed at this daemon's user socket; returns the exit code. */
    int run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--socket";
        all[args.length + 1] = daemon.socket().toString();
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    }

    @Override
    public void close() {
        client.close();
        daemon.close();
    }
}
