package dev.uvgem.cli;

import dev.uvgem.cli.demo.DeferredRenderer;
import dev.uvgem.cli.demo.DemoOptions;
import dev.uvgem.cli.demo.DemoReport;
import dev.uvgem.cli.demo.DemoResult;
import dev.uvgem.cli.demo.FrameImages;
import dev.uvgem.cli.demo.Presented;
import dev.uvgem.cli.demo.ProgressBar;
import dev.uvgem.cli.demo.SplitDemo;
import dev.uvgem.client.UvgemClient;
import dev.uvgem.core.trace.ChromeTrace;
import dev.uvgem.core.trace.TraceEvent;
import dev.uvgem.core.trace.TraceRecorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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
            "  ./uvgem daemon --socket /tmp/ut/uvgem.sock --fence-timeout 1s &",
            "  ./uvgem demo --socket /tmp/ut/uvgem.sock --hang-frame 20 --out /tmp/frames",
            "Open the trace in https://ui.perfetto.dev or chrome://tracing. With --socket it holds the renderer's"
                    + " and the compositor's own tracks; the fence tracks are the daemon's, not sent over the wire.",
            "",
            ExitCode.HELP
        })
final class DemoCommand implements Callable<Integer> {
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    private DemoWorkload workload;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write a Chrome trace-event JSON file.")
    private Path trace;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write each presented frame as PNG, and a contact sheet.")
    private Path out;

    @Option(names = "--summary", paramLabel = "FILE", description = "Write the run's summary as JSON.")
    private Path summary;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "Run the renderer and the compositor as two separate processes (child JVMs), each a client"
                    + " of the daemon on this user socket, instead of in one embedded kernel. The daemon's"
                    + " --fence-timeout is the vgem expiry: --hang-frame waits for it.")
    private Path socket;

    DemoCommand() {}

    @Override
    public Integer call() throws Exception {
        DemoOptions options = workload.options(spec);
        // Output paths are checked before the run, so a typo does not cost the whole demo.
        createParent(trace);
        createParent(summary);
        PrintWriter stdout = spec.commandLine().getOut();
        ProgressBar bar = new ProgressBar(
                spec.commandLine().getErr(),
                options.frames(),
                System.console() != null && System.console().isTerminal());
        Run run = socket != null ? split(options, stdout, bar) : embedded(options, stdout, bar);
        bar.done();
        DemoResult result = run.result();
        DemoReport.table(result, stdout);
        if (summary != null) {
            Files.writeString(summary, DemoReport.json(result), StandardCharsets.UTF_8);
            stdout.println("summary: " + summary);
        }
        if (trace != null) {
            try (Writer w = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
                ChromeTrace.write(run.events(), w);
            }
            stdout.println("trace: " + trace + " (open in https://ui.perfetto.dev or chrome://tracing)");
        }
        if (out != null) {
            stdout.println("frames: " + out + ", contact sheet: " + run.contactSheet());
        }
        stdout.flush();
        return result.inOrder() ? ExitCode.OK : ExitCode.FAILED;
    }

    /** A run's outcome: its result, its trace events (empty if not traced) and the contact sheet (or null). */
    private record Run(DemoResult result, List<TraceEvent> events, String contactSheet) {}

    // One embedded kernel: the display's capture hook hands over the frames.
    private Run embedded(DemoOptions options, PrintWriter stdout, ProgressBar bar) throws InterruptedException {
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
                options.frames(),
                options.threads(),
                options.ring(),
                options.fenceTimeout().toMillis());
        stdout.flush();
        DemoResult result;
        List<TraceEvent> events = List.of();
        if (trace != null) {
            try (TraceRecorder recorder = TraceRecorder.start()) {
                result = DeferredRenderer.run(options, onPresent);
                recorder.close();
                events = recorder.events();
            }
        } else {
            result = DeferredRenderer.run(options, onPresent);
        }
        String sheet = null;
        if (out != null) {
            FrameImages images = new FrameImages(out, result.width(), result.height());
            shown.forEach(images::add);
            sheet = images.finish().toString();
        }
        return new Run(result, events, sheet);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    // Two child JVMs, clients of the daemon on --socket, relayed by this process.
    private Run split(DemoOptions options, PrintWriter stdout, ProgressBar bar)
            throws DaemonUnreachableException, IOException, InterruptedException {
        try {
            UvgemClient.connect(socket, "uvgem-demo").close(); // reachable: the children connect on their own
        } catch (IOException e) {
            throw new DaemonUnreachableException(socket, e);
        }
        stdout.printf(
                "uvgem demo: %d frames on %d renderer threads into a ring of %d vgem buffers, a GPU post-processing"
                        + " job each, shown on the virtual KMS display; the renderer and the compositor are"
                        + " separate processes of the daemon on %s%n"
                        + "vgem fences expire after the daemon's --fence-timeout (taken to be %d ms: --fence-timeout"
                        + " should match it)%s%n",
                options.frames(),
                options.threads(),
                options.ring(),
                socket,
                options.fenceTimeout().toMillis(),
                options.hangFrame() >= 0 ? "; --hang-frame waits for it" : "");
        stdout.flush();
        Path scratch = Files.createTempDirectory("uvgem-demo");
        try {
            List<Path> traces = trace == null
                    ? List.of()
                    : List.of(scratch.resolve("renderer.trace"), scratch.resolve("compositor.trace"));
            List<String> renderer = ChildJvm.command("demo-renderer", "--socket", socket.toString());
            renderer.addAll(workload.args());
            List<String> compositor = ChildJvm.command("demo-compositor", "--socket", socket.toString());
            if (trace != null) {
                renderer.addAll(List.of("--trace-events", traces.get(0).toString()));
                compositor.addAll(List.of("--trace-events", traces.get(1).toString()));
            }
            if (out != null) {
                compositor.addAll(List.of("--out", out.toAbsolutePath().toString()));
            }
            SplitDemo.Outcome o = SplitDemo.run(renderer, compositor, traces, bar::update);
            return new Run(o.result(), o.events(), o.contactSheet());
        } finally {
            for (Path p : List.of(scratch.resolve("renderer.trace"), scratch.resolve("compositor.trace"), scratch)) {
                Files.deleteIfExists(p);
            }
        }
    }
}
