package dev.uvgem.cli.demo;

import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.KmsDisplay;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.Uvgem;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.trace.TraceRecorder;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The compositor of {@code uvgem demo --socket}, a separate OS process and a client of the daemon: it owns the
 * virtual display ({@code /dev/dri/card1}) and learns of its frames as a real compositor does. It reports the
 * display's mode ({@code mode <w> <h> <hz>}), then takes the renderer's flips from its input in order ({@code
 * flip <frame> <key> <pitch> <token>}, the dma-buf sent with FD_SEND the first time, {@code end} after the last).
 * Each flip is a nonblocking ATOMIC commit with a flip event (implicit sync: the kernel waits for the buffer's
 * write fences); the FLIP_COMPLETE event, read from the display fd, says the frame is on screen. The compositor
 * then reads the frame through its own mapping of the dma-buf (bracketed by DMA_BUF_IOCTL_SYNC), computes the
 * CRC-32 the display's CRC capture computes over the scanned-out XRGB bytes, learns the write fences' error from a
 * sync file it exported when the flip came in, and reports {@code presented <frame> <vblank> <nanos> <fence
 * error>} and {@code released <previous frame>}.
 *
 * <p>Thread-safety: one run per instance, on one thread, with one reader thread feeding it its input.
 */
public final class SocketCompositor {
    private static final Track COMPOSITOR = new Track("display", "compositor");
    private static final String END = "end";

    private final Clock clock;
    private final Uvgem uvgem;
    private final KmsDisplay display;
    private final Consumer<String> out;
    private final Track crtc;
    private final Map<String, Buffer> buffers = new HashMap<>(); // by the renderer's key
    private final List<Presented> shown = new ArrayList<>();
    private final boolean keepPixels;
    private int onScreen = -1;
    private long onScreenSince;

    /** One of the renderer's buffers as the compositor holds it: its dma-buf, a mapping, its framebuffer. */
    private record Buffer(DmaBufFd dmabuf, MappedMemory pixels, int fb, int pitch) {}

    private SocketCompositor(Clock clock, Uvgem uvgem, Consumer<String> out, boolean keepPixels) {
        this.clock = clock;
        this.uvgem = uvgem;
        this.display = uvgem.openDisplay();
        this.out = out;
        this.keepPixels = keepPixels;
        this.crtc = new Track("display", "crtc-" + display.crtcId() + " scanout");
    }

    /**
     * Runs the compositor as process {@code uvgem} until {@code end} (or the end of {@code in}), then writes the
     * presented frames as PNGs with a contact sheet into {@code outDir} and its trace events into {@code
     * traceEvents} (each if not null), and says {@code done <contact sheet or ->}.
     *
     * <p>Context: process context; sleeps on the display's events. Writes the reports to {@code out}.
     */
    public static void run(
            Clock clock, Uvgem uvgem, BufferedReader in, Consumer<String> out, Path outDir, Path traceEvents)
            throws InterruptedException {
        try (TraceRecorder recorder = TraceRecorder.start()) {
            SocketCompositor c = new SocketCompositor(clock, uvgem, out, outDir != null);
            KmsDisplay.Mode m = c.display.mode();
            out.accept("mode " + m.width() + " " + m.height() + " " + m.refreshHz());
            BlockingQueue<String> queue = new LinkedBlockingQueue<>();
            Thread.ofPlatform().name("compositor-input").daemon().start(() -> c.readInput(in, queue));
            try {
                for (String line = queue.take(); !line.equals(END); line = queue.take()) {
                    c.flip(line.split(" "));
                }
            } finally {
                c.close();
            }
            recorder.close();
            if (traceEvents != null) {
                TraceLines.write(recorder.events(), traceEvents);
            }
            String sheet = "-";
            if (outDir != null) {
                FrameImages images = new FrameImages(outDir, m.width(), m.height());
                c.shown.forEach(images::add);
                sheet = images.finish().toString();
            }
            out.accept("done " + sheet);
        }
    }

