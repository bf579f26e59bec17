package dev.uvgem.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's summary line and JSON: a hung frame, whose fence was never signalled, is not said to have finished. */
class DemoReportTest {
    private static final long MS = 1_000_000L;

    // Frames 0..3; frame 2 hung (never rendered, its fence expired), the others finished in the order 1, 0, 3.
    private static final DemoResult HUNG_FRAME_2 = new DemoResult(
            List.of(frame(0, 5), frame(1, 3), frame(2, -1), frame(3, 6)),
            List.of(1, 0, 2, 3),
            List.of(2),
            List.of(),
            100 * MS,
            1000 * MS,
            1002 * MS,
            64,
            48);

    private static FrameStats frame(int n, long renderedMs) {
        return new FrameStats(
                n,
                n * MS,
                renderedMs < 0 ? -1 : renderedMs * MS,
                (20 + n) * MS,
                n + 1,
                "renderer-0",
                renderedMs < 0 ? "expired" : "signalled",
                0);
    }

    @Test
    void theSummaryLineListsOnlyFramesThatFinishedDrawingAndNamesTheHungOne() {
        StringWriter text = new StringWriter();
        DemoReport.table(HUNG_FRAME_2, new PrintWriter(text));
        assertThat(text.toString())
                .contains("4 frames presented in submission order in 100 ms;"
                        + " drawing finished order: [1, 0, 3]; never finished: frames [2]")
                .doesNotContain("completion order");
    }

    @Test
    void withoutAHungFrameEveryFrameFinishedAndNoneIsNamed() {
        DemoResult r = new DemoResult(
                List.of(frame(0, 5), frame(1, 3)), List.of(1, 0), List.of(), List.of(), 50 * MS, 1000 * MS, -1, 64, 48);
        StringWriter text = new StringWriter();
        DemoReport.table(r, new PrintWriter(text));
        assertThat(text.toString()).contains("drawing finished order: [1, 0]\n").doesNotContain("never finished");
    }

    @Test
    void theSummaryJsonSeparatesFinishedFromNeverFinishedFrames() throws Exception {
        JsonNode json = new ObjectMapper().readTree(DemoReport.json(HUNG_FRAME_2));
        assertThat(json.get("finished_order")).extracting(JsonNode::asInt).containsExactly(1, 0, 3);
        assertThat(json.get("never_finished")).extracting(JsonNode::asInt).containsExactly(2);
        assertThat(json.has("completion_order")).isFalse();
    }
}
