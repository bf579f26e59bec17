package dev.uvgem.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs uvgem's benchmarks with their baselines in one JMH run and prints each uvgem figure as a ratio of the
 * baseline measured in that same run, against the target the issue sets.
 *
 * <p>Usage: {@code ./uvgem bench [JMH options]}, e.g. {@code ./uvgem bench -f 1 -wi 3 -i 5}. Defaults: 1 fork, 3
 * warm-up and 5 measurement iterations of 1 s.
 */
public final class Ratios {
    /** A comparison: uvgem's benchmark against its baseline; higher-is-better for throughput modes. */
    record Comparison(
            String what, String uvgem, String baseline, boolean throughput, double target, double baselineScale) {
        Comparison(String what, String uvgem, String baseline, boolean throughput, double target) {
            this(what, uvgem, baseline, throughput, target, 1);
        }

        String targetText() {
            return target == 0 ? "(cost)" : (throughput ? ">= " : "<= ") + target + "x";
        }
    }

    static final List<Comparison> COMPARISONS = List.of(
            new Comparison(
                    "fence create+callback+signal vs CompletableFuture thenRun+complete (ops/s ratio)",
                    "FenceCallbackBenchmark.fenceCreateCallbackSignal",
                    "FenceCallbackBenchmark.completableFutureThenRunComplete",
                    true,
                    1.5),
            new Comparison(
                    "  the same on a virtual clock (no CLOCK_MONOTONIC read per signal)",
                    "FenceCallbackBenchmark.fenceCreateCallbackSignalVirtualClock",
                    "FenceCallbackBenchmark.completableFutureThenRunComplete",
                    true,
                    1.5),
            new Comparison(
                    "cross-thread fence wake vs park/unpark hand-off (latency ratio)",
                    "WakeLatencyBenchmark.fenceRoundTrip",
                    "WakeLatencyBenchmark.parkUnparkRoundTrip",
                    false,
                    1.3),
            new Comparison(
                    "vgem attach+signal through the syscall layer vs bare fence create+signal (ops/s ratio)",
                    "VgemCycleBenchmark.syscallAttachSignal",
                    "VgemCycleBenchmark.bareFenceCreateSignal",
                    true,
                    0),
            new Comparison(
                    "wire: cheap ioctl round trip via the Java client vs raw UDS ping-pong, same frames (ops/s ratio)",
                    "WireBenchmark.clientIoctlRoundTrip",
                    "WireBenchmark.rawPingPong",
                    true,
                    0.8),
            new Comparison(
                    "  the same with bare frames on a blocking socket (the daemon alone)",
                    "WireBenchmark.frameIoctlRoundTrip",
                    "WireBenchmark.rawPingPong",
                    true,
                    0.8),
            new Comparison(
                    "  raw ping-pong, server reading on a virtual thread vs a platform thread",
                    "WireBenchmark.rawPingPongVirtualServer",
                    "WireBenchmark.rawPingPong",
                    true,
                    0),
            new Comparison(
                    "fence wake: signal -> other process's parked POLL replies vs raw half round trip (latency)",
                    "FenceWakeBenchmark.signalToParkedPollReply[ioThreads=2]",
                    "FenceWakeBenchmark.rawPingPongRoundTrip",
                    false,
                    1.5,
                    0.5),
            new Comparison(
                    "  the same vs the raw full round trip (both two socket hops)",
                    "FenceWakeBenchmark.signalToParkedPollReply[ioThreads=2]",
                    "FenceWakeBenchmark.rawPingPongRoundTrip",
                    false,
                    0),
            new Comparison(
                    "  the same with one event loop (producer and consumer on it) vs raw half round trip",
                    "FenceWakeBenchmark.signalToParkedPollReply[ioThreads=1]",
                    "FenceWakeBenchmark.rawPingPongRoundTrip",
                    false,
                    1.5,
                    0.5),
            new Comparison(
                    "zero copy: 8 MiB filled by one process, checksummed by another vs memcpy 8 MiB (latency)",
                    "ZeroCopyBenchmark.fillThenChecksumAcrossProcesses",
                    "ZeroCopyBenchmark.memcpy",
                    false,
                    1.25),
            new Comparison(
                    "  the same vs memcpy 8 MiB as a long loop (the frame's own kind of code)",
                    "ZeroCopyBenchmark.fillThenChecksumAcrossProcesses",
                    "ZeroCopyBenchmark.memcpyLongLoop",
                    false,
                    1.25),
            new Comparison(
                    "  off the frame path: new 8 MiB buffer, map, first touch, free vs memcpy 8 MiB",
                    "ZeroCopyBenchmark.allocateMapFirstTouch",
                    "ZeroCopyBenchmark.memcpy",
                    false,
                    0));

    private Ratios() {}

    /**
     * Runs the benchmarks and prints the ratios; {@code load [connections] [seconds]} runs the {@link LoadTest}
     * instead.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("load")) {
            LoadTest.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        runBenchmarks(args);
    }

    private static void runBenchmarks(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder b = new OptionsBuilder();
        b.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            b.include("dev\\.uvgem\\.bench\\..*");
        }
        if (!cli.getForkCount().hasValue()) {
            b.forks(1);
        }
        if (!cli.getWarmupIterations().hasValue()) {
            b.warmupIterations(3);
        }
        if (!cli.getMeasurementIterations().hasValue()) {
            b.measurementIterations(5);
        }
        if (!cli.getWarmupTime().hasValue()) {
            b.warmupTime(TimeValue.seconds(1));
        }
        if (!cli.getMeasurementTime().hasValue()) {
            b.measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(b.build()).run();
        print(results);
    }

    static void print(Collection<RunResult> results) {
        Map<String, double[]> scores = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            for (String key : r.getParams().getParamsKeys()) {
                shortName += "[" + key + "=" + r.getParams().getParam(key) + "]";
            }
            scores.put(shortName, new double[] {
                r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()
            });
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT, "%-96s %10s %10s %8s %8s", "comparison", "uvgem", "baseline", "ratio", "target"));
        for (Comparison c : COMPARISONS) {
            double[] u = scores.get(c.uvgem());
            double[] base = scores.get(c.baseline());
            if (u == null || base == null) {
                continue;
            }
            double baseline = base[0] * c.baselineScale();
            double ratio = u[0] / baseline;
            boolean met = c.target() == 0 || (c.throughput() ? ratio >= c.target() : ratio <= c.target());
            lines.add(String.format(
                    Locale.ROOT,
                    "%-96s %10.3f %10.3f %7.2fx %8s %s",
                    c.what(),
                    u[0],
                    baseline,
                    ratio,
                    c.targetText(),
                    c.target() == 0 ? "" : met ? "met" : "NOT MET"));
        }
        System.out.println();
        System.out.println("uvgem ratios (same run):");
        lines.forEach(System.out::println);
    }
}
