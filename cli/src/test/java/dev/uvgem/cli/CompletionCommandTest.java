package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code uvgem completion}: a bash script that completes the commands and their options. */
@Timeout(30)
class CompletionCommandTest {
    @TempDir
    Path dir;

    @Test
    void theScriptCompletesCommandsAndOptionsInBash() throws Exception {
        StringWriter out = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "completion"))
                .isZero();
        String script = out.toString();
        assertThat(script)
                .contains("complete -F _complete_uvgem")
                .contains("./uvgem")
                .contains("bufs")
                .contains("--max-buffer-memory");

        Path file = Files.writeString(dir.resolve("uvgem.bash"), script);
        Process bash = new ProcessBuilder(
                        "bash",
                        "-c",
                        "source " + file + " && COMP_WORDS=(./uvgem fe) && COMP_CWORD=1 && COMP_LINE='./uvgem fe'"
                                + " && COMP_POINT=${#COMP_LINE} && _complete_uvgem && echo \"${COMPREPLY[@]}\"")
                .redirectErrorStream(true)
                .start();
        assertThat(bash.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(bash.getInputStream().readAllBytes()).trim()).isEqualTo("fences");
    }
}
