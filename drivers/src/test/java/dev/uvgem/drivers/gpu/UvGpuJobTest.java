package dev.uvgem.drivers.gpu;

import static dev.uvgem.drivers.gpu.GpuTestKit.blend;
import static dev.uvgem.drivers.gpu.GpuTestKit.bo;
import static dev.uvgem.drivers.gpu.GpuTestKit.bos;
import static dev.uvgem.drivers.gpu.GpuTestKit.copy;
import static dev.uvgem.drivers.gpu.GpuTestKit.duration;
import static dev.uvgem.drivers.gpu.GpuTestKit.fill;
import static dev.uvgem.drivers.gpu.GpuTestKit.hang;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.drivers.sched.SchedFence;
import dev.uvgem.uapi.DmaBufExportSyncFile;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjCreate;
import dev.uvgem.uapi.DrmSyncobjHandle;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuCmd;
import dev.uvgem.uapi.UvGpuResetStats;
import dev.uvgem.uapi.UvGpuSubmit;
import dev.uvgem.uapi.Vgem;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What uvgpu jobs do: commands on memory, implicit and explicit sync, durations, hangs, bans and teardown. */
class UvGpuJobTest {
    private static final ValueLayout.OfInt PIXEL = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long HANG = Duration.ofMillis(100).toNanos();

    private final GpuTestKit t = new GpuTestKit();
    private final DrmTestKit kit = t.kit;
    private int fd;
    private int ctx;

    @BeforeEach
    void setUp() {
        fd = t.openGpu();
        ctx = (int) t.ctxCreate(fd, HANG, 2);
    }

    private int buffer() {
        return (int) t.boCreate(fd, 4096);
    }

    @Test
    void fillCopyAndBlendWriteTheBuffersMemory() {
        int a = buffer();
        int b = buffer();
        Fence done = t.submitOut(
                fd,
                ctx,
                bos(bo(a, UvGpu.BO_READ | UvGpu.BO_WRITE), bo(b, UvGpu.BO_READ | UvGpu.BO_WRITE)),
                fill(0, 0, 4096, 0x80ff0000),
                fill(1, 0, 4096, 0xff0000ff),
                copy(0, 0, 1, 2048, 1024),
                blend(0, 1, 16, 255));
        assertThat(done.status()).isEqualTo(1);
        MemorySegment out = t.memory(fd, b);
        assertThat(out.get(PIXEL, 0)).isEqualTo(GpuCommands.blendPixel(0x80ff0000, 0xff0000ff, 255));
        assertThat(out.get(PIXEL, 16)).isEqualTo(0xff0000ff);
        assertThat(out.get(PIXEL, 2048)).isEqualTo(0x80ff0000);
        assertThat(out.get(PIXEL, 3072)).isEqualTo(0xff0000ff);
        assertThat(t.stats(fd, ctx).completed()).isEqualTo(1);
    }

    @Test
    void blendIsSourceOverWithTheSourcesAlphaScaled() {
        assertThat(GpuCommands.blendPixel(0xffffffff, 0xff000000, 255)).isEqualTo(0xffffffff);
        assertThat(GpuCommands.blendPixel(0x00ffffff, 0xff102030, 255)).isEqualTo(0xff102030);
        assertThat(GpuCommands.blendPixel(0xffff0000, 0xff0000ff, 0)).isEqualTo(0xff0000ff);
        assertThat(GpuCommands.blendPixel(0xffff0000, 0xff0000ff, 128) & 0xff00ff)
                .isEqualTo(0x80007f);
    }

    @Test
    void aDurationIsATimerOnTheKernelClock() {
        Fence done = t.submitOut(fd, ctx, bos(), duration(Duration.ofMillis(30).toNanos()));
        kit.clock.advance(Duration.ofMillis(29));
        assertThat(done.isSignaled()).isFalse();
        kit.clock.advance(Duration.ofMillis(1));
        assertThat(done.status()).isEqualTo(1);
        assertThat(kit.clock.pendingTimers()).isZero();
    }

    @Test
    void jobsOfOneContextCompleteInSubmissionOrder() {
        Fence slow = t.submitOut(fd, ctx, bos(), duration(50));
        Fence quick = t.submitOut(fd, ctx, bos());
        assertThat(quick.isSignaled()).isFalse();
        kit.clock.advanceNanos(50);
        assertThat(slow.isSignaled()).isTrue();
        assertThat(quick.isSignaled()).isTrue();
        assertThat(Fence.isLater(quick, slow)).isTrue();
    }

