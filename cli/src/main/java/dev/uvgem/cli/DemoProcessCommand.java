package dev.uvgem.cli;

import dev.uvgem.api.Uvgem;
import dev.uvgem.client.UvgemClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the two hidden processes of {@code uvgem demo --socket} ({@code demo-renderer}, {@code demo-compositor})
 * share: the daemon's socket, the file for their trace events, their line protocol on stdin and stdout with the
 * parent {@code demo}, and the connection as a process of the daemon.
 *
 * <p>Thread-safety: one command run per instance; {@link #out()} is safe for concurrent use.
 */
abstract class DemoProcessCommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", required = true, paramLabel = "PATH", description = "The daemon's user socket.")
    Path socket;

    @Option(names = "--trace-events", paramLabel = "FILE", description = "Write this process's trace events here.")
    Path traceEvents;

    /** Returns the parent's lines: stdin. */
    static BufferedReader in() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }

    /** Returns where this process's lines go: stdout, one flushed line per call, whole lines under its lock. */
    static Consumer<String> out() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        return out::println;
    }

    /**
     * Connects to the daemon as process {@code comm}.
     *
     * @throws DaemonUnreachableException if nothing accepts on the socket
     */
    Uvgem connect(String comm) throws DaemonUnreachableException {
        try {
            return UvgemClient.connect(socket, comm);
        } catch (IOException e) {
            throw new DaemonUnreachableException(socket, e);
        }
    }
}
