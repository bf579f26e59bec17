package dev.uvgem.cli.demo;

import dev.uvgem.core.trace.JsonText;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders a {@link DemoResult} for people (a table of the frames in presentation order) and for programs (the
 * summary JSON of {@code --summary}).
 *
 * <p>Thread-safety: stateless.
 */
public final class DemoReport {
    private DemoReport() {}

    /**
     * Prints the table: one row per presented frame with when its flip was queued, when its fence signalled,
     * when and at which vblank it was shown, and how its fence ended; then the totals, with how long an expired
     * fence lived as measured (the kernel's expiry, which with {@code --socket} is the daemon's), the order in
     * which frames finished drawing and the frames that never did (a hung frame is not among the finished).
     *
     * <p>Context: any thread; writes to {@code out}.
     */
    public static void table(DemoResult r, PrintWriter out) {
        out.printf(
                "%6s %10s %10s %11s %7s %10s  %s%n",
                "frame", "queued", "rendered", "presented", "vblank", "latency", "fence");
        for (FrameStats f : r.presented()) {
            out.printf(
                    "%6d %8.1fms %10s %9.1fms %7d %8.1fms  %s%s%n",
                    f.frame(),
                    ms(f.queuedAt()),
                    f.renderedAt() < 0 ? "never" : String.format("%.1fms", ms(f.renderedAt())),
                    ms(f.presentedAt()),
                    f.vblank(),
                    ms(f.latency()),
                    f.fence(),
                    f.fenceError() != 0 ? " (" + f.fenceError() + ")" : "");
        }
        out.printf(
                "%d frames presented %s in %.0f ms; drawing finished order: %s%s%n",
                r.presented().size(),
                r.inOrder() ? "in submission order" : "OUT OF ORDER",
                ms(r.durationNanos()),
                abbreviate(r.finishedOrder()),
                r.neverFinished().isEmpty() ? "" : "; never finished: frames " + r.neverFinished());
        if (!r.expiredFences().isEmpty()) {
            out.printf(
                    "fences not signalled in time expired after %.0f ms and the display recovered: frames %s%n",
                    ms(r.measuredExpiryNanos() >= 0 ? r.measuredExpiryNanos() : r.fenceTimeoutNanos()),
                    r.expiredFences());
        }
        if (!r.gpuHangsRecovered().isEmpty()) {
            out.printf("hung GPU jobs recovered by the scheduler's timeout: frames %s%n", r.gpuHangsRecovered());
        }
        out.flush();
    }

    /**
     * Returns the summary JSON: the frames in presentation order with their timings (ms), and the totals; {@code
     * finished_order} is the order in which frames finished drawing (their fence signalled), {@code
     * never_finished} the frames whose fence was never signalled (a {@code --hang-frame}).
     */
    public static String json(DemoResult r) {
        String frames = r.presented().stream()
                .map(f -> new JsonText()
                        .field("frame", f.frame())
                        .field("vblank", f.vblank())
                        .raw("queued_ms", num(f.queuedAt()))
                        .raw("rendered_ms", f.renderedAt() < 0 ? "null" : num(f.renderedAt()))
                        .raw("presented_ms", num(f.presentedAt()))
                        .raw("latency_ms", num(f.latency()))
                        .field("worker", f.worker())
                        .field("fence", f.fence())
                        .field("fence_error", f.fenceError())
                        .toString())
                .collect(Collectors.joining(",\n    ", "[\n    ", "\n  ]"));
        return new JsonText()
                        .field("frames", r.presented().size())
                        .field("in_order", r.inOrder())
                        .raw("duration_ms", num(r.durationNanos()))
                        .raw("fence_timeout_ms", num(r.fenceTimeoutNanos()))
                        .raw(
                                "fence_expired_after_ms",
                                r.measuredExpiryNanos() < 0 ? "null" : num(r.measuredExpiryNanos()))
                        .raw("finished_order", r.finishedOrder().toString())
                        .raw("never_finished", r.neverFinished().toString())
                        .raw("expired_fences", r.expiredFences().toString())
                        .raw("gpu_hangs_recovered", r.gpuHangsRecovered().toString())
                        .raw("presented", frames)
                        .toString()
                + "\n";
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String num(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", ms(nanos));
    }

    private static String abbreviate(List<Integer> order) {
        return order.size() <= 24
                ? order.toString()
                : order.subList(0, 24).toString().replace("]", ", ...]");
    }
}