    @Test
    void implicitSyncWaitsForAVgemWriterAndPublishesTheJobsFence() {
        int vgem = kit.openCard();
        int[] shared = t.shared(vgem, fd, 1);
        long fence = kit.attach(vgem, shared[0], Vgem.VGEM_FENCE_WRITE);
        Fence done = t.submitOut(fd, ctx, bos(bo(shared[1], UvGpu.BO_WRITE)), fill(0, 0, 4096, 0x01020304));
        assertThat(done.isSignaled()).isFalse();
        GemObject obj = ((DrmFile) kit.task.file(fd).privateData()).lookup(shared[1]);
        assertThat(obj.resv().getFences(ResvUsage.WRITE)).contains(done);
        obj.put();
        assertThat(kit.signal(vgem, (int) fence)).isZero();
        assertThat(done.status()).isEqualTo(1);
        assertThat(t.memory(fd, shared[1]).get(PIXEL, 0)).isEqualTo(0x01020304);
    }

    @Test
    void aReaderWaitsForTheWriterButNotForOtherReaders() {
        int buf = buffer();
        int other = (int) t.ctxCreate(fd, HANG, 2);
        Fence reader = t.submitOut(fd, ctx, bos(bo(buf, UvGpu.BO_READ)), duration(100));
        Fence secondReader = t.submitOut(fd, other, bos(bo(buf, UvGpu.BO_READ)));
        assertThat(secondReader.isSignaled())
                .as("readers do not wait for readers")
                .isTrue();
        Fence writer = t.submitOut(fd, other, bos(bo(buf, UvGpu.BO_WRITE)), fill(0, 0, 4, 1));
        assertThat(writer.isSignaled()).as("a writer waits for readers").isFalse();
        kit.clock.advanceNanos(100);
        assertThat(reader.isSignaled()).isTrue();
        assertThat(writer.status()).isEqualTo(1);
    }

    @Test
    void anInFenceOrdersJobsAcrossContextsAndTheOutFenceIsTheFinishedFence() {
        int other = (int) t.ctxCreate(fd, HANG, 2);
        UvGpuSubmit first =
                t.submit(fd, t.request(ctx, UvGpu.SUBMIT_OUT_FENCE, bos(), new UvGpuCmd[] {duration(10)}, -1));
        Fence firstFence = SyncFile.getFence(kit.task, first.outFenceFd());
        assertThat(SchedFence.of(firstFence)).isNotNull();
        assertThat(firstFence.seqno()).isEqualTo(first.seqno());
        UvGpuSubmit second = t.submit(
                fd,
                t.request(
                        other,
                        UvGpu.SUBMIT_IN_FENCE | UvGpu.SUBMIT_OUT_FENCE,
                        bos(),
                        new UvGpuCmd[0],
                        first.outFenceFd()));
        assertThat(kit.lastRet).isZero();
        Fence secondFence = SyncFile.getFence(kit.task, second.outFenceFd());
        assertThat(secondFence.isSignaled()).isFalse();
        kit.clock.advanceNanos(10);
        assertThat(secondFence.status()).isEqualTo(1);
    }

    @Test
    void anOutFenceGoesIntoASyncobjOfTheGpuFile() {
        UvGpuSubmit s = t.submit(fd, t.request(ctx, UvGpu.SUBMIT_OUT_FENCE, bos(), new UvGpuCmd[] {duration(5)}, -1));
        Fence job = SyncFile.getFence(kit.task, s.outFenceFd());
        DrmTestKit.Result created = kit.call(fd, DrmSyncobj.IOCTL_CREATE, b -> new DrmSyncobjCreate(0, 0).write(b));
        assertThat(created.ret()).isZero();
        int syncobj = DrmSyncobjCreate.read(created.arg()).handle();
        assertThat(kit.call(
                                fd,
                                DrmSyncobj.IOCTL_FD_TO_HANDLE,
                                b -> new DrmSyncobjHandle(
                                                syncobj,
                                                DrmSyncobj.FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
                                                s.outFenceFd(),
                                                0,
                                                0)
                                        .write(b))
                        .ret())
                .isZero();
        DrmTestKit.Result exported = kit.call(
                fd,
                DrmSyncobj.IOCTL_HANDLE_TO_FD,
                b -> new DrmSyncobjHandle(syncobj, DrmSyncobj.HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, -1, 0, 0).write(b));
        assertThat(exported.ret()).isZero();
        assertThat(SyncFile.getFence(
                        kit.task, DrmSyncobjHandle.read(exported.arg()).fd()))
                .isSameAs(job);
    }