    // The input thread: the flip queue (the pipe is the FIFO; this thread timestamps each flip as it arrives).
    private void readInput(BufferedReader in, BlockingQueue<String> queue) {
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("flip ")) {
                    Tracepoints.instant(
                            clock.nanoTime(), COMPOSITOR, "flip queued: frame " + line.split(" ")[1], Map.of());
                }
                queue.add(line);
            }
        } catch (IOException e) {
            System.err.println("uvgem demo-compositor: " + e.getMessage());
        } finally {
            queue.add(END);
        }
    }

    // One flip: commit, wait for its FLIP_COMPLETE event, capture, report.
    private void flip(String[] w) throws InterruptedException {
        int frame = Integer.parseInt(w[1]);
        Buffer b = buffers.computeIfAbsent(w[2], k -> importBuffer(w[4], Integer.parseInt(w[3])));
        long t0 = clock.nanoTime();
        KmsDisplay.Event done;
        try (SyncFileFd writes = b.dmabuf().exportSyncFile(DmaBufFd.SYNC_READ)) {
            display.commit(b.fb(), null, KmsDisplay.ATOMIC_NONBLOCK | KmsDisplay.PAGE_FLIP_EVENT, frame, false);
            done = awaitFlip(frame);
            Tracepoints.slice(t0, clock.nanoTime(), COMPOSITOR, "commit frame " + frame, Map.of());
            captured(frame, done, b, firstError(writes));
        }
    }

    /**
     * The first error among the write fences, read per fence: the sync file's own status is its fence array's,
     * which carries no member error when it is found complete without anyone having waited on it (as in Linux).
     */
    private static int firstError(SyncFileFd writes) {
        return writes.info().fences().stream()
                .mapToInt(SyncFileFd.FenceInfo::status)
                .filter(s -> s < 0)
                .findFirst()
                .orElse(0);
    }

    private Buffer importBuffer(String token, int pitch) {
        DmaBufFd dmabuf = uvgem.receive(HexFormat.of().parseHex(token)).asDmaBuf();
        KmsDisplay.Mode m = display.mode();
        int fb = display.addFramebuffer(dmabuf, m.width(), m.height(), pitch);
        return new Buffer(dmabuf, dmabuf.map(false), fb, pitch);
    }

    private KmsDisplay.Event awaitFlip(int frame) {
        while (true) {
            for (KmsDisplay.Event e : display.readEvents(null)) {
                if (e.type() == KmsDisplay.EVENT_FLIP_COMPLETE && e.userData() == frame) {
                    return e;
                }
            }
        }
    }

    // The frame is on screen: read it as the display scans it out, and report it.
    private void captured(int frame, KmsDisplay.Event e, Buffer b, int fenceError) {
        KmsDisplay.Mode m = display.mode();
        byte[] xrgb = new byte[m.width() * m.height() * 4];
        b.dmabuf().sync(DmaBufFd.SYNC_READ, true);
        try {
            MemorySegment pixels = b.pixels().segment();
            int row = m.width() * 4;
            for (int y = 0; y < m.height(); y++) {
                MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, (long) y * b.pitch(), xrgb, y * row, row);
            }
        } finally {
            b.dmabuf().sync(DmaBufFd.SYNC_READ, false);
        }
        int[] argb = new int[m.width() * m.height()];
        for (int p = 0; p < argb.length; p++) {
            xrgb[4 * p + 3] = (byte) 0xff; // the X byte, as the display's composer sets it
            argb[p] =
                    (xrgb[4 * p] & 0xff) | (xrgb[4 * p + 1] & 0xff) << 8 | (xrgb[4 * p + 2] & 0xff) << 16 | 0xff << 24;
        }
        CRC32 crc = new CRC32();
        crc.update(xrgb);
        if (onScreen >= 0) {
            Tracepoints.slice(onScreenSince, e.timestampNanos(), crtc, "frame " + onScreen, Map.of());
        }
        Tracepoints.instant(
                e.timestampNanos(),
                crtc,
                "flip done: frame " + frame,
                Map.of("vblank", Long.toString(e.sequence()), "crc", Long.toHexString(crc.getValue())));
        shown.add(new Presented(frame, e.sequence(), e.timestampNanos(), fenceError, keepPixels ? argb : new int[0]));
        out.accept("presented " + frame + " " + e.sequence() + " " + e.timestampNanos() + " " + fenceError);
        if (onScreen >= 0) {
            out.accept("released " + onScreen);
        }
        onScreen = frame;
        onScreenSince = e.timestampNanos();
    }

    private void close() {
        if (onScreen >= 0) {
            Tracepoints.slice(onScreenSince, clock.nanoTime(), crtc, "frame " + onScreen, Map.of());
        }
        for (Buffer b : buffers.values()) {
            display.removeFramebuffer(b.fb());
            b.pixels().close();
            b.dmabuf().close();
        }
        display.close();
    }
}
