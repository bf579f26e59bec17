package dev.uvgem.cli.demo;

import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.KmsDisplay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The renderer's view of a display owned by another OS process ({@code uvgem demo --socket}): flips go out as
 * lines ({@code flip <frame> <key> <pitch> <token>}, the dma-buf's FD_SEND token the first time a buffer is
 * flipped, {@code -} after), and the compositor's reports come back as lines ({@code mode <w> <h> <hz>} first,
 * then {@code presented <frame> <vblank> <nanos> <fence error>} and {@code released <frame>}), relayed by the
 * parent between the two processes' stdin and stdout.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the counts of queued and presented frames are guarded by the
 * object's monitor; one reader thread delivers the reports to the listener with no lock held.
 */
final class RelayScanout implements Scanout {
    private final BufferedReader in;
    private final Consumer<String> out;
    private final Listener listener;
    private final KmsDisplay.Mode mode;
    private final Set<Integer> sent = new HashSet<>(); // the renderer's dma-buf fds already sent; guarded by this
    private int queued; // guarded by this
    private int presented; // guarded by this
    private boolean closed; // guarded by this: the compositor's side ended

    /**
     * Reads the display's mode from {@code in}, then starts the reader thread.
     *
     * @param in the compositor's reports
     * @param out where the flip lines go (called under the object's monitor, in queue order)
     * @throws UncheckedIOException if the mode line cannot be read
     */
    RelayScanout(BufferedReader in, Consumer<String> out, Listener listener) {
        this.in = in;
        this.out = out;
        this.listener = listener;
        String[] m = words(readLine());
        if (m.length != 4 || !m[0].equals("mode")) {
            throw new UncheckedIOException(new IOException("expected the display's mode, got " + String.join(" ", m)));
        }
        this.mode = new KmsDisplay.Mode(Integer.parseInt(m[1]), Integer.parseInt(m[2]), Integer.parseInt(m[3]));
        Thread.ofPlatform().name("renderer-reports").daemon().start(this::readLoop);
    }

    @Override
    public KmsDisplay.Mode mode() {
        return mode;
    }

    @Override
    public synchronized void queueFlip(int frame, DmaBufFd buffer, int pitch) {
        String token = sent.add(buffer.fd()) ? HexFormat.of().formatHex(buffer.send()) : "-";
        queued++;
        out.accept("flip " + frame + " " + buffer.fd() + " " + pitch + " " + token);
    }

    // The reader thread: the compositor's reports, in the order it made them.
    private void readLoop() {
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] w = words(line);
                switch (w[0]) {
                    case "presented" -> {
                        listener.presented(new Presented(
                                Integer.parseInt(w[1]),
                                Long.parseLong(w[2]),
                                Long.parseLong(w[3]),
                                Integer.parseInt(w[4]),
                                new int[0]));
                        synchronized (this) {
                            presented++;
                            notifyAll();
                        }
                    }
                    case "released" -> listener.released(Integer.parseInt(w[1]));
                    default -> throw new IOException("unexpected report: " + line);
                }
            }
        } catch (IOException e) {
            System.err.println("uvgem demo-renderer: " + e.getMessage());
        } finally {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
        }
    }

    /**
     * Says {@code end} to the compositor and waits until every queued flip has been reported presented.
     *
     * @throws IllegalStateException if the compositor's reports ended before
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            out.accept("end");
            while (presented < queued && !closed) {
                wait();
            }
            if (presented < queued) {
                throw new IllegalStateException(
                        "the compositor went away with " + (queued - presented) + " flips not presented");
            }
        }
    }

    private String readLine() {
        try {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the compositor went away before reporting its mode");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] words(String line) {
        return line.split(" ");
    }
}
