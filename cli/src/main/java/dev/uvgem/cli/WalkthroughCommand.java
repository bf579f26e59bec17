package dev.uvgem.cli;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.SwSyncTimelineFd;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.UvgemFile;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.ErrnoException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The embedded walk-through: the seed's deferred renderer in miniature. A renderer process creates buffers,
 * exports them and attaches write fences before drawing; a compositor process receives the dma-bufs, queues its
 * waits at once, and sees each frame become ready as the renderer finishes it — out of order — while the one
 * frame the renderer never finishes is released by the fence's expiry. The debugfs texts show the state, and
 * closing everything leaves nothing behind.
 *
 * <p>Thread-safety: one run per instance.
 */
@Command(
        name = "walkthrough",
        mixinStandardHelpOptions = true,
        description = "Walks through uvgem embedded in this JVM: buffers created and exported, write fences"
                + " attached before rendering, a compositor process waiting on them, fences signalled out of order"
                + " and one expiring, then the debugfs texts.",
        footer = {"", "Example:", "  ./uvgem walkthrough --frames 4 --fence-timeout 1s", "", ExitCode.HELP})
final class WalkthroughCommand implements Callable<Integer> {
    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--frames",
            defaultValue = "3",
            description = "Number of frames (buffers) to render, 2 to 16 (default: ${DEFAULT-VALUE}).")
    private int frames;

    @Option(
            names = "--fence-timeout",
            defaultValue = "2s",
            description = "vgem fence expiry; the kernel's is 10s (default: ${DEFAULT-VALUE}).")
    private Duration fenceTimeout;

    private PrintWriter out;
    private long start;

    WalkthroughCommand() {}

    @Override
    public Integer call() throws Exception {
        if (frames < 2 || frames > 16) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--frames must be 2 to 16");
        }
        out = spec.commandLine().getOut();
        SystemClock clock = new SystemClock();
        start = clock.nanoTime();
        Boot.Booted booted = Boot.kernelWithDevices(
                KernelConfig.defaults(clock).withDebugfs(true).withVgemFenceTimeout(fenceTimeout));
        say("boot", "an embedded uvgem kernel; vgem fences expire after " + fenceTimeout.toMillis() + " ms");
        try (Uvgem renderer = Uvgem.process(booted.kernel(), "renderer", false);
                Uvgem compositor = Uvgem.process(booted.kernel(), "compositor", false);
                Uvgem admin = Uvgem.process(booted.kernel(), "admin", true)) {
            render(renderer, compositor, admin);
            timeline(admin);
        }
        booted.kernel().close();
        say(
                "exit",
                "every process closed: " + booted.devices().vgem().liveObjects() + " GEM objects, "
                        + booted.devices().dmaBufs().count() + " dma-bufs left");
        return 0;
    }

    private void render(Uvgem renderer, Uvgem compositor, Uvgem admin) throws InterruptedException {
        try (VgemDevice vgem = renderer.openVgem()) {
            VgemDevice.Version v = vgem.version();
            say(
                    "renderer",
                    "opened " + Uvgem.CARD0 + ": " + v.name() + " " + v.major() + "." + v.minor() + " \"" + v.desc()
                            + "\"");
            List<BufferObject> bos = new ArrayList<>();
            List<DmaBufFd> dmabufs = new ArrayList<>();
            List<VgemFence> fences = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                BufferObject bo = vgem.createDumb(640, 480, 32);
                DmaBufFd dmabuf = bo.export(true);
                dmabuf.setName("frame-" + i);
                VgemFence fence = bo.attachFence(true);
                bos.add(bo);
                dmabufs.add(dmabuf);
                fences.add(fence);
                say(
                        "renderer",
                        "frame-" + i + ": 640x480x32 buffer (pitch " + bo.pitch() + ", " + bo.size()
                                + " bytes), exported as dma-buf fd " + dmabuf.fd() + ", WRITE fence #" + fence.id()
                                + " attached before drawing");
            }
            say("admin", "/sys/kernel/debug/dma_buf/bufinfo while the frames are pending:");
            print(admin.readDebugfs(Uvgem.BUFINFO));

            List<DmaBufFd> received = new ArrayList<>();
            List<SyncFileFd> waits = new ArrayList<>();
            for (DmaBufFd d : dmabufs) {
                DmaBufFd mine = compositor.receive(d.send()).asDmaBuf();
                received.add(mine);
                waits.add(mine.exportSyncFile(DmaBufFd.SYNC_READ));
            }
            say(
                    "compositor",
                    "received the " + frames + " dma-bufs (fd passing) and queued a wait on each frame's"
                            + " write fence at once: scheduled out of order, completed in order");
            Thread compositorThread =
                    Thread.ofPlatform().name("compositor").start(() -> present(compositor, received, waits));

            for (int i = frames - 2; i >= 0; i--) {
                Thread.sleep(40);
                try (MappedMemory m = bos.get(i).map()) {
                    fill(m.segment(), i + 1);
                }
                try {
                    fences.get(i).signal();
                    say(
                            "renderer",
                            "finished frame-" + i + ": pixels written, fence #"
                                    + fences.get(i).id() + " signalled");
                } catch (ErrnoException e) { // a machine so slow that the frame took longer than the expiry
                    say(
                            "renderer",
                            "finished frame-" + i + " too late: fence #"
                                    + fences.get(i).id() + " had " + "already expired (" + e.errno() + ")");
                }
            }
            int hung = frames - 1;
            say(
                    "renderer",
                    "frame-" + hung + " hangs: its fence #" + fences.get(hung).id() + " is never signalled");
            compositorThread.join();
            try {
                fences.get(hung).signal();
            } catch (ErrnoException e) {
                say(
                        "renderer",
                        "late signal of fence #" + fences.get(hung).id() + ": " + e.errno()
                                + " (it had expired: the kernel promised every fence signals in finite time)");
            }
            waits.forEach(UvgemFile::close);
            received.forEach(UvgemFile::close);
            dmabufs.forEach(UvgemFile::close);
            bos.forEach(BufferObject::close);
        }
    }

    private void present(Uvgem compositor, List<DmaBufFd> frames, List<SyncFileFd> waits) {
        Syscalls sys = compositor.syscalls();
        int n = waits.size();
        boolean[] done = new boolean[n];
        int left = n;
        while (left > 0) {
            int[] fds = new int[n];
            short[] events = new short[n];
            for (int i = 0; i < n; i++) {
                fds[i] = done[i] ? -1 : waits.get(i).fd();
                events[i] = UvgemFile.POLLIN;
            }
            short[] revents = new short[n];
            if (sys.poll(fds, events, revents, -1) < 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                if (!done[i] && (revents[i] & UvgemFile.POLLIN) != 0) {
                    done[i] = true;
                    left--;
                    SyncFileFd.Info info = waits.get(i).info();
                    long sum;
                    try (MappedMemory m = frames.get(i).map(false)) {
                        sum = checksum(m.segment());
                    }
                    say(
                            "compositor",
                            "frame-" + i + " ready (status " + info.status() + ", pixel sum " + Long.toHexString(sum)
                                    + ")" + (sum == 0 ? ": its fence expired, nothing was drawn" : ""));
                }
            }
        }
    }

    private void timeline(Uvgem admin) {
        try (SwSyncTimelineFd timeline = admin.createTimeline();
                SyncFileFd p1 = timeline.createFence(1);
                SyncFileFd p2 = timeline.createFence(2);
                SyncFileFd merged = p1.merge("p1+p2", p2)) {
            timeline.inc(1);
            say(
                    "admin",
                    "a sw_sync timeline (debugfs only) at 1 with points 1 and 2; merged file status " + merged.status()
                            + "; /sys/kernel/debug/sync/info:");
            print(admin.readDebugfs(Uvgem.SYNC_INFO));
            timeline.inc(1);
            say("admin", "after one more increment the merged file's status is " + merged.status());
        }
    }

    private static void fill(MemorySegment pixels, int value) {
        for (long off = 0; off < pixels.byteSize(); off += 4) {
            pixels.set(ValueLayout.JAVA_INT_UNALIGNED, off, value);
        }
    }

    private static long checksum(MemorySegment pixels) {
        long sum = 0;
        for (long off = 0; off < pixels.byteSize(); off += 8) {
            sum += pixels.get(ValueLayout.JAVA_LONG_UNALIGNED, off);
        }
        return sum;
    }

    private synchronized void say(String who, String what) {
        double t = (System.nanoTime() - start) / 1e9;
        out.printf("[%7.3f] %-10s %s%n", t, who, what);
        out.flush();
    }

    private synchronized void print(String text) {
        for (String line : text.split("\n")) {
            out.println("           | " + line);
        }
        out.flush();
    }
}
