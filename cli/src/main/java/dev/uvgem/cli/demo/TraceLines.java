package dev.uvgem.cli.demo;

import dev.uvgem.core.trace.TraceEvent;
import dev.uvgem.core.trace.Track;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user-side trace events of one process of {@code uvgem demo --socket} (its instants and slices: renderer
 * threads, the compositor's queue and commits, the flips it observed) as a file of tab-separated lines, which the
 * parent reads back from each process and merges into one Chrome trace. Fence events are not carried: the fences
 * live in the daemon's kernel, whose tracepoints are not sent over the wire.
 *
 * <p>Thread-safety: stateless.
 */
final class TraceLines {
    private TraceLines() {}

    /**
     * Writes the instants and slices of {@code events} to {@code file}; other events are left out.
     *
     * <p>Context: any thread; does I/O.
     *
     * @throws UncheckedIOException if writing fails
     */
    static void write(List<TraceEvent> events, Path file) {
        List<String> lines = new ArrayList<>();
        for (TraceEvent e : events) {
            switch (e) {
                case TraceEvent.Instant i ->
                    lines.add(line("I", i.timestamp(), i.timestamp(), i.track(), i.name(), i.args()));
                case TraceEvent.Slice s -> lines.add(line("S", s.timestamp(), s.end(), s.track(), s.name(), s.args()));
                default -> {}
            }
        }
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Reads the events {@link #write} wrote to {@code file}.
     *
     * <p>Context: any thread; does I/O.
     *
     * @throws UncheckedIOException if reading fails
     */
    static List<TraceEvent> read(Path file) {
        List<TraceEvent> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] w = line.split("\t", -1);
                Track track = new Track(w[3], w[4]);
                Map<String, String> args = new LinkedHashMap<>();
                for (int i = 6; i + 1 < w.length; i += 2) {
                    args.put(w[i], w[i + 1]);
                }
                long start = Long.parseLong(w[1]);
                out.add(
                        w[0].equals("I")
                                ? new TraceEvent.Instant(start, track, w[5], args)
                                : new TraceEvent.Slice(start, Long.parseLong(w[2]), track, w[5], args));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String line(String kind, long start, long end, Track t, String name, Map<String, String> args) {
        StringBuilder b = new StringBuilder()
                .append(kind)
                .append('\t')
                .append(start)
                .append('\t')
                .append(end)
                .append('\t')
                .append(field(t.group()))
                .append('\t')
                .append(field(t.name()))
                .append('\t')
                .append(field(name));
        args.forEach((k, v) -> b.append('\t').append(field(k)).append('\t').append(field(v)));
        return b.toString();
    }

    // Tabs and line breaks separate fields and lines: none of the demo's names has one, so they become spaces.
    private static String field(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
