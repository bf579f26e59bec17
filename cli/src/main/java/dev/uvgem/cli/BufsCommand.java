package dev.uvgem.cli;

import dev.uvgem.api.Uvgem;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code uvgem bufs}: a running daemon's vgem buffers as a table (size, owner, dma-buf, handles, dma-buf fds,
 * unsignalled fences), from uvgem's debugfs listing {@code /sys/kernel/debug/uvgem/buffers}.
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(
        name = "bufs",
        mixinStandardHelpOptions = true,
        description = {
            "Lists a running daemon's vgem buffers: one row per GEM object with its size, the process it is charged"
                    + " to (OWNER, comm[pid]: its creator, also after it exits), the inode of the dma-buf it is"
                    + " exported as, the GEM handles (pid:handle) and dma-buf fds (pid:fd) that hold it, and its"
                    + " unsignalled fences (W or R context:seqno).",
            "Reads /sys/kernel/debug/uvgem/buffers through the admin socket; the daemon must run with --debugfs."
        },
        footer = {
            "",
            "Examples:",
            "  ./uvgem bufs",
            "  ./uvgem bufs --admin-socket /tmp/uvgem-test/uvgem-admin.sock",
            "  ./uvgem bufs --raw | cut -f2 | sort | uniq -c      # buffers per owner",
            "",
            ExitCode.HELP
        })
final class BufsCommand implements Callable<Integer> {
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    private AdminConnection connection;

    @Option(
            names = "--raw",
            description = "Prints the listing as the kernel renders it: tab-separated, sizes in bytes.")
    private boolean raw;

    BufsCommand() {}

    @Override
    public Integer call() throws DaemonUnreachableException {
        return connection.printListing(
                spec.commandLine().getOut(), "uvgem-bufs", Uvgem.UVGEM_BUFFERS, raw, BufsCommand::print);
    }

    /** Prints the listing with human sizes and a summary line: how many buffers, how many bytes in all. */
    private static void print(Table table, PrintWriter out) {
        long bytes = table.cells("size").stream().mapToLong(Long::parseLong).sum();
        table.format("size", s -> Sizes.human(Long.parseLong(s)));
        out.print(table.render());
        out.println(table.size() + " buffer" + (table.size() == 1 ? "" : "s") + ", " + Sizes.human(bytes));
    }
}
