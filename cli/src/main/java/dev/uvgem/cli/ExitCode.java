package dev.uvgem.cli;

/**
 * The exit codes of every {@code uvgem} command, for scripts.
 *
 * <p>Thread-safety: constants only.
 */
final class ExitCode {
    /** The command did what it was asked. */
    static final int OK = 0;
    /** The command failed (an errno from the daemon, an I/O error, a daemon that could not start). */
    static final int FAILED = 1;
    /** The command line was wrong (unknown option, bad value). */
    static final int USAGE = 2;
    /** No daemon accepts on the socket the command was pointed at. */
    static final int UNREACHABLE = 3;

    /** The footer line every command's help ends with. */
    static final String HELP = "Exit codes: 0 ok, 1 failed, 2 bad usage, 3 daemon not reachable.";

    private ExitCode() {}
}
