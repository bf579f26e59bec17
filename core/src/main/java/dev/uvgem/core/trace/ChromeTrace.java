package dev.uvgem.core.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes recorded events as Chrome trace-event JSON ({@code {"traceEvents": [...]}}), which the Perfetto UI and
 * {@code chrome://tracing} open.
 *
 * <p>The layout:
 *
 * <ul>
 *   <li>one track per fence timeline (context), grouped by driver ({@link Track#timeline}): each fence is a slice
 *       named {@code context:seqno} from its creation (or the previous fence's signal on the same timeline, so that
 *       slices never overlap) to its signal, with its names and error as arguments; a fence still pending at the
 *       end of the trace reaches the end, marked {@code unsignalled}; enabling signalling is an instant on it;
 *   <li>one track per waiter ({@link TraceEvent.FenceWaitStart#waiter()}): each wait is a slice {@code wait
 *       context:seqno};
 *   <li>a flow arrow (events {@code s} and {@code f}, bound to the enclosing slices) from each signal to every wait
 *       it ended;
 *   <li>drivers' instants and slices on their own tracks (display, each GPU context).
 * </ul>
 *
 * <p>Times are microseconds from the first event. Thread-safety: stateless; each call works on its own copy.
 */
public final class ChromeTrace {
    private ChromeTrace() {}

    /**
     * Writes {@code events} to {@code out} (not closed).
     *
     * <p>Context: any thread; does I/O.
     *
     * @throws UncheckedIOException if writing fails
     */
    public static void write(List<TraceEvent> events, Writer out) {
        try {
            out.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
            List<String> lines = new Layout(events).render();
            for (int i = 0; i < lines.size(); i++) {
                out.write(lines.get(i));
                out.write(i + 1 < lines.size() ? ",\n" : "\n");
            }
            out.write("]}\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the trace knows of one fence. */
    private static final class FenceInfo {
        final FenceRef ref;
        String driver;
        String timeline;
        Long created;
        Long enabled;
        Long signaled;
        int error;
        long sliceStart;

        FenceInfo(FenceRef ref) {
            this.ref = ref;
        }

        void learnNames(FenceRef r) {
            if (driver == null) {
                driver = r.driver();
            }
            if (timeline == null) {
                timeline = r.timeline();
            }
        }

        long firstSeen() {
            return created != null ? created : enabled != null ? enabled : signaled;
        }
    }

    private record FenceKey(long context, long seqno) {
        static FenceKey of(FenceRef r) {
            return new FenceKey(r.context(), r.seqno());
        }
    }

    /** One rendering: assigns process and thread ids to groups and tracks, then emits the events. */
    private static final class Layout {
        private final List<TraceEvent> events;
        private final long base;
        private final long end;
        private final Map<String, Integer> pids = new LinkedHashMap<>();
        private final Map<Track, Integer> tids = new LinkedHashMap<>();
        private final Map<FenceKey, FenceInfo> fences = new LinkedHashMap<>();
        private final Map<Long, String[]> contextNames = new HashMap<>();
        private final List<String> body = new ArrayList<>();
        private int flowIds;

        Layout(List<TraceEvent> events) {
            this.events = events;
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (TraceEvent e : events) {
                lo = Math.min(lo, e.timestamp());
                hi = Math.max(hi, e instanceof TraceEvent.Slice s ? s.end() : e.timestamp());
            }
            this.base = events.isEmpty() ? 0 : lo;
            this.end = events.isEmpty() ? 0 : hi;
        }

        List<String> render() {
            collectFences();
            renderFences();
            renderWaitsAndDriverEvents();
            List<String> all = new ArrayList<>();
            pids.forEach((group, pid) -> all.add(meta("process_name", pid, 0, group)));
            tids.forEach((track, tid) -> all.add(meta("thread_name", pids.get(track.group()), tid, track.name())));
            all.addAll(body);
            return all;
        }

        private void collectFences() {
            for (TraceEvent e : events) {
                switch (e) {
                    case TraceEvent.FenceInit i -> info(i.fence()).created = i.timestamp();
                    case TraceEvent.FenceEnableSignal en -> info(en.fence()).enabled = en.timestamp();
                    case TraceEvent.FenceSignaled s -> {
                        FenceInfo f = info(s.fence());
                        f.signaled = s.timestamp();
                        f.error = s.error();
                    }
                    case TraceEvent.FenceWaitStart w -> info(w.fence());
                    case TraceEvent.FenceWaitEnd w -> info(w.fence());
                    default -> {}
                }
            }
        }

        private FenceInfo info(FenceRef ref) {
            FenceInfo f = fences.computeIfAbsent(FenceKey.of(ref), k -> new FenceInfo(ref));
            f.learnNames(ref);
            String[] names = contextNames.computeIfAbsent(ref.context(), c -> new String[2]);
            if (names[0] == null) {
                names[0] = ref.driver();
            }
            if (names[1] == null) {
                names[1] = ref.timeline();
            }
            return f;
        }

        private Track timelineTrack(long context) {
            String[] names = contextNames.get(context);
            return Track.timeline(context, names[0], names[1]);
        }

        // Fences of a context in signal order (pending ones last); each slice starts no earlier than the previous
        // one ended, so a timeline's track is a row of back-to-back slices, as a GPU ring's is.
        private void renderFences() {
            Map<Long, List<FenceInfo>> byContext = new LinkedHashMap<>();
            for (FenceInfo f : fences.values()) {
                if (f.created != null || f.enabled != null || f.signaled != null) {
                    byContext
                            .computeIfAbsent(f.ref.context(), c -> new ArrayList<>())
                            .add(f);
                }
            }
            for (Map.Entry<Long, List<FenceInfo>> e : byContext.entrySet()) {
                Track track = timelineTrack(e.getKey());
                List<FenceInfo> list = e.getValue();
                list.sort(Comparator.comparingLong((FenceInfo f) -> f.signaled != null ? f.signaled : Long.MAX_VALUE));
                long prevEnd = Long.MIN_VALUE;
                for (FenceInfo f : list) {
                    long sliceEnd = f.signaled != null ? f.signaled : end;
                    f.sliceStart = Math.min(sliceEnd, Math.max(f.firstSeen(), prevEnd));
                    prevEnd = sliceEnd;
                    Map<String, String> args = new LinkedHashMap<>();
                    args.put("context", Long.toUnsignedString(f.ref.context()));
                    args.put("seqno", Long.toUnsignedString(f.ref.seqno()));
                    args.put("driver", String.valueOf(f.driver));
                    args.put("timeline", String.valueOf(f.timeline));
                    args.put("status", f.signaled == null ? "unsignalled" : f.error == 0 ? "signalled" : "error");
                    args.put("error", Integer.toString(f.error));
                    if (f.created != null) {
                        args.put("created_us", JsonText.micros(f.created - base));
                    }
                    String name = f.ref.label() + (f.signaled == null ? " (unsignalled)" : "");
                    body.add(complete(track, name, "fence", f.sliceStart, sliceEnd, args));
                    if (f.enabled != null) {
                        body.add(instant(track, "enable_signal " + f.ref.label(), "fence", f.enabled, Map.of()));
                    }
                }
            }
        }

        private void renderWaitsAndDriverEvents() {
            Map<Track, Map<FenceKey, Long>> open = new HashMap<>();
            for (TraceEvent e : events) {
                switch (e) {
                    case TraceEvent.FenceWaitStart w ->
                        open.computeIfAbsent(w.waiter(), t -> new HashMap<>())
                                .put(FenceKey.of(w.fence()), w.timestamp());
                    case TraceEvent.FenceWaitEnd w -> {
                        Long start = open.getOrDefault(w.waiter(), Map.of()).get(FenceKey.of(w.fence()));
                        if (start != null) {
                            open.get(w.waiter()).remove(FenceKey.of(w.fence()));
                            wait(w.waiter(), w.fence(), start, w.timestamp(), w.result());
                        }
                    }
                    case TraceEvent.Instant i ->
                        body.add(instant(i.track(), i.name(), "driver", i.timestamp(), i.args()));
                    case TraceEvent.Slice s ->
                        body.add(complete(s.track(), s.name(), "driver", s.timestamp(), s.end(), s.args()));
                    default -> {}
                }
            }
            open.forEach((waiter, waits) -> waits.forEach((key, start) -> body.add(complete(
                    waiter,
                    "wait " + Long.toUnsignedString(key.context()) + ":" + Long.toUnsignedString(key.seqno())
                            + " (unfinished)",
                    "wait",
                    start,
                    end,
                    Map.of()))));
        }

        // A finished wait, with the flow arrow from the signal that ended it when that signal is in the trace.
        private void wait(Track waiter, FenceRef fence, long start, long stop, long result) {
            Map<String, String> args = Map.of("fence", fence.label(), "result", Long.toString(result));
            body.add(complete(waiter, "wait " + fence.label(), "wait", start, stop, args));
            FenceInfo f = fences.get(FenceKey.of(fence));
            if (result <= 0 || f == null || f.signaled == null || f.signaled > stop) {
                return;
            }
            int id = ++flowIds;
            Track timeline = timelineTrack(fence.context());
            // Both ends sit just inside their slices' ends, so the viewer binds them to those slices.
            body.add(flow("s", timeline, id, Math.max(f.sliceStart, f.signaled - 1)));
            body.add(flow("f", waiter, id, Math.max(start, stop - 1)));
        }

        private int pid(String group) {
            return pids.computeIfAbsent(group, g -> pids.size() + 1);
        }

        private int tid(Track track) {
            pid(track.group());
            return tids.computeIfAbsent(track, t -> tids.size() + 1);
        }

        private JsonText event(String ph, Track track, String name, String cat, long ts) {
            return new JsonText()
                    .field("ph", ph)
                    .field("name", name)
                    .field("cat", cat)
                    .field("pid", pid(track.group()))
                    .field("tid", tid(track))
                    .raw("ts", JsonText.micros(ts - base));
        }

        private String complete(Track track, String name, String cat, long start, long stop, Map<String, String> a) {
            return event("X", track, name, cat, start)
                    .raw("dur", JsonText.micros(stop - start))
                    .field("args", a)
                    .toString();
        }

        private String instant(Track track, String name, String cat, long ts, Map<String, String> args) {
            return event("i", track, name, cat, ts)
                    .field("s", "t")
                    .field("args", args)
                    .toString();
        }

        private String flow(String ph, Track track, int id, long ts) {
            return event(ph, track, "signal", "fence", ts)
                    .field("id", id)
                    .field("bp", "e")
                    .toString();
        }

        private static String meta(String kind, int pid, int tid, String name) {
            return new JsonText()
                    .field("ph", "M")
                    .field("name", kind)
                    .field("pid", pid)
                    .field("tid", tid)
                    .field("args", Map.of("name", name))
                    .toString();
        }
    }
}
