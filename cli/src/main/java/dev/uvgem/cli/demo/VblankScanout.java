package dev.uvgem.cli.demo;

import dev.uvgem.api.DmaBufFd;
import dev.uvgem.core.dmabuf.DmaBuf;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.Timer;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import dev.uvgem.sys.Process;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The demo's display: one CRTC scanning out {@code width x height} XRGB buffers, with a vblank timer on the kernel
 * clock and a commit thread that takes queued flips in order, waits for each buffer's implicit write fences (as an
 * atomic commit does, with {@code dma_fence_wait}, so the wait shows in the trace with a flow from the signal), and
 * latches it at the next vblank, copying the pixels out. It runs kernel side, in the display process, on the
 * dma-bufs the renderer passed it.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the vblank state is guarded by the object's monitor; the
 * commit thread waits on it for the next vblank, the vblank timer notifies it. No fence is waited on under it.
 */
final class VblankScanout implements Scanout {
    private static final Track CRTC = new Track("display", "crtc-0");

    private final Process display;
    private final Clock clock;
    private final long period;
    private final int width;
    private final int height;
    private final Listener listener;
    private final BlockingQueue<Flip> queue = new LinkedBlockingQueue<>();
    private final Thread commit;
    private final Timer vblankTimer = new Timer() {
        @Override
        protected void expire() {
            vblank();
        }
    };
    private long vblankSeq; // guarded by this
    private long vblankTime; // guarded by this
    private boolean on = true; // guarded by this

    private record Flip(int frame, int fd, Fence[] fences, long address, MemorySegment pixels, int pitch) {
        static final Flip END = new Flip(-1, -1, new Fence[0], 0, null, 0);
    }

    VblankScanout(Process display, Clock clock, long periodNanos, int width, int height, Listener listener) {
        this.display = display;
        this.clock = clock;
        this.period = periodNanos;
        this.width = width;
        this.height = height;
        this.listener = listener;
        clock.arm(vblankTimer, clock.nanoTime() + period);
        this.commit = Thread.ofPlatform().name("display-commit").start(this::commitLoop);
    }

    @Override
    public void queueFlip(int frame, DmaBufFd buffer, int pitch) {
        int fd = (int) display.fdRecv(buffer.send());
        DmaBuf dmabuf = DmaBuf.fromFile(display.file(fd));
        Fence[] fences = dmabuf.resv().getFences(ResvUsage.WRITE);
        long address = display.mmap(fd, 0, dmabuf.size(), Process.PROT_READ);
        MemorySegment pixels = display.mapping(address).segment();
        Tracepoints.instant(clock.nanoTime(), CRTC, "flip queued: frame " + frame, Map.of("frame", "" + frame));
        queue.add(new Flip(frame, fd, fences, address, pixels, pitch));
    }

    // Timer context, every period while on: counts the vblank and wakes the commit thread.
    private void vblank() {
        long now = clock.nanoTime();
        synchronized (this) {
            if (!on) {
                return;
            }
            vblankSeq++;
            vblankTime = now;
            notifyAll();
            clock.arm(vblankTimer, now + period);
        }
        Tracepoints.instant(now, CRTC, "vblank", Map.of());
    }

    private void commitLoop() {
        Presented onScreen = null;
        long onScreenSince = 0;
        try {
            for (Flip flip = queue.take(); flip != Flip.END; flip = queue.take()) {
                int error = 0;
                for (Fence f : flip.fences) {
                    f.await(false);
                    error = error != 0 ? error : f.error();
                }
                long[] vb = nextVblank();
                int[] copy = new int[width * height];
                for (int y = 0; y < height; y++) {
                    MemorySegment.copy(
                            flip.pixels, ValueLayout.JAVA_INT_UNALIGNED, (long) y * flip.pitch, copy, y * width, width);
                }
                Presented p = new Presented(flip.frame, vb[0], vb[1], error, copy);
                if (onScreen != null) {
                    Tracepoints.slice(onScreenSince, vb[1], CRTC, "scanout frame " + onScreen.frame(), Map.of());
                    listener.released(onScreen.frame());
                }
                onScreen = p;
                onScreenSince = vb[1];
                display.munmap(flip.address);
                display.close(flip.fd);
                listener.presented(p);
            }
            if (onScreen != null) {
                long[] vb = nextVblank();
                Tracepoints.slice(onScreenSince, vb[1], CRTC, "scanout frame " + onScreen.frame(), Map.of());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Waits for the next vblank after now; returns its sequence number and time.
    private synchronized long[] nextVblank() throws InterruptedException {
        long target = vblankSeq + 1;
        while (vblankSeq < target) {
            wait();
        }
        return new long[] {vblankSeq, vblankTime};
    }

    @Override
    public void close() throws InterruptedException {
        queue.add(Flip.END);
        commit.join();
        synchronized (this) {
            on = false;
        }
        clock.cancel(vblankTimer);
    }
}
