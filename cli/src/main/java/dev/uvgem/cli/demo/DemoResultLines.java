package dev.uvgem.cli.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A {@link DemoResult} as lines of text, each starting {@code result-}: how the renderer process of {@code uvgem
 * demo --socket} hands its run to the parent over its stdout.
 *
 * <p>Thread-safety: stateless.
 */
final class DemoResultLines {
    static final String PREFIX = "result-";

    private DemoResultLines() {}

    /** Writes {@code r} as lines to {@code out}. Context: any thread. */
    static void write(DemoResult r, Consumer<String> out) {
        for (FrameStats f : r.presented()) {
            out.accept(String.join(
                    " ",
                    PREFIX + "frame",
                    Integer.toString(f.frame()),
                    Long.toString(f.queuedAt()),
                    Long.toString(f.renderedAt()),
                    Long.toString(f.presentedAt()),
                    Long.toString(f.vblank()),
                    f.worker() == null ? "-" : f.worker(),
                    f.fence(),
                    Integer.toString(f.fenceError())));
        }
        out.accept(PREFIX + "order " + join(r.completionOrder()));
        out.accept(PREFIX + "expired " + join(r.expiredFences()));
        out.accept(PREFIX + "gpu " + join(r.gpuHangsRecovered()));
        out.accept(PREFIX + "run " + r.durationNanos() + " " + r.fenceTimeoutNanos() + " " + r.measuredExpiryNanos()
                + " " + r.width() + " " + r.height());
    }

    /**
     * Reads back what {@link #write} wrote (other lines are ignored).
     *
     * @throws IllegalArgumentException if the run line is missing or a line is malformed
     */
    static DemoResult read(List<String> lines) {
        List<FrameStats> frames = new ArrayList<>();
        List<Integer> order = List.of();
        List<Integer> expired = List.of();
        List<Integer> gpu = List.of();
        long[] run = null;
        for (String line : lines) {
            String[] w = line.split(" ", -1);
            switch (w[0]) {
                case PREFIX + "frame" ->
                    frames.add(new FrameStats(
                            Integer.parseInt(w[1]),
                            Long.parseLong(w[2]),
                            Long.parseLong(w[3]),
                            Long.parseLong(w[4]),
                            Long.parseLong(w[5]),
                            w[6].equals("-") ? null : w[6],
                            w[7],
                            Integer.parseInt(w[8])));
                case PREFIX + "order" -> order = ints(w[1]);
                case PREFIX + "expired" -> expired = ints(w[1]);
                case PREFIX + "gpu" -> gpu = ints(w[1]);
                case PREFIX + "run" ->
                    run = Arrays.stream(w, 1, 6).mapToLong(Long::parseLong).toArray();
                default -> {}
            }
        }
        if (run == null) {
            throw new IllegalArgumentException("the renderer reported no run");
        }
        return new DemoResult(frames, order, expired, gpu, run[0], run[1], run[2], (int) run[3], (int) run[4]);
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<Integer> ints(String csv) {
        return csv.isEmpty()
                ? List.of()
                : Arrays.stream(csv.split(",")).map(Integer::valueOf).toList();
    }
}
