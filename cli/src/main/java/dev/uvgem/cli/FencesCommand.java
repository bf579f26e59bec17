package dev.uvgem.cli;

import dev.uvgem.api.Uvgem;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code uvgem fences}: a running daemon's vgem fences and sw_sync points as a table (driver, timeline, context,
 * seqno, state, age, owner), from uvgem's debugfs listing {@code /sys/kernel/debug/uvgem/fences}.
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(
        name = "fences",
        mixinStandardHelpOptions = true,
        description = {
            "Lists a running daemon's fences that userspace controls: every vgem fence still waiting for"
                    + " FENCE_SIGNAL (STATE active, or expired once its timeout signalled it; OWNER comm[pid]"
                    + " fd/fence-id) and every point of every sw_sync timeline. AGE is the time since the fence"
                    + " was created ('-' for sw_sync points, which do not record it).",
            "Reads /sys/kernel/debug/uvgem/fences through the admin socket; the daemon must run with --debugfs."
        },
        footer = {
            "",
            "Examples:",
            "  ./uvgem fences",
            "  ./uvgem fences --raw | awk -F'\\t' '$5 == \"active\"' | wc -l    # active fences",
            "",
            ExitCode.HELP
        })
final class FencesCommand implements Callable<Integer> {
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    private AdminConnection connection;

    @Option(names = "--raw", description = "Prints the listing as the kernel renders it: tab-separated, ages in ms.")
    private boolean raw;

    FencesCommand() {}

    @Override
    public Integer call() throws DaemonUnreachableException {
        return connection.printListing(
                spec.commandLine().getOut(), "uvgem-fences", Uvgem.UVGEM_FENCES, raw, FencesCommand::print);
    }

    /** Prints the listing with readable ages and a summary line: how many fences, how many of them active. */
    private static void print(Table table, PrintWriter out) {
        long active = table.cells("state").stream().filter("active"::equals).count();
        table.format("age_ms", FencesCommand::age);
        out.print(table.render().replaceFirst("AGE_MS", "AGE   "));
        out.println(table.size() + " fence" + (table.size() == 1 ? "" : "s") + ", " + active + " active");
    }

    /** Formats milliseconds as people read an age: 850ms, 2.4s, 3m05s. */
    static String age(String millis) {
        if (millis.equals("-")) {
            return millis;
        }
        long ms = Long.parseLong(millis);
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, ms / 1000 % 60);
    }
}
