package dev.uvgem.cli.demo;

import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.KmsDisplay;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.Uvgem;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import dev.uvgem.drivers.display.FrameCapture;
import dev.uvgem.drivers.display.PresentListener;
import dev.uvgem.drivers.display.VkmsDevice;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The demo's display side: a compositor process that owns the virtual KMS display ({@code /dev/dri/card1}) and
 * keeps the flip queue. KMS has one commit in flight per crtc, so the queue lives here, as in any compositor: a
 * flip thread commits each frame as soon as the previous one is on screen, with implicit sync — the kernel waits
 * for the buffer's write fences (vgem's, the GPU's) and flips at the first vblank after. The display's capture hook
 * (the vkms CRC capture) reports each presented frame with its pixels. The trace's vblank, flip and scan-out
 * tracks are the display driver's; this class traces only the compositor's own queue and commits.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the FIFO of committed frames is guarded by the object's
 * monitor; the flip thread waits for each commit's out-fence with no lock held.
 */
final class KmsScanout implements Scanout {
    private static final Track COMPOSITOR = new Track("display", "compositor");
    private static final int STOP = -1;

    private final Clock clock;
    private final KmsDisplay display;
    private final Uvgem compositor;
    private final VkmsDevice device;
    private final Listener listener;
    private final PresentListener capture = this::captured;
    private final Map<Integer, Integer> framebuffers = new HashMap<>(); // renderer dma-buf fd -> fb id; flip thread
    private final BlockingQueue<int[]> queue = new LinkedBlockingQueue<>(); // {frame, fb}
    private final ArrayDeque<Integer> committed = new ArrayDeque<>(); // guarded by this
    private final Thread flipper;
    private int commits; // guarded by this
    private int delivered; // guarded by this: frames handed to the listener
    private int onScreen = -1; // guarded by this

    /**
     * Opens the display as {@code compositor} (its DRM master) and starts the flip thread.
     *
     * @param device the display's kernel device, for its capture hook
     */
    KmsScanout(Clock clock, Uvgem compositor, VkmsDevice device, Listener listener) {
        this.clock = clock;
        this.compositor = compositor;
        this.display = compositor.openDisplay();
        this.device = device;
        this.listener = listener;
        device.onPresent(capture);
        this.flipper = Thread.ofPlatform().name("compositor-flip").start(this::flipLoop);
    }

    @Override
    public KmsDisplay.Mode mode() {
        return display.mode();
    }

    @Override
    public void queueFlip(int frame, DmaBufFd buffer, int pitch) {
        Integer fb = framebuffers.get(buffer.fd());
        if (fb == null) {
            DmaBufFd mine = compositor.receive(buffer.send()).asDmaBuf();
            fb = display.addFramebuffer(
                    mine, display.mode().width(), display.mode().height(), pitch);
            mine.close(); // the framebuffer holds the buffer
            framebuffers.put(buffer.fd(), fb);
        }
        Tracepoints.instant(clock.nanoTime(), COMPOSITOR, "flip queued: frame " + frame, Map.of());
        queue.add(new int[] {frame, fb});
    }

    // The flip thread: one commit at a time, each waited for until its frame is on screen (its out-fence).
    private void flipLoop() {
        try {
            for (int[] f = queue.take(); f[0] != STOP; f = queue.take()) {
                synchronized (this) {
                    committed.add(f[0]);
                    commits++;
                }
                long t0 = clock.nanoTime();
                // Nonblocking with an out-fence, then a wait on it: the flip's completion is a fence signal the
                // trace joins to this wait with an arrow, once per presented frame.
                try (SyncFileFd flipped = display.commit(f[1], null, KmsDisplay.ATOMIC_NONBLOCK, f[0], true)) {
                    flipped.await(null);
                }
                Tracepoints.slice(t0, clock.nanoTime(), COMPOSITOR, "commit frame " + f[0], Map.of());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // The capture hook, on the vblank handler's thread: the oldest committed frame is now on screen.
    private void captured(FrameCapture c) {
        Presented p;
        int previous;
        synchronized (this) {
            Integer frame = committed.poll();
            if (frame == null) {
                return; // not one of ours
            }
            previous = onScreen;
            onScreen = frame;
            p = new Presented(
                    frame,
                    c.sequence(),
                    c.timestampNanos(),
                    c.fenceError(),
                    c.scanout().toArgb());
        }
        if (previous >= 0) {
            listener.released(previous);
        }
        listener.presented(p);
        synchronized (this) {
            delivered++;
            notifyAll(); // close() waits for the last frame to be delivered
        }
    }

    @Override
    public void close() throws InterruptedException {
        queue.add(new int[] {STOP, 0});
        flipper.join();
        synchronized (this) {
            // The out-fence signals as the frame flips, before the capture hook has run.
            while (delivered < commits) {
                wait();
            }
        }
        device.removePresentListener(capture);
        framebuffers.values().forEach(display::removeFramebuffer);
        display.close();
    }
}
