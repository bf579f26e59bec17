package dev.uvgem.cli;

import dev.uvgem.daemon.Daemon;
import dev.uvgem.daemon.DaemonConfig;
import dev.uvgem.sys.KernelConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code uvgem daemon}: runs the daemon in the foreground until SIGTERM (or Ctrl-C), serving the wire protocol
 * v1 on the user and admin sockets. It prints one line when both sockets accept; on SIGTERM it closes every
 * connection and removes its sockets, the socket directory it made and its buffer files.
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the uvgem daemon in the foreground: one kernel shared by any number of processes over Unix"
                    + " sockets (wire protocol v1). Each connection is a process with its own fds; when it"
                    + " disconnects, everything it held is released.",
            "Connections through the admin socket are privileged (root). The socket directory is created mode"
                    + " 0700, and peers of another uid are refused unless --allow-other-users is given.",
            "Every connection gets the same limits (see the --max-* options); at a limit the call fails with the"
                    + " kernel's errno (EMFILE for fds, ENOMEM for buffer memory, ENOSPC for buffers and fences),"
                    + " and other connections are not affected.",
            "Ready when it prints 'listening'; SIGTERM or Ctrl-C shuts it down cleanly."
        },
        footer = {
            "",
            "Examples:",
            "  ./uvgem daemon",
            "  ./uvgem daemon --socket /tmp/ut/uvgem.sock --fence-timeout 2s --debugfs",
            "  ./uvgem daemon --max-buffers 256 --max-buffer-memory 256M --max-fences 64",
            "",
            "Exit codes: 0 stopped, 1 cannot start (socket in use), 2 bad usage, 143 SIGTERM"
        })
final class DaemonCommand implements Callable<Integer> {
    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "The user socket (default: $XDG_RUNTIME_DIR/uvgem/uvgem.sock, else"
                    + " /tmp/uvgem-$UID/uvgem.sock).")
    private Path socket;

    @Option(
            names = "--admin-socket",
            paramLabel = "PATH",
            description = "The admin socket, whose connections are privileged (default: uvgem-admin.sock beside"
                    + " the user socket).")
    private Path adminSocket;

    @Option(
            names = "--fence-timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            description = "vgem fence expiry, as the kernel's (default: ${DEFAULT-VALUE}).")
    private Duration fenceTimeout;

    @Option(
            names = "--debugfs",
            description =
                    "Lets admin connections open the debugfs paths: sw_sync, dma_buf/bufinfo, sync/info and uvgem's"
                            + " listings uvgem/buffers, uvgem/fences and uvgem/stuck_fences (what `uvgem bufs` and"
                            + " `uvgem fences` read); and enables the admin-only vgem attach flag UVGEM_FENCE_NO_EXPIRY (a"
                            + " fence that never expires, for testing hang detection; EINVAL without --debugfs).")
    private boolean debugfs;

    @Option(
            names = "--allow-other-users",
            description = "Admits peers of another uid on the user socket (never on the admin socket). They also"
                    + " need access to the socket's directory, and cannot open MMAP's buffer files, which are"
                    + " private to the daemon's uid.")
    private boolean allowOtherUsers;

    @Option(
            names = "--max-open-fds",
            paramLabel = "N",
            defaultValue = "" + KernelConfig.ProcessLimits.DEFAULT_MAX_OPEN_FDS,
            description = "Per connection: RLIMIT_NOFILE, fds are below it (3 to N-1); one more is EMFILE"
                    + " (default: ${DEFAULT-VALUE}).")
    private int maxOpenFds;

    @Option(
            names = "--max-buffers",
            paramLabel = "N",
            defaultValue = "" + KernelConfig.ProcessLimits.DEFAULT_MAX_BUFFERS,
            description = "Per connection: GEM buffers created and not yet freed; one more is ENOSPC. A buffer"
                    + " passed to another process stays charged to its creator until freed"
                    + " (default: ${DEFAULT-VALUE}).")
    private long maxBuffers;

    @Option(
            names = "--max-buffer-memory",
            paramLabel = "SIZE",
            defaultValue = "4G",
            converter = SizeConverter.class,
            description = "Per connection: bytes of buffer memory (page-aligned sizes) of those buffers; a create"
                    + " past it is ENOMEM. SIZE as 4096, 64K, 512M, 1G (default: ${DEFAULT-VALUE}).")
    private long maxBufferMemory;

    @Option(
            names = "--max-fences",
            paramLabel = "N",
            defaultValue = "" + KernelConfig.ProcessLimits.DEFAULT_MAX_FENCES,
            description = "Per connection: vgem fences attached and not yet signalled (by FENCE_SIGNAL, expiry or"
                    + " close); one more is ENOSPC (default: ${DEFAULT-VALUE}).")
    private long maxFences;

    DaemonCommand() {}

    @Override
    public Integer call() throws InterruptedException {
        if (fenceTimeout.isNegative() || fenceTimeout.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fence-timeout must be positive");
        }
        if (maxOpenFds < 0 || maxBuffers < 0 || maxBufferMemory < 0 || maxFences < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the --max-* limits must not be negative");
        }
        Path user = socket != null ? socket : DaemonConfig.defaultSocket();
        DaemonConfig config = DaemonConfig.defaults(user)
                .withAdminSocket(adminSocket != null ? adminSocket : DaemonConfig.adminBeside(user))
                .withKernel(KernelConfig.defaults()
                        .withVgemFenceTimeout(fenceTimeout)
                        .withDebugfs(debugfs)
                        .withLimits(new KernelConfig.ProcessLimits(maxOpenFds, maxBuffers, maxBufferMemory, maxFences)))
                .withAllowOtherUsers(allowOtherUsers);
        PrintWriter out = spec.commandLine().getOut();
        Daemon daemon;
        try {
            daemon = Daemon.start(config);
        } catch (IOException e) {
            spec.commandLine().getErr().println("uvgem daemon: cannot start: " + e.getMessage());
            return 1;
        }
        Thread shutdown = new Thread(daemon::close, "uvgem-daemon-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        out.println(Daemon.version() + " daemon listening on " + daemon.socket() + " (admin "
                + daemon.adminSocket() + "); vgem fences expire after " + fenceTimeout.toMillis() + " ms; debugfs "
                + (debugfs ? "on" : "off") + (allowOtherUsers ? "; other users admitted" : "") + "; per connection "
                + maxOpenFds + " fds, " + maxBuffers + " buffers, " + maxBufferMemory + " bytes, " + maxFences
                + " fences");
        out.flush();
        daemon.awaitClosed();
        return 0;
    }
}
