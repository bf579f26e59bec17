package dev.uvgem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.drivers.display.FrameCapture;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class KmsDisplayTest {
    private final VirtualClock clock = new VirtualClock();
    private final Boot.Booted booted = Boot.kernelWithDevices(KernelConfig.defaults(clock));
    private final List<FrameCapture> frames = new CopyOnWriteArrayList<>();

    private void advanceFrames(int n) {
        clock.advanceNanos(n * booted.devices().display().crtc().vblankPeriodNanos());
    }

    private static void fill(BufferObject bo, int xrgb) {
        try (MappedMemory m = bo.map()) {
            for (long i = 0; i < bo.size() / 4; i++) {
                m.segment().set(ValueLayout.JAVA_INT_UNALIGNED, i * 4, xrgb);
            }
        }
    }

    @Test
    void showFlipWithFencesAndReadEvents() {
        booted.devices().display().onPresent(frames::add);
        try (Uvgem uvgem = Uvgem.process(booted.kernel(), "compositor", false);
                KmsDisplay display = uvgem.openDisplay();
                VgemDevice vgem = uvgem.openVgem();
                BufferObject a = vgem.createDumb(640, 480, 32);
                BufferObject b = vgem.createDumb(640, 480, 32);
                DmaBufFd da = a.export(true);
                DmaBufFd db = b.export(true)) {
            assertThat(display.mode()).isEqualTo(new KmsDisplay.Mode(640, 480, 60));
            fill(a, 0x00ff0000);
            fill(b, 0x0000ff00);
            int fa = display.addFramebuffer(da, 640, 480, a.pitch());
            int fb = display.addFramebuffer(db, 640, 480, b.pitch());
            assertThatThrownBy(() -> display.pageFlip(fa, 1))
                    .isInstanceOfSatisfying(
                            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
            SyncFileFd out = display.commit(fa, null, KmsDisplay.ATOMIC_NONBLOCK | KmsDisplay.PAGE_FLIP_EVENT, 7, true);
            assertThat(out).isNotNull();
            assertThat(out.await(Duration.ZERO)).isFalse();
            advanceFrames(1);
            assertThat(out.await(Duration.ZERO)).isTrue();
            List<KmsDisplay.Event> events = display.readEvents(Duration.ZERO);
            assertThat(events).hasSize(1);
            assertThat(events.getFirst().type()).isEqualTo(KmsDisplay.EVENT_FLIP_COMPLETE);
            assertThat(events.getFirst().userData()).isEqualTo(7);
            assertThat(frames).hasSize(1);
            assertThat(frames.getFirst().scanout().argb(0, 0)).isEqualTo(0xffff0000);

            VgemFence fence = b.attachFence(true);
            display.pageFlip(fb, 8);
            advanceFrames(3);
            assertThat(display.readEvents(Duration.ZERO)).isEmpty();
            fence.signal();
            advanceFrames(1);
            List<KmsDisplay.Event> flipped = display.readEvents(Duration.ZERO);
            assertThat(flipped).extracting(KmsDisplay.Event::userData).containsExactly(8L);
            assertThat(frames).hasSize(2);
            assertThat(frames.get(1).scanout().argb(639, 479)).isEqualTo(0xff00ff00);
            assertThat(flipped.getFirst().sequence()).isEqualTo(frames.get(1).sequence());

            long target = display.requestVblankEvent(2, 99);
            advanceFrames(2);
            List<KmsDisplay.Event> vbl = display.readEvents(Duration.ZERO);
            assertThat(vbl).hasSize(1);
            assertThat(vbl.getFirst().type()).isEqualTo(KmsDisplay.EVENT_VBLANK);
            assertThat(vbl.getFirst().sequence()).isEqualTo(target);
            assertThat(display.waitVblank(0).sequence()).isEqualTo(target);
            out.close();
        } finally {
            booted.kernel().close();
        }
    }
}
