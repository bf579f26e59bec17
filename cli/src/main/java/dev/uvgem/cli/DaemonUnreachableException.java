package dev.uvgem.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * No daemon accepts on a socket a command was pointed at: the command exits {@link ExitCode#UNREACHABLE}.
 *
 * <p>Thread-safety: immutable.
 */
final class DaemonUnreachableException extends Exception {
    private static final long serialVersionUID = 1L;

    DaemonUnreachableException(Path socket, IOException cause) {
        super(
                "no uvgem daemon on " + socket + " (" + cause.getMessage() + "); start one with ./uvgem daemon"
                        + " --debugfs, or point at it with --socket or --admin-socket",
                cause);
    }
}
