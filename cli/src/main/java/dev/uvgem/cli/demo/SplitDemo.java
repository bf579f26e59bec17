package dev.uvgem.cli.demo;

import dev.uvgem.core.trace.TraceEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * {@code uvgem demo --socket}: the renderer ({@link SocketRenderer}) and the compositor ({@link SocketCompositor})
 * as two child JVMs, each a client of the daemon. The parent starts them and relays their lines, as a display's
 * interrupt line and a compositor protocol would carry them: the renderer's flips (with the dma-buf's FD_SEND token
 * the first time) to the compositor, the compositor's mode and reports to the renderer. The frames themselves never
 * pass through the parent: both processes map the same buffers through the daemon. At the end it collects the
 * renderer's run and merges both processes' trace events.
 *
 * <p>Thread-safety: one run per call; the compositor's output is relayed on a thread of its own.
 */
public final class SplitDemo {
    private static final long EXIT_WAIT_SECONDS = 30;

    private SplitDemo() {}

    /**
     * What the parent learnt: the run, both processes' trace events (empty without trace files), and where the
     * compositor wrote its contact sheet (null if it wrote none).
     *
     * @param result the run as the renderer measured it, with the compositor's presentation times
     * @param events the renderer's and the compositor's trace events, merged
     * @param contactSheet the contact sheet's path, or null
     */
    public record Outcome(DemoResult result, List<TraceEvent> events, String contactSheet) {
        /** Copies the events. */
        public Outcome {
            events = List.copyOf(events);
        }
    }

    /**
     * Runs the two processes and relays between them until both are done.
     *
     * <p>Context: process context; blocks until both child processes exit. {@code onPresented} runs on the relay
     * thread for each presented frame.
     *
     * @param renderer the renderer's command line
     * @param compositor the compositor's command line
     * @param traces the files the two write their trace events into (none, or both)
     * @throws IOException if a process cannot start, or ends without finishing its part
     */
    public static Outcome run(
            List<String> renderer, List<String> compositor, List<Path> traces, IntConsumer onPresented)
            throws IOException, InterruptedException {
        Process comp = start(compositor);
        Process rend = startBeside(renderer, comp);
        try {
            PrintWriter toComp = writer(comp);
            PrintWriter toRend = writer(rend);
            String[] sheet = {null};
            boolean[] compDone = {false};
            Thread relay = Thread.ofPlatform().name("demo-relay").start(() -> {
                try (BufferedReader r = reader(comp)) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        if (line.startsWith("done ")) {
                            String s = line.substring("done ".length());
                            sheet[0] = s.equals("-") ? null : s;
                            compDone[0] = true;
                            continue;
                        }
                        toRend.println(line);
                        if (line.startsWith("presented ")) {
                            onPresented.accept(Integer.parseInt(line.split(" ")[1]));
                        }
                    }
                } catch (IOException e) {
                    System.err.println("uvgem demo: compositor: " + e.getMessage());
                } finally {
                    toRend.close();
                    if (!compDone[0]) {
                        rend.destroyForcibly(); // it may wait for a buffer that only the compositor could release
                    }
                }
            });
            List<String> result = new ArrayList<>();
            boolean rendDone = false;
            try (BufferedReader r = reader(rend)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith(DemoResultLines.PREFIX)) {
                        result.add(line);
                    } else if (line.equals("done")) {
                        rendDone = true;
                    } else {
                        toComp.println(line);
                    }
                }
            } finally {
                toComp.close();
            }
            relay.join();
            check("demo-renderer", rend, rendDone);
            check("demo-compositor", comp, compDone[0]);
            List<TraceEvent> events = new ArrayList<>();
            for (Path t : traces) {
                events.addAll(TraceLines.read(t));
            }
            return new Outcome(DemoResultLines.read(result), events, sheet[0]);
        } finally {
            rend.destroyForcibly();
            comp.destroyForcibly();
        }
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    // Starts a second process; the first is ended if it cannot start.
    private static Process startBeside(List<String> command, Process first) throws IOException {
        try {
            return start(command);
        } catch (IOException e) {
            first.destroyForcibly();
            throw e;
        }
    }

    private static void check(String name, Process p, boolean done) throws IOException, InterruptedException {
        if (!p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IOException(name + " did not exit");
        }
        if (p.exitValue() != 0 || !done) {
            throw new IOException(name + " failed (exit code " + p.exitValue() + ")");
        }
    }

    private static PrintWriter writer(Process p) {
        return new PrintWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }
}
