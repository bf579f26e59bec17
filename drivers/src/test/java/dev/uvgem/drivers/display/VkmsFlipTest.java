package dev.uvgem.drivers.display;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.trace.TraceEvent;
import dev.uvgem.core.trace.TraceRecorder;
import dev.uvgem.core.trace.Track;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The flip pipeline of the virtual display: fences, vblanks, events, captures. */
class VkmsFlipTest {
    private final VkmsTestKit t = new VkmsTestKit();

    @Test
    void atomicSetupFlipsAtTheNextVblankAndCapturesTheFrame() {
        VkmsTestKit.Frame red = t.frame(0x00ff0000);
        t.setUp(red);
        List<FrameCapture> frames = t.frames();
        assertThat(frames).hasSize(1);
        FrameCapture f = frames.getFirst();
        assertThat(f.fbId()).isEqualTo(red.fbId());
        assertThat(f.sequence()).isEqualTo(1);
        assertThat(f.timestampNanos()).isEqualTo(t.vkms.crtc().vblankTime(1));
        assertThat(f.scanout().argb(10, 10)).isEqualTo(0xffff0000);
        CRC32 crc = new CRC32();
        crc.update(f.scanout().bytes());
        assertThat(f.crc()).isEqualTo(crc.getValue());
        assertThat(t.vkms.plane().state().fb().id()).isEqualTo(red.fbId());
        assertThat(t.vkms.lastFrame()).isSameAs(f);
    }

    @Test
    void pageFlipWaitsForTheWriteFenceThenFlipsAtTheNextVblankWithAnEvent() {
        VkmsTestKit.Frame a = t.frame(0x00112233);
        VkmsTestKit.Frame b = t.frame(0x00445566);
        t.setUp(a);
        int fence = t.writeFence(b);
        assertThat(t.pageFlip(t.card, b.fbId(), DrmMode.PAGE_FLIP_EVENT, 77)).isZero();
        assertThat(t.pageFlip(t.card, b.fbId(), DrmMode.PAGE_FLIP_EVENT, 78)).isEqualTo(Errno.EBUSY.negative());
        for (int i = 0; i < 5; i++) {
            t.nextVblank();
        }
        assertThat(t.frames()).hasSize(1);
        assertThat(t.file(t.card).events().hasEvents()).isFalse();
        t.k.clock.advance(Duration.ofMillis(3));
        assertThat(t.k.signal(t.vgem, fence)).isZero();
        long signalled = t.k.clock.nanoTime();
        assertThat(t.frames()).hasSize(1);
        t.nextVblank();
        List<FrameCapture> frames = t.frames();
        assertThat(frames).hasSize(2);
        FrameCapture shown = frames.get(1);
        assertThat(shown.fbId()).isEqualTo(b.fbId());
        assertThat(shown.timestampNanos()).isGreaterThan(signalled);
        assertThat(shown.timestampNanos() - signalled)
                .isLessThanOrEqualTo(t.vkms.crtc().vblankPeriodNanos());
        List<DrmEventVblank> events = t.read(t.card, 4096);
        assertThat(events).hasSize(1);
        DrmEventVblank e = events.getFirst();
        assertThat(e.type()).isEqualTo(DrmMode.EVENT_FLIP_COMPLETE);
        assertThat(e.userData()).isEqualTo(77);
        assertThat(e.sequence()).isEqualTo((int) shown.sequence());
        assertThat(e.crtcId()).isEqualTo(t.vkms.crtc().id());
        assertThat(e.tvSec() * 1_000_000L + e.tvUsec()).isEqualTo(shown.timestampNanos() / 1000);
    }

    @Test
    void aFenceSignalledWithAnErrorStillFlipsAndTheCaptureRecordsIt() {
        VkmsTestKit.Frame a = t.frame(1);
        VkmsTestKit.Frame b = t.frame(2);
        t.setUp(a);
        Fence in = Fence.create(t.k.clock, "test", "in", FenceContext.allocate(), 1);
        int fd = t.k.task.install(SyncFile.open(in), 0);
        VkmsTestKit.Props props = t.show(b.fbId()).set(t.vkms.plane().id(), t.config().inFenceFd, fd);
        assertThat(t.atomic(t.card, DrmMode.ATOMIC_NONBLOCK, 0, props)).isZero();
        t.nextVblank();
        assertThat(t.frames()).hasSize(1);
        in.setError(Errno.EIO);
        in.signal();
        t.nextVblank();
        assertThat(t.frames()).hasSize(2);
        assertThat(t.frames().get(1).fbId()).isEqualTo(b.fbId());
        assertThat(t.frames().get(1).fenceError()).isEqualTo(Errno.EIO.negative());
    }

