package dev.uvgem.cli.demo;

import dev.uvgem.api.Uvgem;
import dev.uvgem.core.trace.TraceRecorder;
import java.io.BufferedReader;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The renderer of {@code uvgem demo --socket}, a separate OS process and a client of the daemon: the {@link
 * DeferredRenderer} against a display owned by the compositor process, reached through a {@link RelayScanout} over
 * this process's stdin and stdout. At the end it writes its run as {@link DemoResultLines} and its trace events
 * into {@code traceEvents}, and says {@code done}.
 *
 * <p>Thread-safety: stateless; one run per call.
 */
public final class SocketRenderer {
    private SocketRenderer() {}

    /**
     * Renders every frame as process {@code uvgem}.
     *
     * <p>Context: process context; sleeps while frames render and the compositor presents them.
     *
     * @param in the compositor's reports, relayed
     * @param out where the flips and the result go (one line per call)
     * @param traceEvents where the trace events go, or null
     */
    public static void run(DemoOptions options, Uvgem uvgem, BufferedReader in, Consumer<String> out, Path traceEvents)
            throws InterruptedException {
        try (TraceRecorder recorder = TraceRecorder.start()) {
            DemoResult result = DeferredRenderer.run(options, uvgem, l -> new RelayScanout(in, out, l), p -> {});
            recorder.close();
            DemoResultLines.write(result, out);
            if (traceEvents != null) {
                TraceLines.write(recorder.events(), traceEvents);
            }
            out.accept("done");
        }
    }
}
