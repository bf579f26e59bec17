package dev.uvgem.core.dmabuf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.time.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DmaBufRegistryTest {
    @Test
    void stubIsOnePerKernelStampedOnTheKernelClockAtFirstUse() {
        VirtualClock clock = new VirtualClock();
        DmaBufRegistry registry = new DmaBufRegistry(clock);
        clock.advance(Duration.ofSeconds(3));
        Fence stub = registry.stub();
        clock.advance(Duration.ofSeconds(3));

        assertThat(stub.isSignaled()).isTrue();
        assertThat(stub.timestamp()).isEqualTo(4_000_000_000L).isLessThanOrEqualTo(clock.nanoTime());
        assertThat(registry.stub()).isSameAs(stub);
        assertThat(new DmaBufRegistry(clock).stub()).isNotSameAs(stub);
    }

    @Test
    void withoutAKernelClockTheStubIsTheJvmWideOne() {
        assertThat(new DmaBufRegistry().stub()).isSameAs(Fence.stub());
    }
}