    @Test
    void thePlaneFenceWaitIsTracedOnTheCrtcsCommitTrackUntilTheSignal() {
        VkmsTestKit.Frame a = t.frame(1);
        VkmsTestKit.Frame b = t.frame(2);
        t.setUp(a);
        Fence in = Fence.create(t.k.clock, "test", "in", FenceContext.allocate(), 1);
        List<TraceEvent> waits;
        try (TraceRecorder rec = TraceRecorder.start()) {
            int fd = t.k.task.install(SyncFile.open(in), 0);
            VkmsTestKit.Props props = t.show(b.fbId()).set(t.vkms.plane().id(), t.config().inFenceFd, fd);
            assertThat(t.atomic(t.card, DrmMode.ATOMIC_NONBLOCK, 0, props)).isZero();
            t.k.clock.advance(Duration.ofMillis(3));
            in.signal();
            waits = rec.events().stream()
                    .filter(e -> e instanceof TraceEvent.FenceWaitStart || e instanceof TraceEvent.FenceWaitEnd)
                    .toList();
        }
        Track commit = new Track("display", "crtc-" + t.vkms.crtc().id() + " commit");
        assertThat(waits).hasSize(2);
        assertThat(waits.getFirst()).isInstanceOf(TraceEvent.FenceWaitStart.class);
        assertThat(waits.getLast()).isEqualTo(new TraceEvent.FenceWaitEnd(in.timestamp(), in.traceRef(), commit, 1));
        assertThat(((TraceEvent.FenceWaitStart) waits.getFirst()).waiter()).isEqualTo(commit);
    }

    @Test
    void vblanksFlipsAndScanoutsAreTracedOnTheCrtcsDisplayTracksInOrder() {
        VkmsTestKit.Frame a = t.frame(1);
        VkmsTestKit.Frame b = t.frame(2);
        String crtc = "display/crtc-" + t.vkms.crtc().id();
        List<TraceEvent> events;
        long flipQueued;
        try (TraceRecorder rec = TraceRecorder.start()) {
            t.setUp(a);
            t.k.clock.advance(Duration.ofMillis(3));
            flipQueued = t.k.clock.nanoTime();
            assertThat(t.pageFlip(t.card, b.fbId(), DrmMode.PAGE_FLIP_EVENT, 77))
                    .isZero();
            t.nextVblank();
            t.k.clock.advance(Duration.ofMillis(2));
            assertThat(t.k.call(t.card, DrmMode.IOCTL_RMFB, buf -> buf.putInt(0, b.fbId()))
                            .ret())
                    .isZero();
            events = rec.events().stream()
                    .filter(e -> e instanceof TraceEvent.Instant || e instanceof TraceEvent.Slice)
                    .toList();
        }
        List<FrameCapture> frames = t.frames();
        assertThat(frames).hasSize(2);
        FrameCapture first = frames.get(0);
        FrameCapture second = frames.get(1);
        long removed = second.timestampNanos() + Duration.ofMillis(2).toNanos();
        assertThat(events)
                .extracting(e -> describe(e))
                .containsExactly(
                        crtc + " vblank: vblank " + first.sequence() + " @" + first.timestampNanos(),
                        crtc + " flips: flip fb " + a.fbId() + " @" + first.timestampNanos(),
                        crtc + " vblank: vblank " + second.sequence() + " @" + second.timestampNanos(),
                        crtc + " scanout: fb " + a.fbId() + " @" + second.timestampNanos(),
                        crtc + " flips: flip fb " + b.fbId() + " @" + second.timestampNanos(),
                        crtc + " scanout: fb " + b.fbId() + " @" + removed);
        TraceEvent.Slice flip = (TraceEvent.Slice) events.get(4);
        assertThat(flip.timestamp()).as("from the commit").isEqualTo(flipQueued);
        assertThat(flip.args())
                .containsEntry("user_data", "77")
                .containsEntry("vblank", Long.toString(second.sequence()))
                .containsEntry("crc", Long.toHexString(second.crc()));
        TraceEvent.Slice shownA = (TraceEvent.Slice) events.get(3);
        assertThat(shownA.timestamp()).as("on screen since its flip").isEqualTo(first.timestampNanos());
        assertThat(((TraceEvent.Slice) events.get(5)).timestamp()).isEqualTo(second.timestampNanos());
    }

