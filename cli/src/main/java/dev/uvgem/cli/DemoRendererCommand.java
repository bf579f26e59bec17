package dev.uvgem.cli;

import dev.uvgem.api.Uvgem;
import dev.uvgem.cli.demo.SocketRenderer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code uvgem demo-renderer} (hidden): the renderer process of {@code uvgem demo --socket}, started by it
 * ({@link SocketRenderer}).
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(name = "demo-renderer", hidden = true, description = "The renderer process of demo --socket.")
final class DemoRendererCommand extends DemoProcessCommand implements Callable<Integer> {
    @Mixin
    private DemoWorkload workload;

    DemoRendererCommand() {}

    @Override
    public Integer call() throws Exception {
        try (Uvgem renderer = connect("renderer")) {
            SocketRenderer.run(workload.options(spec), renderer, in(), out(), traceEvents);
        }
        return ExitCode.OK;
    }
}
