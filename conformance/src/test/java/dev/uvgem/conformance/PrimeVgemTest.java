package dev.uvgem.conformance;

import static dev.uvgem.conformance.FdPassing.receive;
import static dev.uvgem.conformance.FdPassing.send;
import static dev.uvgem.conformance.IgtVgem.POLLIN;
import static dev.uvgem.conformance.IgtVgem.POLLOUT;
import static dev.uvgem.conformance.IgtVgem.WIP_VGEM_FENCE_NOTIMEOUT;
import static dev.uvgem.conformance.IgtVgem.assertErrno;
import static dev.uvgem.conformance.IgtVgem.dmabufExportSyncFile;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriver;
import static dev.uvgem.conformance.IgtVgem.gemClose;
import static dev.uvgem.conformance.IgtVgem.hasPrimeExport;
import static dev.uvgem.conformance.IgtVgem.hasPrimeImport;
import static dev.uvgem.conformance.IgtVgem.ok;
import static dev.uvgem.conformance.IgtVgem.poll;
import static dev.uvgem.conformance.IgtVgem.primeBusy;
import static dev.uvgem.conformance.IgtVgem.primeFdToHandle;
import static dev.uvgem.conformance.IgtVgem.primeHandleToFd;
import static dev.uvgem.conformance.IgtVgem.primeSyncEnd;
import static dev.uvgem.conformance.IgtVgem.primeSyncStart;
import static dev.uvgem.conformance.IgtVgem.setWord;
import static dev.uvgem.conformance.IgtVgem.tryDmabufSync;
import static dev.uvgem.conformance.IgtVgem.tryVgemFenceSignal;
import static dev.uvgem.conformance.IgtVgem.vgemCreate;
import static dev.uvgem.conformance.IgtVgem.vgemFenceAttach;
import static dev.uvgem.conformance.IgtVgem.vgemFenceHasFlag;
import static dev.uvgem.conformance.IgtVgem.vgemFenceSignal;
import static dev.uvgem.conformance.IgtVgem.vgemMmap;
import static dev.uvgem.conformance.IgtVgem.word;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Syscalls;
import dev.uvgem.conformance.IgtVgem.VgemBo;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Mman;
import dev.uvgem.uapi.Vgem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fence subtests of IGT {@code tests/prime_vgem.c}, with the i915 importer replaced by a CPU importer: a second
 * process that receives the dma-buf, imports it into its own vgem file where it needs a device view, and reads or
 * writes through mappings, waiting on the buffer's implicit fences with DMA_BUF_IOCTL_SYNC, poll or an exported
 * sync file where the GPU would wait in hardware. IGT's forked children are processes of the same kernel run on
 * threads; its pipes are latches.
 *
 * <p>The {@code *-hang} subtests rely on an attach flag upstream vgem refuses (fences without expiry), so on Linux
 * they skip. They are re-expressed as what the expiry guarantees instead: a fence nobody signals expires and
 * releases every waiter, and the readers then see the data that was there.
 *
 * <p>The flip subtests (basic-fence-flip, fence-flip-hang) flip on the virtual display ({@code /dev/dri/card1},
 * vkms) instead of an i915 output: vgem buffers PRIME-imported there as framebuffers, set up with an atomic commit
 * where IGT uses {@code igt_display_commit}.
 *
 * <p>Not re-expressed: the data-path subtests without fences (basic-read/-write/-gtt/-blt, shrink, coherency-*).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class PrimeVgemTest {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    /** The suite's sampled words: one per page of a 1024x1024x32 buffer, or every word of a 1024x1x32 one. */
    private static final int WORDS = 1024;
    /** How long a child may take to finish once nothing blocks it. */
    private static final Duration JOIN = Duration.ofSeconds(10);
    /** How late an expiry may be noticed on a busy machine before the test calls it a hang. */
    private static final Duration LATE = Duration.ofSeconds(5);

    private Env env;
    private Syscalls sys;
    private int vgem;

    @BeforeEach
    void fixture() {
        fixture(backend.boot());
    }

    private void fixture(Env e) {
        env = e;
        sys = env.sys();
        vgem = drmOpenDriver(sys);
        assertThat(hasPrimeExport(sys, vgem)).isTrue();
    }

    @AfterEach
    void teardown() {
        env.close();
    }

    // ---------------------------------------------------------------- plumbing

    /** A child: another process of the kernel, running its part of the subtest on a thread of its own. */
    private static final class Child {
        final Syscalls sys;
        private final Thread thread;
        private volatile Throwable failure;

        Child(Env env, String comm, Body body) {
            this.sys = env.process(comm, true).syscalls();
            this.thread = Thread.ofPlatform().name(comm).unstarted(() -> {
                try {
                    body.run(this.sys);
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        Child start() {
            thread.start();
            return this;
        }

        boolean isAlive() {
            return thread.isAlive();
        }

        /** {@code igt_waitchildren}: waits for the child and rethrows whatever failed in it. */
        void join() throws Exception {
            if (!thread.join(JOIN)) {
                thread.interrupt(); // ends a blocked call with EINTR
                thread.join(JOIN);
                throw new AssertionError(thread.getName() + " did not finish within " + JOIN);
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure instanceof Exception e) {
                throw e;
            }
        }

        interface Body {
            void run(Syscalls sys) throws Exception;
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(JOIN.toMillis(), TimeUnit.MILLISECONDS))
                .as("handshake")
                .isTrue();
    }

    private static void expectWords(MappedMemory ptr, long stride, IntUnary expected) {
        for (int i = 0; i < WORDS; i++) {
            assertThat(word(ptr, stride * i)).as("word %d", stride * i).isEqualTo(expected.at(i));
        }
    }

    private static void fillWords(MappedMemory ptr, long stride, IntUnary value) {
        for (int i = 0; i < WORDS; i++) {
            setWord(ptr, stride * i, value.at(i));
        }
    }

    private interface IntUnary {
        int at(int i);
    }

    /**
     * The basic-fence handshake between parent and child: the child counts down {@code ready} once it has seen
     * the buffer empty and then waits for {@code go}; {@code passed} says it got past its wait for the fence.
     */
    private record Handshake(CountDownLatch ready, CountDownLatch go, AtomicBoolean passed) {
        Handshake() {
            this(new CountDownLatch(1), new CountDownLatch(1), new AtomicBoolean());
        }

        /** The child's side: the buffer was seen empty; waits for the parent's fence to be attached. */
        void readyThenAwaitGo() throws InterruptedException {
            ready.countDown();
            await(go);
        }
    }

    /** Exports {@code bo} as a dma-buf and puts it in flight for a child; the parent's fd is closed again. */
    private byte[] exportToChild(VgemBo bo) {
        int dmabuf = primeHandleToFd(sys, vgem, bo.handle);
        byte[] token = send(sys, dmabuf);
        ok(sys.close(dmabuf));
        return token;
    }

    /** Imports dma-buf {@code buf} (exported from {@code bo}) into device file {@code fd} of {@code c}. */
    private static VgemBo importBo(Syscalls c, int fd, int buf, VgemBo bo) {
        VgemBo imported = new VgemBo(bo.width, bo.height, bo.bpp);
        imported.handle = primeFdToHandle(c, fd, buf);
        imported.size = bo.size;
        return imported;
    }

    /**
     * The parent's half of the basic-fence handshake: waits until the child has seen the buffer empty, attaches a
     * write fence, releases the child, and while the child is held by that fence writes word {@code 1024·i = i}
     * and signals. {@code hold} says how long to leave the child blocked first, to show the fence is all that
     * holds it; {@code h.passed()} is the child's "I got past the wait" flag.
     */
    private void writeUnderFence(VgemBo scratch, Handshake h, Duration hold) throws InterruptedException {
        await(h.ready());
        int fence = vgemFenceAttach(sys, vgem, scratch, Vgem.VGEM_FENCE_WRITE);
        h.go().countDown();

        Thread.sleep(hold);
        assertThat(h.passed()).as("the child waits for the write fence").isFalse();

        MappedMemory ptr = vgemMmap(sys, vgem, scratch, Mman.PROT_WRITE);
        fillWords(ptr, 1024, i -> i);
        ptr.close();
        vgemFenceSignal(sys, vgem, fence);
        gemClose(sys, vgem, scratch.handle);
    }

    // ---------------------------------------------------------------- basic-fence-*

    /**
     * basic-fence-read: the child reads the imported buffer under DMA_BUF_IOCTL_SYNC (the CPU's pread path), which
     * must wait for the parent's write fence and then show the parent's data.
     */
    @Test
    void basicFenceRead() throws Exception {
        VgemBo scratch = vgemCreate(sys, vgem, 1024, 1024, 32);
        byte[] token = exportToChild(scratch);

        Handshake h = new Handshake();
        Child child = new Child(env, "igt-child", c -> {
                    int buf = receive(c, token);
                    MappedMemory ptr = c.mmap(buf, 0, scratch.size, Mman.PROT_READ);
                    primeSyncStart(c, buf, false);
                    expectWords(ptr, 1024, i -> 0);
                    primeSyncEnd(c, buf, false);
                    h.readyThenAwaitGo();

                    primeSyncStart(c, buf, false);
                    h.passed().set(true);
                    expectWords(ptr, 1024, i -> i);
                    primeSyncEnd(c, buf, false);
                    ptr.close();
                    ok(c.close(buf));
                })
                .start();

        writeUnderFence(scratch, h, Duration.ofMillis(50));
        child.join();
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    /**
     * basic-fence-mmap: the child maps the buffer through its own device file (the importer's view) and waits for
     * the writer with a blocking poll for POLLIN (set_domain for reading) before reading through that mapping.
     */
    @Test
    void basicFenceMmap() throws Exception {
        VgemBo scratch = vgemCreate(sys, vgem, 1024, 1024, 32);
        byte[] token = exportToChild(scratch);

        Handshake h = new Handshake();
        Child child = new Child(env, "igt-child", c -> {
                    int buf = receive(c, token);
                    int importer = drmOpenDriver(c);
                    assertThat(hasPrimeImport(c, importer)).isTrue();
                    VgemBo imported = importBo(c, importer, buf, scratch);
                    MappedMemory ptr = vgemMmap(c, importer, imported, Mman.PROT_READ);

                    assertThat(poll(c, buf, POLLIN, -1)).isEqualTo(1);
                    expectWords(ptr, 1024, i -> 0);
                    h.readyThenAwaitGo();

                    assertThat(poll(c, buf, POLLIN, -1)).isEqualTo(1);
                    h.passed().set(true);
                    expectWords(ptr, 1024, i -> i);
                    ptr.close();
                    gemClose(c, importer, imported.handle);
                    ok(c.close(importer));
                    ok(c.close(buf));
                })
                .start();

        writeUnderFence(scratch, h, Duration.ofMillis(50));
        child.join();
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    /**
     * basic-fence-blt: the child's "blitter" copies the imported buffer row by row into a buffer of its own once a
     * sync file exported from the dma-buf (the readers' view) signals; the parent holds it back 50 ms first.
     */
    @Test
    void basicFenceBlt() throws Exception {
        VgemBo scratch = vgemCreate(sys, vgem, 1024, 1024, 32);
        byte[] token = exportToChild(scratch);
        long rowWords = scratch.pitch / 4;

        Handshake h = new Handshake();
        Child child = new Child(env, "igt-child", c -> {
                    int buf = receive(c, token);
                    int own = drmOpenDriver(c);
                    VgemBo nativeBo = vgemCreate(c, own, scratch.width, scratch.height, scratch.bpp);
                    MappedMemory dst = vgemMmap(c, own, nativeBo, Mman.PROT_READ | Mman.PROT_WRITE);
                    MappedMemory src = c.mmap(buf, 0, scratch.size, Mman.PROT_READ);
                    expectWords(dst, rowWords, i -> 0);
                    h.readyThenAwaitGo();

                    int sf = dmabufExportSyncFile(c, buf, (int) DmaBufIoctl.SYNC_READ);
                    assertThat(poll(c, sf, POLLIN, -1)).isEqualTo(1);
                    h.passed().set(true);
                    for (int row = 0; row < scratch.height; row++) {
                        setWord(dst, rowWords * row, word(src, rowWords * row));
                    }
                    expectWords(dst, rowWords, i -> i);
                    ok(c.close(sf));
                    src.close();
                    dst.close();
                    gemClose(c, own, nativeBo.handle);
                    ok(c.close(own));
                    ok(c.close(buf));
                })
                .start();

        // As the original, the parent writes one word per row (pitch 4096: the same words as 1024·i).
        assertThat(rowWords).isEqualTo(1024);
        writeUnderFence(scratch, h, Duration.ofMillis(50));
        child.join();
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    // ---------------------------------------------------------------- fence-wait

    /**
     * fence-wait: a write job queued behind a vgem write fence must not run until the fence signals. The "GPU" is
     * a second process that imports the buffer into its own device file and, before writing word {@code i = i}
     * through it, waits as a writer must (DMA_BUF_IOCTL_SYNC START for read and write).
     */
    @Test
    void fenceWait() throws Exception {
        VgemBo scratch = vgemCreate(sys, vgem, 1024, 1, 32);
        int dmabuf = primeHandleToFd(sys, vgem, scratch.handle);
        int fence = vgemFenceAttach(sys, vgem, scratch, Vgem.VGEM_FENCE_WRITE);
        assertThat(primeBusy(sys, dmabuf, false)).isTrue();
        gemClose(sys, vgem, scratch.handle);

        MappedMemory ptr = sys.mmap(dmabuf, 0, scratch.size, Mman.PROT_READ);
        byte[] token = send(sys, dmabuf);
        Child gpu = new Child(env, "igt-gpu", c -> {
                    int buf = receive(c, token);
                    int gpuFd = drmOpenDriver(c);
                    VgemBo target = importBo(c, gpuFd, buf, scratch);
                    MappedMemory out = vgemMmap(c, gpuFd, target, Mman.PROT_WRITE);
                    primeSyncStart(c, buf, true);
                    fillWords(out, 1, i -> i);
                    primeSyncEnd(c, buf, true);
                    out.close();
                    ok(c.close(gpuFd));
                    ok(c.close(buf));
                })
                .start();

        Thread.sleep(1000);
        // The job must not have completed early.
        expectWords(ptr, 1, i -> 0);
        assertThat(primeBusy(sys, dmabuf, false)).isTrue();
        assertThat(gpu.isAlive()).as("the job waits for the fence").isTrue();
        vgemFenceSignal(sys, vgem, fence);
        gpu.join();

        // But after signalling and waiting, it is done.
        primeSyncStart(sys, dmabuf, false);
        expectWords(ptr, 1, i -> i);
        primeSyncEnd(sys, dmabuf, false);
        ok(sys.close(dmabuf));
        ptr.close();
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    // ---------------------------------------------------------------- sync / busy / wait

    /**
     * The suites' {@code work()}: a "GPU" process imports the dma-buf into its own device file and submits a job
     * that writes word {@code i = i}: its write fence goes on the buffer at once, and both busy probes must say so
     * right after submission. A thread of that process then runs the job (after a short delay, so the parent's
     * wait really waits) and signals the fence when the data is written.
     */
    private Child work(int dmabuf, VgemBo scratch) throws Exception {
        byte[] token = send(sys, dmabuf);
        CountDownLatch submitted = new CountDownLatch(1);
        CountDownLatch run = new CountDownLatch(1);
        Child gpu = new Child(env, "igt-gpu", c -> {
                    int buf = receive(c, token);
                    int gpuFd = drmOpenDriver(c);
                    VgemBo target = importBo(c, gpuFd, buf, scratch);
                    ok(c.close(buf));
                    int fence = vgemFenceAttach(c, gpuFd, target, Vgem.VGEM_FENCE_WRITE);
                    MappedMemory out = vgemMmap(c, gpuFd, target, Mman.PROT_WRITE);
                    submitted.countDown();

                    await(run);
                    Thread.sleep(50);
                    fillWords(out, 1, i -> i);
                    out.close();
                    vgemFenceSignal(c, gpuFd, fence);
                    gemClose(c, gpuFd, target.handle);
                    ok(c.close(gpuFd));
                })
                .start();
        await(submitted);
        boolean readBusy = primeBusy(sys, dmabuf, true);
        boolean writeBusy = primeBusy(sys, dmabuf, false);
        run.countDown();
        assertThat(readBusy && writeBusy)
                .as("busy both ways right after submission")
                .isTrue();
        return gpu;
    }

    /** busy: polling {@code busy(read)} in a loop sees the job finish within 10 s, and its data. */
    @Test
    void busy() throws Exception {
        VgemBo scratch = vgemCreate(sys, vgem, 1024, 1, 32);
        int dmabuf = primeHandleToFd(sys, vgem, scratch.handle);
        Child gpu = work(dmabuf, scratch);

        long start = System.nanoTime();
        while (primeBusy(sys, dmabuf, false)) {
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
            Thread.onSpinWait();
        }
        MappedMemory ptr = vgemMmap(sys, vgem, scratch, Mman.PROT_READ);
        expectWords(ptr, 1, i -> i);
        ptr.close();

        gpu.join();
        gemClose(sys, vgem, scratch.handle);
        ok(sys.close(dmabuf));
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    /** wait: one poll for POLLIN with a 10 s timeout sees the job finish, and its data. */
    @Test
    void waitSubtest() throws Exception {
        VgemBo scratch = vgemCreate(sys, vgem, 1024, 1, 32);
        int dmabuf = primeHandleToFd(sys, vgem, scratch.handle);
        Child gpu = work(dmabuf, scratch);

        assertThat(poll(sys, dmabuf, POLLIN, 10_000)).isEqualTo(1);
        MappedMemory ptr = vgemMmap(sys, vgem, scratch, Mman.PROT_READ);
        expectWords(ptr, 1, i -> i);
        ptr.close();

        gpu.join();
        gemClose(sys, vgem, scratch.handle);
        ok(sys.close(dmabuf));
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    /** sync: a dma-buf mapping made before the job, read under SYNC START|READ, which waits for the job. */
    @Test
    void sync() throws Exception {
        VgemBo scratch = vgemCreate(sys, vgem, 1024, 1, 32);
        int dmabuf = primeHandleToFd(sys, vgem, scratch.handle);
        MappedMemory ptr = sys.mmap(dmabuf, 0, scratch.size, Mman.PROT_READ);
        gemClose(sys, vgem, scratch.handle);

        Child gpu = work(dmabuf, scratch);

        primeSyncStart(sys, dmabuf, false);
        expectWords(ptr, 1, i -> i);
        primeSyncEnd(sys, dmabuf, false);
        ok(sys.close(dmabuf));
        ptr.close();

        gpu.join();
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    // ---------------------------------------------------------------- *-flip

    /** basic-fence-flip: a page flip waits for the write fence of the buffer it shows. */
    @Test
    void basicFenceFlip() throws Exception {
        testFlip(false);
    }

    /**
     * fence-flip-hang: IGT would attach a fence without expiry and skips upstream; re-expressed as what the expiry
     * guarantees: a write fence nobody signals expires and the flip waiting for it completes then.
     */
    @Test
    void fenceFlipHang() throws Exception {
        testFlip(true);
    }

    /**
     * IGT's {@code test_flip}: two vgem buffers of the mode's size as framebuffers of the display, both flipped once
     * to bind them; then for each, a write fence, a child that queues a page flip with an event (it must not block:
     * done within 2 s), no event for 5 vblanks, then the fence is signalled at the start of a vblank (or, for the
     * hang, left to expire) and the flip event must arrive within 5 s (after the expiry, for the hang).
     */
    private void testFlip(boolean hang) throws Exception {
        Duration expiry = Duration.ofMillis(300);
        if (hang) {
            env.close();
            fixture(backend.boot(expiry));
        }
        int card = IgtKms.drmOpenDisplay(sys);
        IgtKms.Output o = IgtKms.output(sys, card);
        int width = 640;
        int height = 480;
        VgemBo[] bo = new VgemBo[2];
        int[] fb = new int[2];
        for (int i = 0; i < 2; i++) {
            bo[i] = vgemCreate(sys, vgem, width, height, 32);
            int fd = primeHandleToFd(sys, vgem, bo[i].handle);
            int handle = IgtKms.primeImport(sys, card, fd);
            ok(sys.close(fd));
            fb[i] = (int) ok(IgtKms.tryAddFb(sys, card, width, height, handle, bo[i].pitch));
        }
        ok(IgtKms.tryAtomic(sys, card, 0, IgtKms.Request.show(o, fb[0], width, height)));
        for (int i = 1; i >= 0; i--) {
            ok(IgtKms.tryPageFlip(sys, card, o.crtc(), fb[i], DrmMode.PAGE_FLIP_EVENT, fb[i]));
            assertThat(IgtKms.readEvents(sys, card, DrmEventVblank.SIZE)).hasSize(1);
        }
        for (int i = 0; i < 2; i++) {
            int target = fb[i];
            long attached = Env.CLOCK.nanoTime();
            int fence = vgemFenceAttach(sys, vgem, bo[i], Vgem.VGEM_FENCE_WRITE);
            byte[] token = send(sys, card);
            long forked = Env.CLOCK.nanoTime();
            new Child(env, "igt-flip", c -> {
                        int mine = receive(c, token);
                        ok(IgtKms.tryPageFlip(c, mine, o.crtc(), target, DrmMode.PAGE_FLIP_EVENT, target));
                        ok(c.close(mine));
                    })
                    .start()
                    .join();
            assertThat(Env.CLOCK.nanoTime() - forked)
                    .as("the flip does not block")
                    .isLessThan(2_000_000_000L);
            long[] r = new long[1];
            for (int n = 0; n < 5; n++) {
                assertThat(poll(sys, card, POLLIN, 0))
                        .as("no flip before the fence")
                        .isZero();
                IgtKms.waitVblank(sys, card, DrmMode.VBLANK_RELATIVE, 1, 0, r);
                ok(r[0]);
            }
            long released;
            if (hang) {
                released = attached + expiry.toNanos();
            } else {
                IgtKms.waitVblank(sys, card, DrmMode.VBLANK_RELATIVE, 1, 0, r);
                ok(r[0]);
                vgemFenceSignal(sys, vgem, fence);
                released = Env.CLOCK.nanoTime();
            }
            assertThat(poll(sys, card, POLLIN, (int) LATE.toMillis())).isEqualTo(1);
            List<DrmEventVblank> events = IgtKms.readEvents(sys, card, DrmEventVblank.SIZE);
            assertThat(events).hasSize(1);
            DrmEventVblank e = events.getFirst();
            assertThat(e.type()).isEqualTo(DrmMode.EVENT_FLIP_COMPLETE);
            assertThat(e.userData()).isEqualTo(target);
            long shownAt = (e.tvSec() * 1_000_000L + e.tvUsec()) * 1000L;
            assertThat(shownAt).as("shown at a vblank after the fence").isGreaterThanOrEqualTo(released / 1000 * 1000);
            if (hang) {
                assertErrno(tryVgemFenceSignal(sys, vgem, fence), Errno.ETIMEDOUT);
            }
        }
        ok(sys.close(card));
    }

    // ---------------------------------------------------------------- *-hang

    /** fence-read-hang: a read fence nobody signals. */
    @Test
    void fenceReadHang() throws Exception {
        fenceHang(0);
    }

    /** fence-write-hang: a write fence nobody signals. */
    @Test
    void fenceWriteHang() throws Exception {
        fenceHang(Vgem.VGEM_FENCE_WRITE);
    }

    /**
     * A fence its owner never signals (IGT would make it expiry-less; upstream vgem refuses that flag) blocks a
     * would-be writer in another process (SYNC START|RW), a poller for POLLOUT in a third, a waiter on an exported
     * sync file, and, for a write fence, a reader under SYNC START|READ (a read fence lets that reader through at
     * once). The expiry must release every one of them,
     * none before it, and they then see the data that was there: nothing was written.
     */
    private void fenceHang(int flags) throws Exception {
        Duration expiry = Duration.ofMillis(300);
        env.close();
        fixture(backend.boot(expiry));
        assertThat(vgemFenceHasFlag(sys, vgem, WIP_VGEM_FENCE_NOTIMEOUT))
                .as("upstream vgem has no expiry-less fences")
                .isFalse();

        VgemBo scratch = vgemCreate(sys, vgem, 1024, 1, 32);
        MappedMemory init = vgemMmap(sys, vgem, scratch, Mman.PROT_WRITE);
        fillWords(init, 1, i -> 0x5a5a0000 | i);
        init.close();
        int dmabuf = primeHandleToFd(sys, vgem, scratch.handle);

        boolean write = flags == Vgem.VGEM_FENCE_WRITE;
        long attached = Env.CLOCK.nanoTime();
        int fence = vgemFenceAttach(sys, vgem, scratch, flags);
        if (!write) {
            // A reader does not wait for a reader: it gets past SYNC while the fence is still pending.
            primeSyncStart(sys, dmabuf, false);
            assertThat(primeBusy(sys, dmabuf, true))
                    .as("the read fence is still pending")
                    .isTrue();
            primeSyncEnd(sys, dmabuf, false);
        }
        MappedMemory ptr = sys.mmap(dmabuf, 0, scratch.size, Mman.PROT_READ);
        gemClose(sys, vgem, scratch.handle);
        int sf = dmabufExportSyncFile(sys, dmabuf, (int) DmaBufIoctl.SYNC_WRITE);

        List<AtomicLong> released = new ArrayList<>();
        List<Child> waiters = new ArrayList<>();
        waiters.add(waiter(dmabuf, "igt-writer", released, (c, fd) -> {
            assertThat(tryDmabufSync(c, fd, DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_RW))
                    .isZero();
            assertThat(tryDmabufSync(c, fd, DmaBufIoctl.SYNC_END | DmaBufIoctl.SYNC_RW))
                    .isZero();
        }));
        waiters.add(waiter(
                dmabuf,
                "igt-poller",
                released,
                (c, fd) -> assertThat(poll(c, fd, POLLOUT, -1)).isEqualTo(1)));
        waiters.add(waiter(
                sf,
                "igt-syncfile",
                released,
                (c, fd) -> assertThat(poll(c, fd, POLLIN, -1)).isEqualTo(1)));

        long readerReleased;
        primeSyncStart(sys, dmabuf, false);
        readerReleased = Env.CLOCK.nanoTime();
        expectWords(ptr, 1, i -> 0x5a5a0000 | i);
        primeSyncEnd(sys, dmabuf, false);
        for (Child w : waiters) {
            w.join();
        }

        long deadline = attached + expiry.toNanos();
        for (AtomicLong at : released) {
            assertThat(at.get()).as("released by the expiry, not before").isGreaterThanOrEqualTo(deadline);
            assertThat(at.get()).as("released soon after the expiry").isLessThan(deadline + LATE.toNanos());
        }
        if (write) {
            assertThat(readerReleased).as("a reader waits for the writer").isGreaterThanOrEqualTo(deadline);
        }
        // Nothing was written while the fence was pending, nor after.
        expectWords(ptr, 1, i -> 0x5a5a0000 | i);
        assertErrno(tryVgemFenceSignal(sys, vgem, fence), Errno.ETIMEDOUT);

        ok(sys.close(sf));
        ok(sys.close(dmabuf));
        ptr.close();
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    private interface Wait {
        void run(Syscalls sys, int fd) throws Exception;
    }

    /** Starts a process that receives {@code fd}, waits on it with {@code wait}, and records when it got past. */
    private Child waiter(int fd, String comm, List<AtomicLong> released, Wait wait) {
        byte[] token = send(sys, fd);
        AtomicLong at = new AtomicLong();
        released.add(at);
        return new Child(env, comm, c -> {
                    int mine = receive(c, token);
                    wait.run(c, mine);
                    at.set(Env.CLOCK.nanoTime());
                    ok(c.close(mine));
                })
                .start();
    }
}
