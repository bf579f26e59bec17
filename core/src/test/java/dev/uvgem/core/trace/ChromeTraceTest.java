package dev.uvgem.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Chrome trace JSON parses, has one track per timeline as a person reads it (a context's own for a real
 * timeline, one per timeline name for fences that each have a context), each fence's life as an async slice with
 * its identity, a track per waiter and per driver track, and a flow from each signal to every wait it ended, bound
 * inside both slices.
 */
class ChromeTraceTest {
    private static final Track CRTC_COMMIT = new Track("display", "crtc-0 commit");

    private final VirtualClock clock = new VirtualClock();

    @Test
    void tracksPerTimelineAndFlowsFromSignalToWait() throws Exception {
        long a = FenceContext.allocate();
        long b = FenceContext.allocate();
        JsonNode events;
        try (TraceRecorder rec = TraceRecorder.start()) {
            Fence a1 = Fence.create(clock, "gpu", "ring", a, 1);
            Fence a2 = Fence.create(clock, "gpu", "ring", a, 2);
            Fence b1 = Fence.create(clock, "vgem", "unbound", b, 1);
            Threads.Running<Long> waiter = Threads.start(() -> a2.waitTimeout(false, 1_000_000_000));
            Threads.awaitParked(waiter);
            clock.advanceNanos(1_000);
            a1.signal();
            Tracepoints.instant(clock.nanoTime(), new Track("display", "crtc-0"), "vblank", Map.of("seq", "1"));
            clock.advanceNanos(1_000);
            a2.signal();
            assertThat(waiter.get()).isPositive();
            Tracepoints.slice(0, clock.nanoTime(), new Track("gpu", "gpu ctx 1"), "job 1", Map.of());
            events = parse(rec.events());
            b1.signal(); // after the snapshot: b1 stays unsignalled in the trace
        }
        String ring = "ring (ctx " + a + ")";
        assertThat(names(events, "thread_name")).contains(ring, "unbound (ctx " + b + ")", "crtc-0", "gpu ctx 1");
        assertThat(names(events, "thread_name"))
                .filteredOn(n -> n.startsWith("ring"))
                .hasSize(1);
        assertThat(names(events, "process_name")).contains("fences: gpu", "fences: vgem", "display", "gpu", "tasks");

        List<JsonNode> lives = lives(events, ring);
        assertThat(lives).extracting(e -> e.get("args").get("fence").asText()).containsExactly(a + ":1", a + ":2");
        assertThat(lives).allSatisfy(e -> assertThat(e.get("tid").asInt()).isEqualTo(tidOf(events, ring)));
        assertThat(lives.get(1).get("args").get("seqno").asText()).isEqualTo("2");
        assertThat(lives.get(1).get("args").get("timeline").asText()).isEqualTo("ring");
        JsonNode a2End = end(events, lives.get(1));
        assertThat(a2End.get("ts").asDouble() - lives.get(1).get("ts").asDouble())
                .isEqualTo(2.0);
        assertThat(a2End.get("args").get("status").asText()).isEqualTo("signalled");
        JsonNode b1End = end(events, lives(events, "unbound (ctx " + b + ")").getFirst());
        assertThat(b1End.get("args").get("status").asText()).isEqualTo("unsignalled");

        JsonNode wait = named(events, "wait " + a + ":2");
        JsonNode flow = assertSingleFlowInto(events, wait);
        assertThat(flow.get("tid").asInt()).isEqualTo(tidOf(events, ring));
        assertThat(enclosing(events, flow).get("name").asText()).isEqualTo("signal " + a + ":2");
    }

