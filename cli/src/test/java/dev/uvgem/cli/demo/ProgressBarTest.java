package dev.uvgem.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress bar redraws one line on a terminal and stays silent otherwise. */
class ProgressBarTest {
    @Test
    void aTerminalSeesTheBarRedrawnInPlaceThenCleared() {
        StringWriter err = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(err), 2, true);
        bar.update(0);
        bar.update(1);
        bar.done();
        assertThat(err.toString())
                .startsWith("\r[" + "#".repeat(15) + " ".repeat(15) + "] 1/2 presented (frame 0)")
                .contains("\r[" + "#".repeat(30) + "] 2/2 presented (frame 1)")
                .endsWith("\r");
    }

    @Test
    void aPipeSeesNothing() {
        StringWriter err = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(err), 2, false);
        bar.update(0);
        bar.done();
        assertThat(err.toString()).isEmpty();
    }
}
