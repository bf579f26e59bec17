package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uvgem.cli.demo.DeferredRenderer;
import dev.uvgem.cli.demo.FramePainter;
import dev.uvgem.uapi.Errno;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uvgem demo} end to end on the real clock with small frames: it presents every frame in order, a hung
 * frame's fence expires and the display recovers, and its summary, trace and PNGs say so.
 */
@Timeout(60)
class DemoCommandTest {
    private static final int W = 640; // the virtual display's mode
    private static final int H = 480;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int demo(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "demo",
                "--frames",
                "8",
                "--fence-timeout",
                "2s",
                "--max-render-time",
                "5ms",
                "--summary",
                dir.resolve("summary.json").toString(),
                "--trace",
                dir.resolve("trace.json").toString()));
        args.addAll(List.of(extra));
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    }

    private JsonNode json(String file) throws Exception {
        return new ObjectMapper().readTree(dir.resolve(file).toFile());
    }

    @Test
    void hungFramesOnTheCpuAndTheGpuRecoverAndTheDisplayStaysInOrder() throws Exception {
        assertThat(demo(
                        "--hang-frame",
                        "3",
                        "--gpu-hang-frame",
                        "5",
                        "--out",
                        dir.resolve("png").toString()))
                .isZero();
        assertThat(out.toString())
                .contains("8 frames presented in submission order")
                .containsPattern("drawing finished order: \\[[0-24-7, ]+]; never finished: frames \\[3]")
                .containsPattern("fences not signalled in time expired after 20\\d\\d ms and the display recovered:"
                        + " frames \\[3]")
                .contains("hung GPU jobs recovered by the scheduler's timeout: frames [5]");

        JsonNode summary = json("summary.json");
        assertThat(summary.get("in_order").asBoolean()).isTrue();
        assertThat(summary.get("expired_fences")).extracting(JsonNode::asInt).containsExactly(3);
        assertThat(summary.get("never_finished")).extracting(JsonNode::asInt).containsExactly(3);
        assertThat(summary.get("finished_order"))
                .extracting(JsonNode::asInt)
                .containsExactlyInAnyOrder(0, 1, 2, 4, 5, 6, 7);
        assertThat(summary.get("gpu_hangs_recovered"))
                .extracting(JsonNode::asInt)
                .containsExactly(5);
        List<JsonNode> frames = list(summary.get("presented"));
        assertThat(frames).extracting(f -> f.get("frame").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(frames)
                .extracting(f -> f.get("fence").asText())
                .containsExactly(
                        "signalled",
                        "signalled",
                        "signalled",
                        "expired",
                        "signalled",
                        "gpu-hang",
                        "signalled",
                        "signalled");
        assertThat(frames.get(5).get("fence_error").asInt()).isEqualTo(Errno.ETIME.negative());
        assertThat(frames.get(3).get("rendered_ms").isNull()).isTrue();
        assertThat(frames.get(3).get("latency_ms").asDouble())
                .as("held until the expiry")
                .isGreaterThan(1500.0);
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).get("vblank").asLong())
                    .isGreaterThan(frames.get(i - 1).get("vblank").asLong());
        }
        for (JsonNode f : frames) {
            if (!f.get("rendered_ms").isNull()) {
                assertThat(f.get("presented_ms").asDouble())
                        .isGreaterThanOrEqualTo(f.get("rendered_ms").asDouble());
            }
        }

        JsonNode trace = json("trace.json").get("traceEvents");
        List<String> tracks = tracks(trace);
        assertThat(tracks).contains("display/compositor", "renderer/submit");
        assertThat(tracks)
                .anyMatch(t -> t.matches("display/crtc-\\d+ vblank"))
                .anyMatch(t -> t.matches("display/crtc-\\d+ flips"))
                .anyMatch(t -> t.matches("display/crtc-\\d+ scanout"))
                .anyMatch(t -> t.matches("display/crtc-\\d+ commit"));
        new DemoTrace(trace).assertDisplayDriverTracks(8);
        new DemoTrace(trace).assertOneTrackPerVgemTimeline(8);
        new DemoTrace(trace).assertFlowsFromSignalsToWaits(frames.size());
        assertThat(tracks)
                .filteredOn(t -> t.startsWith("fences: uvgpu/uvgpu-ring"))
                .as("the GPU context's ring")
                .isNotEmpty();
        List<String> names = StreamSupport.stream(trace.spliterator(), false)
                .map(e -> e.get("name").asText())
                .toList();
        assertThat(names)
                .contains("flip queued: frame 0", "render frame 0", "hang on frame 3", "commit frame 7")
                .doesNotContain("flip done: frame 0", "frame 6"); // the driver's scan-out track says it
        assertThat(names).anyMatch(n -> n.startsWith("stuck fence")).anyMatch(n -> n.startsWith("expired"));
        assertThat(names).filteredOn(n -> n.startsWith("wait ")).isNotEmpty();

        Path png = dir.resolve("png");
        try (Stream<Path> files = Files.list(png)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains("frame-0000.png", "frame-0007.png", "contact-sheet.png")
                    .hasSize(9);
        }
        int bar = H - DeferredRenderer.barRows(H);
        BufferedImage first = ImageIO.read(png.resolve("frame-0000.png").toFile());
        assertThat(countDifferent(first, 0, 0, bar))
                .as("the CPU's pixels, scanned out")
                .isZero();
        for (int x = 0; x < W; x += 5) {
            assertThat(first.getRGB(x, H - 1) & 0xffffff).as("the GPU's bar").isEqualTo(DeferredRenderer.BAR_COLOUR);
        }
        BufferedImage cpuHung = ImageIO.read(png.resolve("frame-0003.png").toFile());
        assertThat(countDifferent(cpuHung, 3, 0, H / 2))
                .as("the upper half was drawn")
                .isZero();
        assertThat(countDifferent(cpuHung, 3, H / 2 + 1, bar))
                .as("the lower half was never drawn")
                .isPositive();
        BufferedImage gpuHung = ImageIO.read(png.resolve("frame-0005.png").toFile());
        assertThat(countDifferent(gpuHung, 5, 0, H))
                .as("no bar: the GPU job was killed")
                .isZero();
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(demo("--hang-frame", "8")).isEqualTo(2);
        assertThat(err.toString()).contains("hang frames must be below --frames 8");
    }

    private static int countDifferent(BufferedImage img, int frame, int fromRow, int toRow) {
        int n = 0;
        for (int y = fromRow; y < toRow; y++) {
            for (int x = 0; x < W; x++) {
                if ((img.getRGB(x, y) & 0xffffff) != FramePainter.pixel(frame, x, y, W, H)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void withSocketTheRendererAndTheCompositorAreProcessesOfTheDaemon() throws Exception {
        List<Long> displayCrcs = Collections.synchronizedList(new ArrayList<>());
        try (RunningDaemon daemon = new RunningDaemon(dir, false, Duration.ofSeconds(1))) {
            daemon.daemon.devices().display().onPresent(c -> displayCrcs.add(c.crc()));
            int code = daemon.run(
                    "demo",
                    "--frames",
                    "4",
                    "--hang-frame",
                    "2",
                    "--gpu-hang-frame",
                    "3",
                    "--fence-timeout",
                    "1s",
                    "--max-render-time",
                    "5ms",
                    "--summary",
                    dir.resolve("summary.json").toString(),
                    "--trace",
                    dir.resolve("trace.json").toString(),
                    "--out",
                    dir.resolve("png").toString());
            assertThat(code).as(daemon.err.toString()).isZero();
            assertThat(daemon.out.toString())
                    .contains("separate processes of the daemon on " + daemon.daemon.socket())
                    .contains("--hang-frame waits for it")
                    .contains("4 frames presented in submission order")
                    .containsPattern("expired after 10\\d\\d ms and the display recovered: frames \\[2]")
                    .contains("hung GPU jobs recovered by the scheduler's timeout: frames [3]");
        }

        JsonNode summary = json("summary.json");
        assertThat(summary.get("in_order").asBoolean()).isTrue();
        assertThat(summary.get("expired_fences")).extracting(JsonNode::asInt).containsExactly(2);
        assertThat(summary.get("never_finished")).extracting(JsonNode::asInt).containsExactly(2);
        List<JsonNode> frames = list(summary.get("presented"));
        assertThat(frames).extracting(f -> f.get("frame").asInt()).containsExactly(0, 1, 2, 3);
        assertThat(frames)
                .extracting(f -> f.get("fence").asText())
                .containsExactly("signalled", "signalled", "expired", "gpu-hang");
        assertThat(frames.get(3).get("fence_error").asInt()).isEqualTo(Errno.ETIME.negative());
        assertThat(summary.get("fence_expired_after_ms").asDouble())
                .as("the daemon's expiry, measured")
                .isBetween(1000.0, 1100.0);
        assertThat(frames.get(2).get("latency_ms").asDouble())
                .as("held until the daemon's expiry")
                .isGreaterThan(900.0);
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).get("vblank").asLong())
                    .isGreaterThan(frames.get(i - 1).get("vblank").asLong());
        }

        JsonNode trace = json("trace.json").get("traceEvents");
        assertThat(tracks(trace))
                .as("each process's own side")
                .contains("display/compositor", "renderer/submit")
                .anyMatch(t -> t.matches("display/crtc-\\d+ scanout"))
                .anyMatch(t -> t.startsWith("renderer/renderer-"))
                .noneMatch(t -> t.startsWith("fences: "));
        List<JsonNode> events = list(trace);
        assertThat(events)
                .extracting(e -> e.get("name").asText())
                .contains("flip queued: frame 0", "commit frame 3", "render frame 0", "hang on frame 2", "frame 3");
        List<Long> compositorCrcs = events.stream()
                .filter(e -> e.get("name").asText().startsWith("flip done: frame "))
                .map(e -> Long.parseLong(e.get("args").get("crc").asText(), 16))
                .toList();
        assertThat(compositorCrcs)
                .as("the compositor's CRCs of its own mappings are the display's")
                .hasSize(4)
                .isEqualTo(displayCrcs);

        Path png = dir.resolve("png");
        assertThat(png.resolve("contact-sheet.png")).exists();
        BufferedImage first = ImageIO.read(png.resolve("frame-0000.png").toFile());
        assertThat(countDifferent(first, 0, 0, H - DeferredRenderer.barRows(H)))
                .as("the renderer's pixels, read back by the compositor")
                .isZero();
    }

    @Test
    void withSocketButNoDaemonExitsThree() {
        assertThat(demo("--socket", dir.resolve("nothing.sock").toString())).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(err.toString()).contains("no uvgem daemon on " + dir.resolve("nothing.sock"));
    }

    // The trace's tracks as "group/track".
    private static List<String> tracks(JsonNode trace) {
        Map<Integer, String> groups = StreamSupport.stream(trace.spliterator(), false)
                .filter(e -> e.get("name").asText().equals("process_name"))
                .collect(Collectors.toMap(
                        e -> e.get("pid").asInt(),
                        e -> e.get("args").get("name").asText()));
        return StreamSupport.stream(trace.spliterator(), false)
                .filter(e -> e.get("name").asText().equals("thread_name"))
                .map(e -> groups.get(e.get("pid").asInt()) + "/"
                        + e.get("args").get("name").asText())
                .toList();
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }
}