    @Test
    void fencesThatEachHaveAContextShareOneTrackPerTimelineName() throws Exception {
        long tl = FenceContext.allocate();
        List<Long> contexts = new ArrayList<>();
        JsonNode events;
        try (TraceRecorder rec = TraceRecorder.start()) {
            List<Fence> vgem = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                contexts.add(FenceContext.allocate());
                vgem.add(Fence.create(clock, "vgem", "unbound", contexts.getLast(), 1));
                clock.advanceNanos(100);
            }
            Fence t1 = Fence.create(clock, "sw_sync", "tl", tl, 1);
            vgem.get(2).signal(); // out of creation order: the lives overlap
            clock.advanceNanos(100);
            vgem.get(0).signal();
            t1.signal();
            Tracepoints.instant(
                    clock.nanoTime(), Track.timeline(contexts.get(1), "vgem", "unbound"), "stuck", Map.of());
            events = parse(rec.events());
        }
        assertThat(names(events, "thread_name"))
                .filteredOn(n -> n.startsWith("unbound"))
                .containsExactly("unbound");
        assertThat(names(events, "thread_name")).contains("tl (ctx " + tl + ")");
        List<JsonNode> lives = lives(events, "unbound");
        assertThat(lives).extracting(e -> e.get("args").get("context").asLong()).containsExactlyElementsOf(contexts);
        assertThat(lives).extracting(e -> e.get("id2").get("local").asText()).doesNotHaveDuplicates();
        JsonNode firstEnd = end(events, lives.getFirst());
        assertThat(lives.get(1).get("ts").asDouble())
                .isLessThan(firstEnd.get("ts").asDouble());
        assertThat(end(events, lives.get(1)).get("args").get("status").asText()).isEqualTo("unsignalled");
        assertThat(named(events, "stuck").get("tid").asInt()).isEqualTo(tidOf(events, "unbound"));
    }

    @Test
    void aWaitByCallbackGetsAFlowFromTheSignalThatEndedIt() throws Exception {
        long ctx = FenceContext.allocate();
        JsonNode events;
        try (TraceRecorder rec = TraceRecorder.start()) {
            Fence f = Fence.create(clock, "vgem", "unbound", ctx, 1);
            Fence given = Fence.create(clock, "vgem", "unbound", FenceContext.allocate(), 1);
            f.traceWaitStart(CRTC_COMMIT);
            f.addCallback(FenceCallback.of(x -> x.traceWaitEnd(CRTC_COMMIT, 1)));
            given.traceWaitStart(CRTC_COMMIT);
            clock.advanceNanos(500);
            given.traceWaitEnd(CRTC_COMMIT, Errno.EINTR.negative()); // gave up: no signal ended it
            given.signal();
            clock.advanceNanos(500);
            f.signal();
            events = parse(rec.events());
        }
        JsonNode wait = named(events, "wait " + ctx + ":1");
        assertThat(wait.get("tid").asInt()).isEqualTo(tidOf(events, "crtc-0 commit"));
        assertThat(wait.get("dur").asDouble()).isGreaterThan(0);
        assertSingleFlowInto(events, wait);
        assertThat(select(events, e -> ph(e, "f"))).hasSize(1);
    }

    @Test
    void anEmptyTraceIsValidJson() throws Exception {
        assertThat(parse(List.of())).isEmpty();
    }

    @Test
    void namesAreEscaped() throws Exception {
        JsonNode events = parse(List.of(new TraceEvent.Instant(5, new Track("g\"q", "t\\n\n"), "x\ty", Map.of())));
        assertThat(names(events, "thread_name")).containsExactly("t\\n\n");
    }

    // The one flow ending in `wait`: its end sits strictly inside the wait and binds to it; its start is a signal
    // slice's, no later than the end. Returns the start.
    private static JsonNode assertSingleFlowInto(JsonNode events, JsonNode wait) {
        List<JsonNode> ends = select(
                events,
                e -> ph(e, "f") && e.get("tid").asInt() == wait.get("tid").asInt());
        assertThat(ends).hasSize(1);
        JsonNode finish = ends.getFirst();
        assertThat(finish.get("bp").asText()).isEqualTo("e");
        assertThat(enclosing(events, finish)).isEqualTo(wait);
        JsonNode start = select(events, e -> ph(e, "s") && e.get("id").equals(finish.get("id")))
                .getFirst();
        assertThat(enclosing(events, start).get("name").asText()).startsWith("signal ");
        assertThat(start.get("ts").asDouble())
                .isLessThanOrEqualTo(finish.get("ts").asDouble());
        return start;
    }

    /** The complete slice of the same track strictly around a flow event's time. */
    private static JsonNode enclosing(JsonNode events, JsonNode flow) {
        double ts = flow.get("ts").asDouble();
        return select(
                        events,
                        e -> ph(e, "X")
                                && e.get("pid").equals(flow.get("pid"))
                                && e.get("tid").equals(flow.get("tid"))
                                && e.get("ts").asDouble() < ts
                                && ts < e.get("ts").asDouble() + e.get("dur").asDouble())
                .getFirst();
    }

    /** The async begin events of the fences on track {@code name}, in order. */
    private static List<JsonNode> lives(JsonNode events, String name) {
        return select(events, e -> ph(e, "b") && e.get("name").asText().equals(name));
    }

    private static JsonNode end(JsonNode events, JsonNode begin) {
        return select(events, e -> ph(e, "e") && e.get("id2").equals(begin.get("id2")))
                .getFirst();
    }

    private static JsonNode named(JsonNode events, String name) {
        return select(events, e -> e.get("name").asText().equals(name)).getFirst();
    }

    private static boolean ph(JsonNode e, String ph) {
        return e.get("ph").asText().equals(ph);
    }

    static JsonNode parse(List<TraceEvent> events) throws Exception {
        StringWriter w = new StringWriter();
        ChromeTrace.write(events, w);
        return new ObjectMapper().readTree(w.toString()).get("traceEvents");
    }

    private static List<JsonNode> select(JsonNode events, Predicate<JsonNode> p) {
        List<JsonNode> out = new ArrayList<>();
        StreamSupport.stream(events.spliterator(), false).filter(p).forEach(out::add);
        return out;
    }

    private static List<String> names(JsonNode events, String kind) {
        return select(events, e -> ph(e, "M") && e.get("name").asText().equals(kind)).stream()
                .map(e -> e.get("args").get("name").asText())
                .toList();
    }

    private static int tidOf(JsonNode events, String threadName) {
        return select(
                        events,
                        e -> ph(e, "M")
                                && e.get("name").asText().equals("thread_name")
                                && e.get("args").get("name").asText().equals(threadName))
                .getFirst()
                .get("tid")
                .asInt();
    }
}
