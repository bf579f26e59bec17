package dev.uvgem.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code uvgem completion}: prints a bash completion script for every command and option (zsh loads it through
 * {@code bashcompinit}), registered for both {@code uvgem} and {@code ./uvgem}.
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a shell completion script for uvgem's commands and options: bash, and zsh through bashcompinit"
                    + " (the script loads it). It completes both 'uvgem' (on the PATH) and './uvgem'."
        },
        footer = {
            "",
            "Examples:",
            "  source <(./uvgem completion)     # in this shell, bash or zsh",
            "  ./uvgem completion > ~/.local/share/bash-completion/completions/uvgem",
            "",
            ExitCode.HELP
        })
final class CompletionCommand implements Callable<Integer> {
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    CompletionCommand() {}

    @Override
    public Integer call() {
        String script = AutoComplete.bash("uvgem", spec.root().commandLine());
        var out = spec.commandLine().getOut();
        out.print(script);
        // Bash looks completions up by the command word as typed: register the launcher's relative path too.
        out.println("complete -F _complete_uvgem -o default ./uvgem");
        out.flush();
        return ExitCode.OK;
    }
}
