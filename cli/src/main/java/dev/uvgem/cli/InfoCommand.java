package dev.uvgem.cli;

import dev.uvgem.api.Uvgem;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code uvgem info}: prints a running daemon's debugfs texts, {@code dma_buf/bufinfo} and {@code sync/info}, in the
 * kernel's formats, read through its admin socket (the daemon must run with {@code --debugfs}).
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a running daemon's debugfs texts in the kernel's formats: /sys/kernel/debug/dma_buf/bufinfo"
                    + " (every dma-buf with its fences and attachments) and /sys/kernel/debug/sync/info (every"
                    + " sw_sync timeline with its points).",
            "Reads them as a privileged process through the admin socket; the daemon must run with --debugfs."
        },
        footer = {
            "",
            "Examples:",
            "  ./uvgem info",
            "  ./uvgem info --bufinfo --socket /tmp/uvgem-test/uvgem.sock",
            "",
            ExitCode.HELP
        })
final class InfoCommand implements Callable<Integer> {
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    private AdminConnection connection;

    @ArgGroup(exclusive = true)
    private Only only;

    /** At most one of the two texts. */
    static final class Only {
        @Option(names = "--bufinfo", description = "Prints only dma_buf/bufinfo.")
        boolean bufinfo;

        @Option(names = "--sync", description = "Prints only sync/info.")
        boolean sync;
    }

    InfoCommand() {}

    @Override
    public Integer call() throws DaemonUnreachableException {
        PrintWriter out = spec.commandLine().getOut();
        try (Uvgem admin = connection.connect("uvgem-info")) {
            if (only == null || only.bufinfo) {
                section(out, admin, Uvgem.BUFINFO);
            }
            if (only == null || only.sync) {
                section(out, admin, Uvgem.SYNC_INFO);
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private static void section(PrintWriter out, Uvgem admin, String path) {
        out.println("==> " + path + " <==");
        out.print(AdminConnection.readDebugfs(admin, path));
        out.println();
    }
}
