package dev.uvgem.drivers.display;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ModeFbCmd2;
import org.junit.jupiter.api.Test;

/** The display's mode objects, framebuffers, implicit and explicit plane fences, blocking commits and teardown. */
class VkmsObjectsTest {
    private final VkmsTestKit t = new VkmsTestKit();

    @Test
    void theDefaultModeIsVga60() {
        DisplayMode m = DisplayMode.VGA_640X480_60;
        assertThat(m.refreshHz()).isEqualTo(60);
        assertThat(m.frameDurationNanos()).isEqualTo(16_683_217L);
        assertThat(t.vkms.crtc().vblankPeriodNanos()).isEqualTo(m.frameDurationNanos());
        assertThat(DisplayMode.of(320, 200, 30).refreshHz()).isEqualTo(30);
        VkmsDevice at50 = new VkmsDevice(t.k.clock, DisplayMode.of(640, 480, 50), t.k.allocator, t.k.dmaBufs, 2);
        assertThat(at50.crtc().vblankPeriodNanos())
                .as("the vblank rate follows the mode")
                .isEqualTo(20_000_000L);
        assertThat(at50.connector().modes().getFirst().toModeInfo().vrefresh()).isEqualTo(50);
    }

    @Test
    void objectIdsAreOneSpaceAndPropertiesTyped() {
        ModeConfig c = t.config();
        assertThat(c.find(t.vkms.crtc().id(), DrmMode.OBJECT_CRTC)).isSameAs(t.vkms.crtc());
        assertThat(c.find(t.vkms.crtc().id(), DrmMode.OBJECT_PLANE)).isNull();
        assertThat(c.findProperty(c.fbId.id())).isSameAs(c.fbId);
        assertThat(c.findProperty(t.vkms.plane().id())).isNull();
        assertThat(c.inFenceFd.acceptsValue(-1)).isTrue();
        assertThat(c.inFenceFd.acceptsValue(-2)).isFalse();
        assertThat(c.srcW.acceptsValue(0xFFFF_FFFFL)).isTrue();
        assertThat(c.srcW.acceptsValue(1L << 32)).isFalse();
        assertThat(c.planeType.acceptsValue(DrmMode.PLANE_TYPE_PRIMARY))
                .as("immutable")
                .isFalse();
        assertThat(c.dpms.acceptsValue(3)).isTrue();
        assertThat(c.dpms.acceptsValue(4)).isFalse();
        assertThat(t.vkms.plane().propertyValue(c.inFenceFd)).isEqualTo(-1);
        assertThat(t.vkms.crtc().propertyValue(c.modeId))
                .isEqualTo(t.vkms.crtc().modeBlob().id());
    }

    @Test
    void addFbChecksSizesHandlesAndTheBuffer() {
        VkmsTestKit.Frame f = t.frame(0);
        int h = f.handle();
        int xr24 = DrmMode.FORMAT_XRGB8888;
        assertThat(t.addFb(t.card, ModeFbCmd2.singlePlane(19, 480, xr24, h, 2560)))
                .isEqualTo(-22);
        assertThat(t.addFb(t.card, ModeFbCmd2.singlePlane(640, 480, 0x20203859, h, 2560)))
                .isEqualTo(-22);
        assertThat(t.addFb(t.card, ModeFbCmd2.singlePlane(640, 480, xr24, 0, 2560)))
                .isEqualTo(-22);
        assertThat(t.addFb(t.card, ModeFbCmd2.singlePlane(640, 480, xr24, h, 2556)))
                .isEqualTo(-22);
        assertThat(t.addFb(t.card, ModeFbCmd2.singlePlane(640, 480, xr24, 999, 2560)))
                .isEqualTo(-2);
        assertThat(t.addFb(t.card, ModeFbCmd2.singlePlane(640, 481, xr24, h, 2560)))
                .as("larger than the buffer")
                .isEqualTo(-22);
        assertThat(t.addFb(t.card, ModeFbCmd2.singlePlane(640, 480, xr24, h, 0x7fff_0000)))
                .isEqualTo(Errno.ERANGE.negative());
        assertThat(t.addFb(t.card, ModeFbCmd2.singlePlane(320, 240, xr24, h, 2560)))
                .isPositive();
    }

    @Test
    void anExplicitFenceOverridesWriteFencesButNotKernelFences() {
        VkmsTestKit.Frame f = t.frame(0);
        Framebuffer fb = t.config().lookupFb(f.fbId());
        try {
            Reservation resv = fb.object().resv();
            Fence write = fence(1);
            Fence kernel = fence(2);
            resv.lock(null);
            try {
                resv.reserveFences(1);
                resv.addFence(write, ResvUsage.WRITE);
            } finally {
                resv.unlock();
            }
            PlaneState s = PlaneState.OFF.withFb(fb);
            assertThat(PendingFlip.prepareFb(s)).as("implicit: the write fence").isSameAs(write);
            Fence in = fence(3);
            assertThat(PendingFlip.prepareFb(s.withFence(in)))
                    .as("explicit wins")
                    .isSameAs(in);
            resv.lock(null);
            try {
                resv.reserveFences(1);
                resv.addFence(kernel, ResvUsage.KERNEL);
            } finally {
                resv.unlock();
            }
            Fence both = PendingFlip.prepareFb(s.withFence(in));
            in.signal();
            assertThat(both.isSignaled()).as("the kernel fence still counts").isFalse();
            kernel.signal();
            assertThat(both.isSignaled()).isTrue();
            write.signal();
        } finally {
            fb.release();
        }
    }

