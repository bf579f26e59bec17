package dev.uvgem.cli.demo;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.GpuBuffer;
import dev.uvgem.api.GpuContext;
import dev.uvgem.api.GpuDevice;
import dev.uvgem.api.GpuJob;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The seed's deferred renderer, end to end in one embedded kernel ({@link #run(DemoOptions, Consumer)}) or as a
 * client of a daemon against a display in another process ({@link #run(DemoOptions, Uvgem, Function, Consumer)},
 * {@link SocketRenderer}): a renderer process draws frames on several
 * threads into a ring of vgem buffers. For each frame it first waits for its buffer to leave the screen, attaches a
 * WRITE fence, and queues the page flip at once (to the compositor, which commits it to the virtual KMS display,
 * {@link KmsScanout}); a renderer thread then draws the frame and signals the fence when
 * done, in whatever order the threads finish. The display presents strictly in order, each frame at the first
 * vblank after its fence signalled: scheduled out of order, completed in order. A frame whose fence is never
 * signalled ({@link DemoOptions#hangFrame}) holds the display only until the fence expires; the display then
 * recovers and shows whatever the buffer holds.
 *
 * <p>Between drawing and scan-out each frame goes through the virtual GPU: a post-processing job (it stamps a bar
 * along the bottom of the frame) submitted with implicit sync, so it runs once the frame's vgem fence has
 * signalled and its finished fence joins the buffer's write fences the flip waits for. A job that hangs ({@link
 * DemoOptions#gpuHangFrame}) is killed by the GPU context's hang timeout (half the vgem fence expiry): its fence
 * signals with {@code -ETIME}, and the display shows the frame without the bar.
 *
 * <p>Thread-safety: one run per call; a run uses its own kernel, threads and buffers.
 */
public final class DeferredRenderer {
    /** The colour of the bar the GPU's post-processing job stamps along the bottom of every frame. */
    public static final int BAR_COLOUR = 0x2040c0;

    private static final Track SUBMIT = new Track("renderer", "submit");

    private final DemoOptions o;
    private final Clock clock;
    private final Consumer<Presented> onPresent;
    private final long start;
    private final long[] queuedAt;
    private final long[] renderedAt;
    private final String[] worker;
    private final List<Presented> presented = new ArrayList<>(); // guarded by this
    private final CompletionOrder completion;
    private final List<Integer> expired = new ArrayList<>(); // guarded by this
    private int released = -1; // guarded by this: the highest frame whose buffer left the screen
    private SyncFileFd hungFences; // the hung frame's write fences, exported right after its attach
    private long hungAttachedAt;
    private long expiredAfter = -1; // how long the hung frame's fence lived, once it has expired
    private int width; // the display's mode, set before any renderer thread starts
    private int height;

    private DeferredRenderer(DemoOptions o, Consumer<Presented> onPresent) {
        this.o = o;
        this.clock = o.clock();
        this.onPresent = onPresent;
        this.completion = new CompletionOrder(o.completionOrder());
        this.start = clock.nanoTime();
        this.queuedAt = new long[o.frames()];
        this.renderedAt = new long[o.frames()];
        this.worker = new String[o.frames()];
        Arrays.fill(renderedAt, -1);
    }

    /**
     * Runs the demo: boots a kernel, renders and presents every frame, tears everything down.
     *
     * <p>Context: process context; sleeps while frames render and the display presents (real time on the real
     * clock). {@code onPresent} runs on the display's vblank handler for each frame, in presentation order.
     */
    public static DemoResult run(DemoOptions options, Consumer<Presented> onPresent) throws InterruptedException {
        return new DeferredRenderer(options, onPresent).run();
    }

    /**
     * Runs the renderer as process {@code renderer} (embedded, or a client of a daemon) against the display that
     * {@code display} opens for the given listener, then closes it; returns the run as the renderer saw it.
     *
     * <p>Context: process context; sleeps while frames render and the display presents. {@code onPresent} runs on
     * whichever thread the scanout reports presentations on, in presentation order.
     */
    public static DemoResult run(
            DemoOptions options,
            Uvgem renderer,
            Function<Scanout.Listener, Scanout> display,
            Consumer<Presented> onPresent)
            throws InterruptedException {
        return new DeferredRenderer(options, onPresent).render(renderer, display);
    }

    private DemoResult run() throws InterruptedException {
        Boot.Booted booted = Boot.kernelWithDevices(
                KernelConfig.defaults(clock).withDebugfs(true).withVgemFenceTimeout(o.fenceTimeout()));
        try (Kernel kernel = booted.kernel();
                Uvgem renderer = Uvgem.process(kernel, "renderer", false);
                Uvgem compositor = Uvgem.process(kernel, "compositor", false)) {
            return render(
                    renderer,
                    l -> new KmsScanout(clock, compositor, booted.devices().display(), l));
        }
    }

    private DemoResult render(Uvgem renderer, Function<Scanout.Listener, Scanout> display) throws InterruptedException {
        List<Integer> gpuRecovered = new ArrayList<>();
        int gpuHangs;
        try (VgemDevice vgem = renderer.openVgem();
                GpuDevice gpu = renderer.openGpu();
                GpuContext gpuCtx = gpu.createContext(o.fenceTimeout().dividedBy(2), 0)) {
            Scanout scanout = display.apply(listener());
            width = scanout.mode().width();
            height = scanout.mode().height();
            List<BufferObject> ring = new ArrayList<>();
            List<DmaBufFd> dmabufs = new ArrayList<>();
            List<GpuBuffer> gpuBufs = new ArrayList<>();
            for (int i = 0; i < o.ring(); i++) {
                BufferObject bo = vgem.createDumb(width, height, 32);
                ring.add(bo);
                DmaBufFd d = bo.export(true);
                d.setName("ring-" + i);
                dmabufs.add(d);
                gpuBufs.add(gpu.importDmaBuf(d));
            }
            VgemFence hung = render(scanout, ring, dmabufs, new PostProcess(gpuCtx, gpuBufs));
            gpuHangs = gpuCtx.resetStats().hangs();
            if (hung != null) {
                try {
                    hung.signal();
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ETIMEDOUT) {
                        throw e;
                    }
                    expired(o.hangFrame());
                    expiredAfter = hungFences.info().fences().stream()
                                    .mapToLong(SyncFileFd.FenceInfo::timestampNanos)
                                    .max()
                                    .orElseThrow()
                            - hungAttachedAt;
                } finally {
                    hungFences.close();
                }
            }
            gpuBufs.forEach(GpuBuffer::close);
            dmabufs.forEach(DmaBufFd::close);
            ring.forEach(BufferObject::close);
        }
        long end = clock.nanoTime();
        List<FrameStats> frames = new ArrayList<>();
        synchronized (this) {
            for (Presented p : presented) {
                int f = p.frame();
                String fence = expired.contains(f) ? "expired" : p.fenceError() != 0 ? "gpu-hang" : "signalled";
                if (p.fenceError() != 0 && gpuHangs > 0) {
                    gpuRecovered.add(f);
                }
                frames.add(new FrameStats(
                        f,
                        queuedAt[f] - start,
                        renderedAt[f] < 0 ? -1 : renderedAt[f] - start,
                        p.presentedAt() - start,
                        p.vblank(),
                        worker[f],
                        fence,
                        p.fenceError()));
            }
            return new DemoResult(
                    frames,
                    completion.ran(),
                    expired.stream().sorted().toList(),
                    gpuRecovered,
                    end - start,
                    o.fenceTimeout().toNanos(),
                    expiredAfter,
                    width,
                    height);
        }
    }

    /** Submits every frame; returns the hung frame's fence (never signalled), or null. */
    private VgemFence render(Scanout scanout, List<BufferObject> ring, List<DmaBufFd> dmabufs, PostProcess post)
            throws InterruptedException {
        Random random = new Random(o.seed());
        AtomicInteger threadIds = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(
                o.threads(),
                r -> Thread.ofPlatform()
                        .name("renderer-" + threadIds.getAndIncrement())
                        .unstarted(r));
        VgemFence hung = null;
        try {
            for (int i = 0; i < o.frames(); i++) {
                int slot = i % o.ring();
                long waitFrom = clock.nanoTime();
                if (awaitReleased(i - o.ring())) {
                    Tracepoints.slice(
                            waitFrom,
                            clock.nanoTime(),
                            SUBMIT,
                            "wait: frame " + (i - o.ring()) + " off screen",
                            Map.of());
                }
                BufferObject bo = ring.get(slot);
                long attachedAt = clock.nanoTime();
                VgemFence fence = bo.attachFence(true);
                if (i == o.hangFrame()) {
                    // Only this fence so far: its signal time, against the attach, is the expiry the kernel applied.
                    hungAttachedAt = attachedAt;
                    hungFences = dmabufs.get(slot).exportSyncFile(DmaBufFd.SYNC_READ);
                }
                post.submit(slot, bo.pitch(), i == o.gpuHangFrame());
                queuedAt[i] = clock.nanoTime();
                Tracepoints.instant(queuedAt[i], SUBMIT, "attach + GPU job + queue flip: frame " + i, Map.of());
                scanout.queueFlip(i, dmabufs.get(slot), bo.pitch());
                if (i == o.hangFrame()) {
                    hung = fence;
                }
                long extra = o.maxRenderTime().isZero()
                        ? 0
                        : (long) (random.nextDouble() * o.maxRenderTime().toNanos());
                int frame = i;
                pool.execute(() -> draw(frame, bo, fence, extra));
            }
        } finally {
            scanout.close();
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        return hung;
    }

    /** Returns how many rows at the bottom of a frame of {@code height} the GPU's bar covers. */
    public static int barRows(int height) {
        return Math.max(2, height / 16);
    }

    /** The GPU post-processing step: one context, the ring's buffers imported into the GPU. */
    private final class PostProcess {

        private final GpuContext ctx;
        private final List<GpuBuffer> buffers;

        PostProcess(GpuContext ctx, List<GpuBuffer> buffers) {
            this.ctx = ctx;
            this.buffers = buffers;
        }

        // Stamps the bar over the bottom rows, after the CPU's fence (implicit sync); or hangs.
        void submit(int slot, int pitch, boolean hang) {
            int rows = barRows(height);
            GpuBuffer b = buffers.get(slot);
            GpuJob job = new GpuJob();
            if (hang) {
                job.hang(); // before the fill: the bar never appears
            }
            ctx.submit(job.fill(b, (long) (height - rows) * pitch, (long) rows * pitch, BAR_COLOUR)
                    .duration(Duration.ofMillis(1)));
        }
    }

    // A renderer thread: draws the frame (half of it, for the hung frame), takes its extra time, and signals.
    private void draw(int frame, BufferObject bo, VgemFence fence, long extraNanos) {
        long t0 = clock.nanoTime();
        worker[frame] = Thread.currentThread().getName();
        boolean hangs = frame == o.hangFrame();
        try (MappedMemory m = bo.map()) {
            FramePainter.paint(m.segment(), bo.pitch(), width, height, frame, 0, hangs ? height / 2 : height);
        }
        long until = t0 + extraNanos;
        while (clock.nanoTime() < until) {
            clock.parkUntil(this, until);
        }
        Track track = new Track("renderer", Thread.currentThread().getName());
        Tracepoints.slice(t0, clock.nanoTime(), track, (hangs ? "hang on frame " : "render frame ") + frame, Map.of());
        completion.finished(frame, () -> {
            if (!hangs) {
                signal(frame, fence);
            }
        });
    }

    private void signal(int frame, VgemFence fence) {
        long now = clock.nanoTime(); // read first: the display may latch the frame before signal() returns
        try {
            fence.signal();
            renderedAt[frame] = now;
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ETIMEDOUT) {
                throw e;
            }
            // Drawing took longer than the expiry: the display has already been released without us.
            expired(frame);
        }
    }

    private synchronized void expired(int frame) {
        expired.add(frame);
    }

    // Returns whether it had to wait.
    private synchronized boolean awaitReleased(int frame) throws InterruptedException {
        boolean waited = released < frame;
        while (released < frame) {
            wait();
        }
        return waited;
    }

    private Scanout.Listener listener() {
        return new Scanout.Listener() {
            @Override
            public void presented(Presented frame) {
                synchronized (DeferredRenderer.this) {
                    presented.add(frame);
                }
                onPresent.accept(frame);
            }

            @Override
            public void released(int frame) {
                synchronized (DeferredRenderer.this) {
                    released = Math.max(released, frame);
                    DeferredRenderer.this.notifyAll();
                }
            }
        };
    }
}
