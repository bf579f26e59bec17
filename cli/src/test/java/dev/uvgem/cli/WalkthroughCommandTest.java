package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WalkthroughCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void walksThroughFencesExpiryAndCleanup() {
        assertThat(run("walkthrough", "--frames", "3", "--fence-timeout", "2s")).isZero();
        String text = out.toString();
        assertThat(text)
                .contains("frame-1 ready (status 1")
                .contains("frame-0 ready (status 1")
                .contains("frame-2 ready (status 1, pixel sum 0): its fence expired")
                .contains("late signal of fence #3: ETIMEDOUT")
                .contains("write fence:")
                .contains("Total 3 objects, 3686400 bytes")
                .contains("merged file's status is 1")
                .contains("every process closed: 0 GEM objects, 0 dma-bufs left");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(run("walkthrough", "--frames", "1")).isEqualTo(2);
        assertThat(run("walkthrough", "--fence-timeout", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--frames must be 2 to 16").contains("not a duration");
    }

    @Test
    void helpListsCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("walkthrough")
                .contains("./uvgem test")
                .contains("./uvgem bench");
    }
}
