package dev.uvgem.cli;

import dev.uvgem.api.Uvgem;
import dev.uvgem.client.UvgemClient;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import picocli.CommandLine.Option;

/**
 * The options that find a running daemon's admin socket ({@code --socket}, {@code --admin-socket}) and the
 * privileged connection the introspection commands read debugfs through: a picocli mixin.
 *
 * <p>Thread-safety: one command run per instance.
 */
final class AdminConnection {
    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "The daemon's user socket; the admin socket is looked for beside it (default:"
                    + " $XDG_RUNTIME_DIR/uvgem/uvgem.sock, else /tmp/uvgem-$UID/uvgem.sock).")
    private Path socket;

    @Option(
            names = "--admin-socket",
            paramLabel = "PATH",
            description = "The daemon's admin socket (default: uvgem-admin.sock beside the user socket).")
    private Path adminSocket;

    /** Returns the admin socket these options name. */
    Path adminSocket() {
        if (adminSocket != null) {
            return adminSocket;
        }
        return (socket != null ? socket : UvgemClient.defaultSocket())
                .toAbsolutePath()
                .resolveSibling("uvgem-admin.sock");
    }

    /**
     * Connects to the admin socket as a privileged process named {@code comm}.
     *
     * <p>Context: the command's thread; blocks until the daemon answers HELLO.
     *
     * @throws DaemonUnreachableException if nothing accepts there
     */
    Uvgem connect(String comm) throws DaemonUnreachableException {
        Path path = adminSocket();
        try {
            return UvgemClient.connect(path, comm);
        } catch (IOException e) {
            throw new DaemonUnreachableException(path, e);
        }
    }

    /**
     * Reads the debugfs listing {@code path} through the admin socket as process {@code comm} and prints it to
     * {@code out}: with {@code raw} as the kernel renders it, else parsed into a {@link Table} that {@code print}
     * formats and prints with its summary line. The flow of the listing commands ({@code bufs}, {@code fences}).
     *
     * <p>Context: the command's thread; blocks until the daemon answers.
     *
     * @return {@link ExitCode#OK}
     * @throws DaemonUnreachableException if nothing accepts on the admin socket
     * @throws ErrnoException EACCES with a hint when the daemon runs without {@code --debugfs}; any other errno
     */
    int printListing(PrintWriter out, String comm, String path, boolean raw, BiConsumer<Table, PrintWriter> print)
            throws DaemonUnreachableException {
        String text;
        try (Uvgem admin = connect(comm)) {
            text = readDebugfs(admin, path);
        }
        if (raw) {
            out.print(text);
        } else {
            print.accept(Table.parse(text), out);
        }
        out.flush();
        return ExitCode.OK;
    }

    /**
     * Reads the debugfs file {@code path} whole through {@code admin}, explaining EACCES.
     *
     * @throws ErrnoException EACCES with a hint when the daemon runs without {@code --debugfs}; any other errno
     */
    static String readDebugfs(Uvgem admin, String path) {
        try {
            return admin.readDebugfs(path);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EACCES) {
                throw new ErrnoException(Errno.EACCES, path + ": the daemon runs without --debugfs");
            }
            throw e;
        }
    }
}
