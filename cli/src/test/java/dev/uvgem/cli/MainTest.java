package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** What {@link Main} says when a command fails: one line naming the file and the reason. */
class MainTest {
    @Test
    void fileErrorsNameTheFileAndTheReason() {
        assertThat(Main.describe(new NoSuchFileException("/no/such/dir/trace.json")))
                .isEqualTo("/no/such/dir/trace.json: no such file or directory");
        assertThat(Main.describe(new AccessDeniedException("/root/x"))).isEqualTo("/root/x: permission denied");
    }

    @Test
    void otherErrorsSayTheirMessageOrTheirType() {
        assertThat(Main.describe(new IllegalStateException("daemon gone"))).isEqualTo("daemon gone");
        assertThat(Main.describe(new IllegalStateException())).isEqualTo("java.lang.IllegalStateException");
    }
}
