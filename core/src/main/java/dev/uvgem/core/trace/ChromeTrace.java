package dev.uvgem.core.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   <li>one track per fence timeline as a person reads it, grouped by driver: a context's own track ({@link
 *       Track#timeline}) for a real timeline (a GPU ring, a sw_sync timeline, a CRTC's out-fences), and one track
 *       per timeline name ({@link Track#sharedTimeline}) for a driver whose fences each have a context of their
 *       own (vgem's "unbound" fences, fence arrays): recognised in the trace as two or more contexts of the same
 *       driver and timeline name with one fence each;
 *   <li>each fence's life, from its creation to its signal (or the end of the trace, marked {@code
 *       unsignalled}), as an async slice (events {@code b} and {@code e}, an {@code id2} of its own) named after
 *       its track, so that fences that overlap on one track are still drawn and the viewers merge them into
 *       that track; the fence's context, seqno, timeline and {@code context:seqno} label, its status and error
 *       are its arguments;
 *   <li>on the track's thread row, enabling signalling as an instant and each signal as a short slice {@code
 *       signal context:seqno}, where the flow arrows start;
 *   <li>one track per waiter ({@link TraceEvent.FenceWaitStart#waiter()}: a thread, the display's commit, a
 *       scheduler entity): each wait is a slice {@code wait context:seqno};
 *   <li>a flow arrow (events {@code s} and {@code f}) from each signal slice to every wait that signal ended,
 *       both ends inside their slices and the end bound to its enclosing slice ({@code "bp": "e"});
 *   <li>drivers' instants and slices on their own tracks (display, each GPU context); an event a driver puts
 *       on a fence's context track lands on that context's track as resolved above.
 * </ul>
 *
 * <p>Times are microseconds from the first event, with nanosecond decimals. Thread-safety: stateless; each call
 * works on its own copy.
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
        long signalMark; // where the flows from this fence's signal start, inside its signal slice

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

        boolean hasLife() {
            return created != null || enabled != null || signaled != null;
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
        // Signal and wait slices are at least this long, so that a flow end fits strictly inside its slice.
        private static final long MIN_SLICE_NANOS = 2;

        private final List<TraceEvent> events;
        private final long base;
        private final long end;
        private final Map<String, Integer> pids = new LinkedHashMap<>();
        private final Map<Track, Integer> tids = new LinkedHashMap<>();
        private final Map<FenceKey, FenceInfo> fences = new LinkedHashMap<>();
        private final Map<Long, String[]> contextNames = new LinkedHashMap<>();
        private final Map<Long, Track> contextTracks = new HashMap<>();
        private final Map<Track, Track> remap = new HashMap<>();
        private final List<String> body = new ArrayList<>();
        private int flowIds;
        private int asyncIds;

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
            resolveTracks();
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

        // A (driver, timeline name) whose contexts each carry one fence, two contexts or more, is a driver that
        // gives every fence a context of its own: its fences share one track. Any other context keeps its own.
        private void resolveTracks() {
            Map<Long, Integer> perContext = new HashMap<>();
            fences.keySet().forEach(k -> perContext.merge(k.context(), 1, Integer::sum));
            Map<List<String>, List<Long>> byName = new LinkedHashMap<>();
            contextNames.forEach((context, names) -> byName.computeIfAbsent(
                            Arrays.asList(names[0], names[1]), n -> new ArrayList<>())
                    .add(context));
            byName.forEach((names, contexts) -> {
                boolean shared = contexts.size() > 1 && contexts.stream().allMatch(c -> perContext.get(c) == 1);
                for (long context : contexts) {
                    Track own = Track.timeline(context, names.get(0), names.get(1));
                    Track track = shared ? Track.sharedTimeline(names.get(0), names.get(1)) : own;
                    contextTracks.put(context, track);
                    remap.put(own, track);
                }
            });
        }

        private void renderFences() {
            Map<Track, List<FenceInfo>> signals = new LinkedHashMap<>();
            for (FenceInfo f : fences.values()) {
                if (!f.hasLife()) {
                    continue;
                }
                Track track = contextTracks.get(f.ref.context());
                renderLife(track, f);
                if (f.enabled != null) {
                    body.add(instant(track, "enable_signal " + f.ref.label(), "fence", f.enabled, fenceArgs(f)));
                }
                if (f.signaled != null) {
                    signals.computeIfAbsent(track, t -> new ArrayList<>()).add(f);
                }
            }
            // Signal slices of a track in time order, each ending at its signal (a waiter woken in the same
            // nanosecond still ends after the flow's start), never overlapping (a thread row must nest).
            signals.forEach((track, list) -> {
                list.sort(Comparator.comparingLong((FenceInfo f) -> f.signaled));
                long free = base; // nothing before the trace's first event
                for (FenceInfo f : list) {
                    long lo = Math.max(f.signaled - MIN_SLICE_NANOS, free);
                    free = Math.max(f.signaled, lo + MIN_SLICE_NANOS);
                    f.signalMark = free - MIN_SLICE_NANOS / 2;
                    Map<String, String> args = fenceArgs(f);
                    args.put("error", Integer.toString(f.error));
                    body.add(complete(track, "signal " + f.ref.label(), "fence", lo, free, args));
                }
            });
        }

        // The fence's life as an async slice of its own id, named after its track so that viewers merge it there.
        private void renderLife(Track track, FenceInfo f) {
            long stop = f.signaled != null ? f.signaled : end;
            Map<String, String> id = Map.of("local", Integer.toString(++asyncIds));
            Map<String, String> args = fenceArgs(f);
            args.put("fence", f.ref.label());
            if (f.created != null) {
                args.put("created_us", JsonText.micros(f.created - base));
            }
            body.add(event("b", track, track.name(), "fence", f.firstSeen())
                    .field("id2", id)
                    .field("args", args)
                    .toString());
            String status = f.signaled == null ? "unsignalled" : f.error == 0 ? "signalled" : "error";
            body.add(event("e", track, track.name(), "fence", stop)
                    .field("id2", id)
                    .field("args", Map.of("status", status, "error", Integer.toString(f.error)))
                    .toString());
        }

        private static Map<String, String> fenceArgs(FenceInfo f) {
            Map<String, String> args = new LinkedHashMap<>();
            args.put("context", Long.toUnsignedString(f.ref.context()));
            args.put("seqno", Long.toUnsignedString(f.ref.seqno()));
            args.put("driver", String.valueOf(f.driver));
            args.put("timeline", String.valueOf(f.timeline));
            return args;
        }

        private void renderWaitsAndDriverEvents() {
            Map<Track, Map<FenceKey, Long>> open = new HashMap<>();
            for (TraceEvent e : events) {
                switch (e) {
                    case TraceEvent.FenceWaitStart w ->
                        open.computeIfAbsent(w.waiter(), t -> new HashMap<>())
                                .put(FenceKey.of(w.fence()), w.timestamp());
                    case TraceEvent.FenceWaitEnd w -> {
                        Long start = open.getOrDefault(w.waiter(), Map.of()).remove(FenceKey.of(w.fence()));
                        if (start != null) {
                            wait(w.waiter(), w.fence(), start, w.timestamp(), w.result());
                        }
                    }
                    case TraceEvent.Instant i ->
                        body.add(instant(resolve(i.track()), i.name(), "driver", i.timestamp(), i.args()));
                    case TraceEvent.Slice s ->
                        body.add(complete(resolve(s.track()), s.name(), "driver", s.timestamp(), s.end(), s.args()));
                    default -> {}
                }
            }
            open.forEach((waiter, waits) -> waits.forEach((key, start) -> body.add(complete(
                    waiter,
                    "wait " + Long.toUnsignedString(key.context()) + ":" + Long.toUnsignedString(key.seqno())
                            + " (unfinished)",
                    "wait",
                    start,
                    Math.max(end, start + MIN_SLICE_NANOS),
                    Map.of()))));
        }

        private Track resolve(Track track) {
            return remap.getOrDefault(track, track);
        }

        // A finished wait, with the flow arrow from the signal that ended it when that signal is in the trace.
        private void wait(Track waiter, FenceRef fence, long start, long stop, long result) {
            long shown = Math.max(stop, start + MIN_SLICE_NANOS);
            Map<String, String> args = Map.of("fence", fence.label(), "result", Long.toString(result));
            body.add(complete(waiter, "wait " + fence.label(), "wait", start, shown, args));
            FenceInfo f = fences.get(FenceKey.of(fence));
            if (result <= 0 || f == null || f.signaled == null || f.signaled > stop) {
                return;
            }
            int id = ++flowIds;
            body.add(flow("s", contextTracks.get(fence.context()), id, f.signalMark));
            body.add(flow("f", waiter, id, shown - MIN_SLICE_NANOS / 2));
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

        // Both ends sit strictly inside their slices; the end binds to its enclosing slice, not the next one.
        private String flow(String ph, Track track, int id, long ts) {
            JsonText e = event(ph, track, "signal", "fence", ts).field("id", id);
            return (ph.equals("f") ? e.field("bp", "e") : e).toString();
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
