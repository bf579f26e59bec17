package dev.uvgem.cli;

import dev.uvgem.cli.demo.DeferredRenderer;
import dev.uvgem.cli.demo.DemoOptions;
import dev.uvgem.cli.demo.DemoReport;
import dev.uvgem.cli.demo.DemoResult;
import dev.uvgem.cli.demo.FrameImages;
import dev.uvgem.cli.demo.Presented;
import dev.uvgem.cli.demo.ProgressBar;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.core.trace.ChromeTrace;
import dev.uvgem.core.trace.TraceRecorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code uvgem demo}: runs the {@link DeferredRenderer} on the real clock in an embedded kernel and reports it: a
 * table on stdout, a progress bar on stderr (terminals only), and on request the summary JSON, the Chrome trace and
 * the presented frames as PNGs with a contact sheet.
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "The deferred renderer of the 2016 vgem fence proposal: threads draw frames into vgem buffers"
                + " whose flips were queued before drawing, a virtual GPU post-processes each, and the virtual display"
                + " presents them strictly in order at vblank; a never-signalled fence expires, a hung GPU job is"
                + " killed, and the display recovers.",
        footer = {
            "",
            "Examples:",
            "  ./uvgem demo",
            "  ./uvgem demo --frames 60 --hang-frame 20 --out /tmp/frames --trace /tmp/demo.json",
            "Open the trace in https://ui.perfetto.dev or chrome://tracing."
        })
final class DemoCommand implements Callable<Integer> {
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--frames", defaultValue = "48", description = "Frames to render (default: ${DEFAULT-VALUE}).")
    private int frames;

    @Option(
            names = "--hang-frame",
            defaultValue = "-1",
            paramLabel = "K",
            description = "Frame K's fence is never signalled: it expires and the display recovers.")
    private int hangFrame;

    @Option(
            names = "--gpu-hang-frame",
            defaultValue = "-1",
            paramLabel = "K",
            description = "Frame K's GPU post-processing job hangs and the scheduler recovers it.")
    private int gpuHangFrame;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write a Chrome trace-event JSON file.")
    private Path trace;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write each presented frame as PNG, and a contact sheet.")
    private Path out;

    @Option(names = "--summary", paramLabel = "FILE", description = "Write the run's summary as JSON.")
    private Path summary;

    @Option(names = "--threads", defaultValue = "4", description = "Renderer threads (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(
            names = "--fence-timeout",
            defaultValue = "1s",
            description = "vgem fence expiry; the kernel's is 10s, the demo's ${DEFAULT-VALUE} so a hang recovers"
                    + " quickly.")
    private Duration fenceTimeout;

    @Option(
            names = "--max-render-time",
            defaultValue = "40ms",
            description = "Each frame takes up to this much extra time at random, so frames finish out of order"
                    + " (default: ${DEFAULT-VALUE}).")
    private Duration maxRenderTime;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random render times.")
    private long seed;

    DemoCommand() {}

    @Override
    public Integer call() throws Exception {
        DemoOptions options = options();
        // Output paths are checked before the run, so a typo does not cost the whole demo.
        createParent(trace);
        createParent(summary);
        PrintWriter stdout = spec.commandLine().getOut();
        ProgressBar bar = new ProgressBar(
                spec.commandLine().getErr(),
                frames,
                System.console() != null && System.console().isTerminal());
        // The frames are kept and written after the run: encoding PNGs on the display's thread would delay it.
        List<Presented> shown = Collections.synchronizedList(new ArrayList<>());
        Consumer<Presented> onPresent = p -> {
            if (out != null) {
                shown.add(p);
            }
            bar.update(p.frame());
        };
        stdout.printf(
                "uvgem demo: %d frames on %d renderer threads into a ring of %d vgem buffers, a GPU post-processing"
                        + " job each, shown on the virtual KMS display; vgem fences expire after %d ms%n",
                frames, threads, options.ring(), fenceTimeout.toMillis());
        stdout.flush();
        DemoResult result;
        if (trace != null) {
            try (TraceRecorder recorder = TraceRecorder.start()) {
                result = DeferredRenderer.run(options, onPresent);
                recorder.close();
                try (Writer w = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
                    ChromeTrace.write(recorder.events(), w);
                }
            }
        } else {
            result = DeferredRenderer.run(options, onPresent);
        }
        bar.done();
        DemoReport.table(result, stdout);
        if (summary != null) {
            Files.writeString(summary, DemoReport.json(result), StandardCharsets.UTF_8);
            stdout.println("summary: " + summary);
        }
        if (trace != null) {
            stdout.println("trace: " + trace + " (open in https://ui.perfetto.dev or chrome://tracing)");
        }
        if (out != null) {
            FrameImages images = new FrameImages(out, result.width(), result.height());
            shown.forEach(images::add);
            stdout.println("frames: " + out + ", contact sheet: " + images.finish());
        }
        stdout.flush();
        return result.inOrder() ? 0 : 1;
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private DemoOptions options() {
        try {
            return DemoOptions.defaults(new SystemClock())
                    .withFrames(frames)
                    .withThreads(threads)
                    .withFenceTimeout(fenceTimeout)
                    .withMaxRenderTime(maxRenderTime)
                    .withHangFrame(hangFrame)
                    .withGpuHangFrame(gpuHangFrame)
                    .withSeed(seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
