package dev.uvgem.drivers.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Frames queued on the CRTC (as blocking commits queue behind each other) whose write fences signal in any order,
 * at any times, are presented strictly in submission order, one per vblank at most, each at a vblank after its
 * own fence signalled.
 */
class FlipOrderProperties {
    /** A schedule: the order fences signal in, and how long (ns) to wait before each signal. */
    record Schedule(List<Integer> signalOrder, List<Long> gaps) {}

    @Provide
    Arbitrary<Schedule> schedules() {
        return Arbitraries.integers()
                .between(1, 6)
                .flatMap(n -> Combinators.combine(
                                Arbitraries.shuffle(range(n)),
                                Arbitraries.longs()
                                        .between(0, 50_000_000L)
                                        .list()
                                        .ofSize(n))
                        .as(Schedule::new));
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    @Property(tries = 60)
    void framesArePresentedInSubmissionOrderEachAfterItsFence(@ForAll("schedules") Schedule schedule) {
        VkmsTestKit t = new VkmsTestKit();
        t.setUp(t.frame(0));
        Crtc crtc = t.vkms.crtc();
        int n = schedule.signalOrder().size();
        List<Integer> fbIds = new ArrayList<>();
        List<Integer> fences = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            VkmsTestKit.Frame f = t.frame(i + 1);
            fences.add(t.writeFence(f));
            fbIds.add(f.fbId());
            PlaneState s = t.vkms.plane().state().withFb(t.config().lookupFb(f.fbId()));
            var fence = PendingFlip.prepareFb(s);
            crtc.queue(new PendingFlip(crtc, s.withFence(fence), fence, null, 0, false));
        }
        long[] signalledAt = new long[n];
        for (int k = 0; k < n; k++) {
            t.k.clock.advanceNanos(schedule.gaps().get(k));
            int frame = schedule.signalOrder().get(k);
            assertThat(t.k.signal(t.vgem, fences.get(frame))).isZero();
            signalledAt[frame] = t.k.clock.nanoTime();
        }
        for (int i = 0; i <= n; i++) {
            t.nextVblank();
        }
        List<FrameCapture> shown = t.frames().subList(1, t.frames().size());
        assertThat(shown).extracting(FrameCapture::fbId).containsExactlyElementsOf(fbIds);
        for (int i = 0; i < n; i++) {
            FrameCapture f = shown.get(i);
            assertThat(f.timestampNanos()).isGreaterThan(signalledAt[i]);
            if (i > 0) {
                assertThat(f.sequence()).isGreaterThan(shown.get(i - 1).sequence());
            }
        }
        assertThat(crtc.hasPendingCommit()).isFalse();
    }
}
