package dev.uvgem.cli;

import dev.uvgem.api.Uvgem;
import dev.uvgem.cli.demo.SocketCompositor;
import dev.uvgem.core.time.SystemClock;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uvgem demo-compositor} (hidden): the compositor process of {@code uvgem demo --socket}, started by it
 * ({@link SocketCompositor}).
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(name = "demo-compositor", hidden = true, description = "The compositor process of demo --socket.")
final class DemoCompositorCommand extends DemoProcessCommand implements Callable<Integer> {
    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write each presented frame as PNG, and a contact sheet.")
    private Path outDir;

    DemoCompositorCommand() {}

    @Override
    public Integer call() throws Exception {
        try (Uvgem compositor = connect("compositor")) {
            SocketCompositor.run(new SystemClock(), compositor, in(), out(), outDir, traceEvents);
        }
        return ExitCode.OK;
    }
}
