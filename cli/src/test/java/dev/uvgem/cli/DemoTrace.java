package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * What the demo's Chrome trace must show a person opening it in Perfetto: one track per timeline name for vgem's
 * fences (each has a context of its own), every fence's life with its identity, and flow arrows that start inside
 * a signal slice and end inside the wait that signal ended, at least one per presented frame (the compositor's
 * wait for each flip), and the display driver's vblank, flip and scan-out tracks.
 */
final class DemoTrace {
    private final JsonNode events;
    private final Map<List<Integer>, String> tracks;

    DemoTrace(JsonNode events) {
        this.events = events;
        Map<Integer, String> groups = select(e -> meta(e, "process_name"))
                .collect(Collectors.toMap(e -> e.get("pid").asInt(), DemoTrace::metaName));
        this.tracks = select(e -> meta(e, "thread_name"))
                .collect(Collectors.toMap(
                        e -> List.of(e.get("pid").asInt(), e.get("tid").asInt()),
                        e -> groups.get(e.get("pid").asInt()) + "/" + metaName(e)));
    }

    /** Asserts the vgem fences share one track, each of the {@code frames} fences on it with its identity. */
    void assertOneTrackPerVgemTimeline(int frames) {
        assertThat(tracks.values())
                .filteredOn(t -> t.startsWith("fences: vgem/"))
                .containsExactly("fences: vgem/unbound");
        List<JsonNode> lives = select(e -> ph(e, "b") && track(e).equals("fences: vgem/unbound"))
                .toList();
        assertThat(lives).hasSize(frames);
        assertThat(lives).extracting(e -> e.get("args").get("context").asText()).doesNotHaveDuplicates();
        assertThat(lives).allSatisfy(e -> {
            assertThat(e.get("args").get("timeline").asText()).isEqualTo("unbound");
            assertThat(e.get("args").get("fence").asText())
                    .isEqualTo(e.get("args").get("context").asText() + ":"
                            + e.get("args").get("seqno").asText());
        });
    }

    /**
     * Asserts every flow starts inside a signal slice and ends inside a wait slice, and that the compositor's
     * waits for its flips got one each: {@code frames} of them.
     */
    void assertFlowsFromSignalsToWaits(int frames) {
        List<JsonNode> ends = select(e -> ph(e, "f")).toList();
        assertThat(ends).hasSizeGreaterThanOrEqualTo(frames);
        for (JsonNode end : ends) {
            assertThat(end.get("bp").asText()).isEqualTo("e");
            assertThat(enclosing(end).get("name").asText()).startsWith("wait ");
            JsonNode start = select(e -> ph(e, "s") && e.get("id").equals(end.get("id")))
                    .findFirst()
                    .orElseThrow();
            assertThat(enclosing(start).get("name").asText()).startsWith("signal ");
        }
        assertThat(ends)
                .filteredOn(e -> track(e).startsWith("tasks/compositor-flip"))
                .as("one flip wait per presented frame")
                .hasSize(frames);
    }

    /**
     * Asserts the display driver's own tracks: an instant per vblank on {@code crtc-N vblank} in increasing order,
     * and on {@code crtc-N flips} and {@code crtc-N scanout} one slice per presented frame, in the order of the
     * commits' user data (the demo's frame numbers, {@code 0..frames-1}), each frame on screen from its flip on.
     */
    void assertDisplayDriverTracks(int frames) {
        List<JsonNode> vblanks = onTrack("display/crtc-\\d+ vblank", "i");
        assertThat(vblanks).hasSizeGreaterThanOrEqualTo(frames);
        assertThat(vblanks)
                .extracting(e -> e.get("args").get("vblank").asLong())
                .isSorted()
                .doesNotHaveDuplicates();
        List<JsonNode> flips = onTrack("display/crtc-\\d+ flips", "X");
        List<JsonNode> scanouts = onTrack("display/crtc-\\d+ scanout", "X");
        List<Integer> order = IntStream.range(0, frames).boxed().toList();
        assertThat(flips)
                .extracting(e -> e.get("args").get("user_data").asInt())
                .isEqualTo(order);
        assertThat(scanouts)
                .extracting(e -> e.get("args").get("user_data").asInt())
                .isEqualTo(order);
        for (int i = 0; i < frames; i++) {
            JsonNode flip = flips.get(i);
            assertThat(scanouts.get(i).get("ts").asDouble())
                    .as("frame %d is on screen from the end of its flip", i)
                    .isEqualTo(flip.get("ts").asDouble() + flip.get("dur").asDouble(), within(0.002));
            assertThat(scanouts.get(i).get("args").get("vblank").asText())
                    .isEqualTo(flip.get("args").get("vblank").asText());
        }
    }

    // The events of phase ph on the track matching trackPattern, in time order.
    private List<JsonNode> onTrack(String trackPattern, String ph) {
        return select(e -> ph(e, ph) && track(e).matches(trackPattern))
                .sorted(Comparator.comparingDouble(e -> e.get("ts").asDouble()))
                .toList();
    }

    private String track(JsonNode e) {
        return tracks.get(List.of(e.get("pid").asInt(), e.get("tid").asInt()));
    }

    // The one complete slice of the flow event's track strictly around its time.
    private JsonNode enclosing(JsonNode flow) {
        double ts = flow.get("ts").asDouble();
        List<JsonNode> around = select(e -> ph(e, "X")
                        && track(e).equals(track(flow))
                        && e.get("ts").asDouble() < ts
                        && ts < e.get("ts").asDouble() + e.get("dur").asDouble())
                .toList();
        assertThat(around).hasSize(1);
        return around.getFirst();
    }

    private Stream<JsonNode> select(Predicate<JsonNode> p) {
        return StreamSupport.stream(events.spliterator(), false).filter(p);
    }

    private static boolean ph(JsonNode e, String ph) {
        return e.get("ph").asText().equals(ph);
    }

    private static boolean meta(JsonNode e, String kind) {
        return ph(e, "M") && e.get("name").asText().equals(kind);
    }

    private static String metaName(JsonNode e) {
        return e.get("args").get("name").asText();
    }
}