    // "group/track: name @end" of a driver instant or slice (a slice's end, an instant's time).
    private static String describe(TraceEvent e) {
        return switch (e) {
            case TraceEvent.Instant i ->
                i.track().group() + "/" + i.track().name() + ": " + i.name() + " @" + i.timestamp();
            case TraceEvent.Slice s -> s.track().group() + "/" + s.track().name() + ": " + s.name() + " @" + s.end();
            default -> throw new AssertionError(e);
        };
    }

    @Test
    void theOutFenceSignalsAtTheFlipStampedWithTheVblankTime() {
        VkmsTestKit.Frame a = t.frame(1);
        t.setClientCap(t.card, DrmMode.CLIENT_CAP_ATOMIC, 1);
        long ptr = t.k.task.alloc(8);
        VkmsTestKit.Props props = t.show(a.fbId()).set(t.vkms.crtc().id(), t.config().outFencePtr, ptr);
        assertThat(t.atomic(t.card, DrmMode.ATOMIC_NONBLOCK, 0, props)).isZero();
        int fd = t.k.task.userBytes(ptr, 4).getInt(0);
        assertThat(fd).isGreaterThanOrEqualTo(0);
        assertThat(t.k.task.fdFlags(fd) & Drm.CLOEXEC)
                .as("close-on-exec, as get_unused_fd_flags(O_CLOEXEC)")
                .isNotZero();
        Fence out = SyncFile.fromFd(t.k.task, fd).fence();
        assertThat(out.isSignaled()).isFalse();
        assertThat(out.driverName()).isEqualTo("vkms");
        t.nextVblank();
        assertThat(out.isSignaled()).isTrue();
        assertThat(out.timestamp()).isEqualTo(t.frames().getFirst().timestampNanos());
    }

    @Test
    void aHungVgemFenceExpiresAndLaterFramesArePresented() {
        VkmsTestKit.Frame a = t.frame(1);
        VkmsTestKit.Frame b = t.frame(2);
        t.setUp(a);
        t.writeFence(b); // never signalled
        assertThat(t.pageFlip(t.card, b.fbId(), DrmMode.PAGE_FLIP_EVENT, 1)).isZero();
        t.k.clock.advance(Duration.ofSeconds(9));
        assertThat(t.frames()).hasSize(1);
        assertThat(t.pageFlip(t.card, a.fbId(), 0, 0)).isEqualTo(Errno.EBUSY.negative());
        t.k.clock.advance(Duration.ofSeconds(1));
        t.nextVblank();
        assertThat(t.frames()).hasSize(2);
        assertThat(t.frames().get(1).fbId()).isEqualTo(b.fbId());
        assertThat(t.pageFlip(t.card, a.fbId(), 0, 0)).isZero();
        t.nextVblank();
        assertThat(t.frames()).hasSize(3);
        assertThat(t.frames().get(2).fbId()).isEqualTo(a.fbId());
    }

    @Test
    void theVblankTimerRunsOnlyWhileSomethingNeedsIt() {
        VkmsTestKit.Frame a = t.frame(1);
        assertThat(t.vkms.crtc().vblankTimerRunning()).isFalse();
        t.setUp(a);
        t.nextVblank();
        assertThat(t.vkms.crtc().vblankTimerRunning()).isFalse();
        assertThat(t.k.clock.pendingTimers()).isZero();
    }

    @Test
    void readReturnsWholeEventsOnlyAndEagainWhenEmpty() {
        int nb = t.openDisplay(OpenFile.O_RDWR | OpenFile.O_NONBLOCK);
        assertThat(t.readErr(nb, 64)).isEqualTo(Errno.EAGAIN.negative());
        DrmTestKit.Result r = t.waitVblank(nb, DrmMode.VBLANK_RELATIVE | DrmMode.VBLANK_EVENT, 1, 99);
        assertThat(r.ret()).isZero();
        assertThat(r.arg().getInt(4)).isEqualTo(1);
        assertThat(r.arg().getInt(0)).isEqualTo(DrmMode.VBLANK_EVENT);
        assertThat(t.file(nb).events().space()).isEqualTo(4096 - 32);
        t.nextVblank();
        assertThat(t.readErr(nb, DrmEventVblank.SIZE - 1)).isZero();
        List<DrmEventVblank> events = t.read(nb, 100);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().type()).isEqualTo(DrmMode.EVENT_VBLANK);
        assertThat(events.getFirst().userData()).isEqualTo(99);
        assertThat(events.getFirst().sequence()).isEqualTo(1);
        assertThat(t.file(nb).events().space()).isEqualTo(4096);
    }
}
