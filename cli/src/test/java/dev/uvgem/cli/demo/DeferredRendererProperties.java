package dev.uvgem.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.SystemClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever order the renderer finishes its frames in, the display presents them in submission order. */
class DeferredRendererProperties {
    private static final SystemClock CLOCK = new SystemClock();

    @Property(tries = 12)
    void presentationOrderIsSubmissionOrder(@ForAll("completionOrders") List<Integer> order) throws Exception {
        DemoOptions options = DemoOptions.defaults(CLOCK)
                .withFrames(order.size())
                .withMaxRenderTime(Duration.ZERO)
                .withCompletionOrder(order);
        List<Integer> shown = new ArrayList<>();
        DemoResult r = DeferredRenderer.run(options, p -> shown.add(p.frame()));

        assertThat(r.completionOrder()).isEqualTo(order);
        assertThat(shown)
                .containsExactlyElementsOf(
                        IntStream.range(0, order.size()).boxed().toList());
        assertThat(r.inOrder()).isTrue();
        for (FrameStats f : r.presented()) {
            assertThat(f.presentedAt()).isGreaterThanOrEqualTo(f.renderedAt());
        }
    }

    @Provide
    Arbitrary<List<Integer>> completionOrders() {
        return Arbitraries.integers()
                .between(2, 7)
                .flatMap(n -> Arbitraries.shuffle(IntStream.range(0, n).boxed().toList()));
    }
}