    private Fence fence(long seqno) {
        return Fence.create(t.k.clock, "test", "t", FenceContext.allocate(), seqno);
    }

    @Test
    void anInterruptedBlockingCommitIsUndoneAndItsOutFenceIsMinusOne() throws Exception {
        VkmsTestKit.Frame a = t.frame(1);
        VkmsTestKit.Frame b = t.frame(2);
        t.setUp(a);
        Fence in = fence(1);
        int fd = t.k.task.install(SyncFile.open(in), 0);
        long out = t.k.task.alloc(8);
        VkmsTestKit.Props props = t.show(b.fbId())
                .set(t.vkms.plane().id(), t.config().inFenceFd, fd)
                .set(t.vkms.crtc().id(), t.config().outFencePtr, out);
        Threads.Running<Long> commit = Threads.start(() -> t.atomic(t.card, 0, 0, props));
        Threads.awaitParked(commit);
        assertThat(t.vkms.crtc().hasPendingCommit()).isTrue();
        commit.thread().interrupt();
        assertThat(commit.get()).isEqualTo(Errno.EINTR.negative());
        assertThat(t.k.task.userBytes(out, 4).getInt(0)).isEqualTo(-1);
        assertThat(t.vkms.crtc().hasPendingCommit()).isFalse();
        in.signal();
        t.nextVblank();
        assertThat(t.frames()).hasSize(1);
        assertThat(t.file(t.card).events().space()).isEqualTo(4096);
    }

    @Test
    void aBlockingCommitReturnsAfterItsFlip() throws Exception {
        VkmsTestKit.Frame a = t.frame(1);
        VkmsTestKit.Frame b = t.frame(2);
        t.setUp(a);
        Threads.Running<Long> commit = Threads.start(() -> t.atomic(t.card, 0, 0, t.show(b.fbId())));
        Threads.awaitParked(commit);
        assertThat(commit.result()).isNotDone();
        t.nextVblank();
        assertThat(commit.get()).isZero();
        assertThat(t.frames()).extracting(FrameCapture::fbId).containsExactly(a.fbId(), b.fbId());
    }

    @Test
    void rmfbOfTheShownFramebufferTurnsThePlaneOff() {
        VkmsTestKit.Frame a = t.frame(0x00abcdef);
        t.setUp(a);
        assertThat(t.vkms.scanout().argb(1, 1)).isEqualTo(0xffabcdef);
        int other = t.openDisplay();
        assertThat(rmfb(other, a.fbId())).as("only the owner").isEqualTo(Errno.ENOENT.negative());
        assertThat(rmfb(t.card, a.fbId())).isZero();
        assertThat(t.vkms.plane().state()).isEqualTo(PlaneState.OFF);
        assertThat(t.vkms.scanout().argb(1, 1)).isEqualTo(0xff000000);
        assertThat(rmfb(t.card, a.fbId())).isEqualTo(Errno.ENOENT.negative());
    }

    private long rmfb(int fd, int fbId) {
        return t.k.call(fd, DrmMode.IOCTL_RMFB, b -> b.putInt(0, fbId)).ret();
    }

    @Test
    void closingEverythingFreesEveryObjectAndStopsTheTimer() {
        VkmsTestKit.Frame a = t.frame(1);
        t.setUp(a);
        assertThat(t.waitVblank(t.card, DrmMode.VBLANK_RELATIVE | DrmMode.VBLANK_EVENT, 1000, 0)
                        .ret())
                .isZero();
        t.k.task.closeAll();
        t.nextVblank();
        assertThat(t.vkms.drm().liveObjects()).isZero();
        assertThat(t.k.device.liveObjects()).isZero();
        assertThat(t.k.dmaBufs.count()).isZero();
        assertThat(t.vkms.crtc().vblankTimerRunning()).isFalse();
        assertThat(t.k.clock.pendingTimers()).isZero();
    }

    @Test
    void aNonAtomicClientSeesNoPrimaryPlaneAndNoAtomicProperties() {
        int legacy = t.openDisplay();
        DrmTestKit.Result planes = t.k.call(legacy, DrmMode.IOCTL_GETPLANERESOURCES, b -> {});
        assertThat(planes.ret()).isZero();
        assertThat(planes.arg().getInt(8)).isZero();
        assertThat(t.setClientCap(legacy, DrmMode.CLIENT_CAP_UNIVERSAL_PLANES, 1))
                .isZero();
        assertThat(t.k.call(legacy, DrmMode.IOCTL_GETPLANERESOURCES, b -> {})
                        .arg()
                        .getInt(8))
                .isEqualTo(1);
        DrmTestKit.Result props = t.k.call(
                legacy,
                DrmMode.IOCTL_OBJ_GETPROPERTIES,
                b -> b.putInt(20, t.vkms.plane().id()));
        assertThat(props.arg().getInt(16)).as("only the plane type").isEqualTo(1);
        assertThat(t.setClientCap(legacy, DrmMode.CLIENT_CAP_WRITEBACK_CONNECTORS, 1))
                .as("writeback needs atomic first")
                .isEqualTo(Errno.EINVAL.negative());
    }
}
