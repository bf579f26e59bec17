package dev.uvgem.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.VirtualClock;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Chrome trace JSON parses, has one track per timeline (not per fence), a track per waiter and per driver track,
 * back-to-back fence slices on a timeline, and a flow from each signal to the wait it ended.
 */
class ChromeTraceTest {
    private final VirtualClock clock = new VirtualClock();

    @Test
    void tracksPerTimelineAndFlowsFromSignalToWait() throws Exception {
        long a = FenceContext.allocate();
        long b = FenceContext.allocate();
        JsonNode trace;
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
            trace = parse(rec.events());
            b1.signal(); // after the snapshot: b1 stays unsignalled in the trace
        }
        JsonNode events = trace.get("traceEvents");
        List<String> threads = names(events, "thread_name");
        assertThat(threads).contains("ring (ctx " + a + ")", "unbound (ctx " + b + ")", "crtc-0", "gpu ctx 1");
        assertThat(threads).filteredOn(n -> n.startsWith("ring")).hasSize(1);
        assertThat(names(events, "process_name")).contains("fences: gpu", "fences: vgem", "display", "gpu", "tasks");

        int ringTid = tidOf(events, "ring (ctx " + a + ")");
        List<JsonNode> ring = select(
                events, e -> e.get("ph").asText().equals("X") && e.get("tid").asInt() == ringTid);
        assertThat(ring).extracting(e -> e.get("name").asText()).containsExactly(a + ":1", a + ":2");
        double firstEnd =
                ring.get(0).get("ts").asDouble() + ring.get(0).get("dur").asDouble();
        assertThat(ring.get(1).get("ts").asDouble()).isGreaterThanOrEqualTo(firstEnd);
        assertThat(ring.get(1).get("dur").asDouble()).isEqualTo(1.0);

        int vgemTid = tidOf(events, "unbound (ctx " + b + ")");
        assertThat(select(
                        events,
                        e -> e.get("tid").asInt() == vgemTid
                                && e.get("ph").asText().equals("X")))
                .singleElement()
                .satisfies(e -> assertThat(e.get("args").get("status").asText()).isEqualTo("unsignalled"));

        JsonNode start = select(events, e -> e.get("ph").asText().equals("s")).getFirst();
        JsonNode finish = select(events, e -> e.get("ph").asText().equals("f")).getFirst();
        assertThat(start.get("id").asInt()).isEqualTo(finish.get("id").asInt());
        assertThat(start.get("tid").asInt()).isEqualTo(ringTid);
        JsonNode wait = select(events, e -> e.get("name").asText().equals("wait " + a + ":2"))
                .getFirst();
        assertThat(finish.get("tid").asInt()).isEqualTo(wait.get("tid").asInt());
        assertThat(finish.get("ts").asDouble())
                .isBetween(
                        wait.get("ts").asDouble(),
                        wait.get("ts").asDouble() + wait.get("dur").asDouble());
        assertThat(start.get("ts").asDouble())
                .isLessThanOrEqualTo(finish.get("ts").asDouble());
    }

    @Test
    void anEmptyTraceIsValidJson() throws Exception {
        assertThat(parse(List.of()).get("traceEvents")).isEmpty();
    }

    @Test
    void namesAreEscaped() throws Exception {
        JsonNode trace = parse(List.of(new TraceEvent.Instant(5, new Track("g\"q", "t\\n\n"), "x\ty", Map.of())));
        assertThat(names(trace.get("traceEvents"), "thread_name")).containsExactly("t\\n\n");
    }

    private static JsonNode parse(List<TraceEvent> events) throws Exception {
        StringWriter w = new StringWriter();
        ChromeTrace.write(events, w);
        return new ObjectMapper().readTree(w.toString());
    }

    private static List<JsonNode> select(JsonNode events, Predicate<JsonNode> p) {
        List<JsonNode> out = new ArrayList<>();
        StreamSupport.stream(events.spliterator(), false).filter(p).forEach(out::add);
        return out;
    }

    private static List<String> names(JsonNode events, String kind) {
        return select(
                        events,
                        e -> e.get("ph").asText().equals("M")
                                && e.get("name").asText().equals(kind))
                .stream()
                .map(e -> e.get("args").get("name").asText())
                .toList();
    }

    private static int tidOf(JsonNode events, String threadName) {
        return select(
                        events,
                        e -> e.get("ph").asText().equals("M")
                                && e.get("name").asText().equals("thread_name")
                                && e.get("args").get("name").asText().equals(threadName))
                .getFirst()
                .get("tid")
                .asInt();
    }
}