    @Test
    void aHangIsKilledWithEtimeAndTheSecondBansTheContextWhileOthersGoOn() {
        int other = (int) t.ctxCreate(fd, HANG * 10, 2);
        Fence first = t.submitOut(fd, ctx, bos(), hang());
        Fence afterFirst = t.submitOut(fd, ctx, bos());
        Fence elsewhere = t.submitOut(fd, other, bos(), duration(HANG * 3));
        kit.clock.advanceNanos(HANG);
        assertThat(first.status()).isEqualTo(Errno.ETIME.negative());
        assertThat(afterFirst.status()).as("one hang does not ban").isEqualTo(1);
        Fence second = t.submitOut(fd, ctx, bos(), hang());
        Fence queued = t.submitOut(fd, ctx, bos(), duration(1));
        kit.clock.advanceNanos(HANG);
        assertThat(second.status()).isEqualTo(Errno.ETIME.negative());
        assertThat(queued.status()).isEqualTo(Errno.ECANCELED.negative());
        assertThat(t.stats(fd, ctx)).isEqualTo(new UvGpuResetStats(ctx, 0, 2, 1, 1, 2, 1));
        assertThat(t.submitErr(fd, ctx, 0, bos(), new UvGpuCmd[0], -1)).isEqualTo(Errno.ECANCELED.negative());
        assertThat(elsewhere.isSignaled()).isFalse();
        kit.clock.advanceNanos(HANG);
        assertThat(elsewhere.status())
                .as("the other context's long job is not killed")
                .isEqualTo(1);
        assertThat(t.stats(fd, other).hangs()).isZero();
        assertThat(kit.clock.pendingTimers()).isZero();
    }

    @Test
    void destroyingAContextEndsItsQueuedJobsWithEsrchAndLetsTheRunningOneFinish() {
        Fence running = t.submitOut(fd, ctx, bos(), duration(10));
        Fence queued = t.submitOut(fd, ctx, bos());
        assertThat(t.ctxDestroy(fd, ctx)).isZero();
        assertThat(queued.isSignaled()).as("chained behind the running job").isFalse();
        kit.clock.advanceNanos(10);
        assertThat(running.status()).isEqualTo(1);
        assertThat(queued.status()).isEqualTo(Errno.ESRCH.negative());
    }

    @Test
    void closingTheFileDestroysItsContextsAndAHungJobStillEndsByTimeout() {
        Fence hung = t.submitOut(fd, ctx, bos(), hang());
        Fence queued = t.submitOut(fd, ctx, bos());
        kit.task.close(fd);
        assertThat(hung.isSignaled()).isFalse();
        kit.clock.advanceNanos(HANG);
        assertThat(hung.status()).isEqualTo(Errno.ETIME.negative());
        assertThat(queued.status()).isEqualTo(Errno.ESRCH.negative());
        assertThat(kit.clock.pendingTimers()).isZero();
    }

    @Test
    void aNeverSignalledVgemFenceHoldsTheJobOnlyUntilItExpires() {
        int vgem = kit.openCard();
        int[] shared = t.shared(vgem, fd, 1);
        kit.attach(vgem, shared[0], Vgem.VGEM_FENCE_WRITE);
        int dmabuf = (int) kit.exportFd(vgem, shared[0], 0);
        DrmTestKit.Result exported = kit.call(
                dmabuf,
                DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE,
                b -> new DmaBufExportSyncFile((int) DmaBufIoctl.SYNC_READ, -1).write(b));
        int inFence = DmaBufExportSyncFile.read(exported.arg()).fd();
        UvGpuSubmit s = t.submit(
                fd, t.request(ctx, UvGpu.SUBMIT_IN_FENCE | UvGpu.SUBMIT_OUT_FENCE, bos(), new UvGpuCmd[0], inFence));
        Fence job = SyncFile.getFence(kit.task, s.outFenceFd());
        kit.clock.advance(Duration.ofSeconds(9));
        assertThat(job.isSignaled()).as("no timeout on dependencies").isFalse();
        assertThat(t.stats(fd, ctx).hangs()).isZero();
        kit.clock.advance(Duration.ofSeconds(1));
        assertThat(job.status()).as("the vgem fence expired without error").isEqualTo(1);
        assertThat(kit.clock.pendingTimers()).isZero();
    }
}
