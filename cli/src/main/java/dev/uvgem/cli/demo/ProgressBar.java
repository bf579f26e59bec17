package dev.uvgem.cli.demo;

import java.io.PrintWriter;

/**
 * A one-line progress bar of presented frames, redrawn in place ({@code \r}), for a terminal only: when the
 * stream is not one, it prints nothing, so logs and pipes stay clean.
 *
 * <p>Thread-safety: {@link #update} and {@link #done} are synchronized.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final int total;
    private int shown;

    /** A bar to {@code total} on {@code err}, or a silent one when {@code terminal} is false. */
    public ProgressBar(PrintWriter err, int total, boolean terminal) {
        this.err = terminal ? err : null;
        this.total = total;
    }

    /** Counts one more presented frame and redraws. Context: any thread. */
    public synchronized void update(int frame) {
        shown++;
        if (err == null) {
            return;
        }
        int filled = shown * WIDTH / Math.max(1, total);
        err.printf(
                "\r[%s%s] %d/%d presented (frame %d)",
                "#".repeat(filled), " ".repeat(WIDTH - filled), shown, total, frame);
        err.flush();
    }

    /** Ends the bar's line. Context: any thread. */
    public synchronized void done() {
        if (err != null) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
        }
    }
}
