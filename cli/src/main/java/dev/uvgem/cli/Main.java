package dev.uvgem.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code uvgem} command: a thin {@code main} over {@link #run}, which takes its output streams and returns the
 * exit code, so tests and tool providers can drive it.
 *
 * <p>Thread-safety: each run builds its own command objects.
 */
@Command(
        name = "uvgem",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Userspace vGEM: the Linux vGEM driver with fences, and the dma-buf fence machinery, on the JVM.",
        subcommands = {
            DemoCommand.class,
            DemoRendererCommand.class,
            DemoCompositorCommand.class,
            DaemonCommand.class,
            InfoCommand.class,
            BufsCommand.class,
            FencesCommand.class,
            WalkthroughCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "The launcher also runs:",
            "  ./uvgem test     the test suite (mvn verify): what CI runs",
            "  ./uvgem bench    the JMH benchmarks, as ratios against same-run baselines",
            "",
            "Examples:",
            "  ./uvgem daemon --debugfs &      # a daemon on the default sockets",
            "  ./uvgem bufs                    # its buffers; also: fences, info",
            "  ./uvgem help bufs",
            "",
            ExitCode.HELP
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Creates the top-level command (picocli instantiates it). */
    public Main() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line with the given streams.
     *
     * @return the exit code: 0 success, 1 failure, 2 usage error, 3 daemon not reachable ({@link ExitCode})
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.registerConverter(java.time.Duration.class, new DurationConverter());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("uvgem: " + describe(e));
            return e instanceof DaemonUnreachableException ? ExitCode.UNREACHABLE : ExitCode.FAILED;
        });
        return cl.execute(args);
    }

    /** Says what went wrong in a line a person can act on: file errors name the file and the reason. */
    static String describe(Exception e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"uvgem " + (v == null ? "development build" : v)};
        }
    }
}
