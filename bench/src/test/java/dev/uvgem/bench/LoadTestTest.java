package dev.uvgem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon under {@link LoadTest}: every cycle completes, no call fails, no reply is lost. The full run (1000
 * connections for 10 s, what {@code ./uvgem bench load} does) is tagged stress; the default run has the same 1000
 * connections for 2 s (a few seconds in all, most of it connecting) with the same assertions, and prints
 * throughput and p50/p99.
 */
class LoadTestTest {
    @Test
    @Timeout(60)
    void aThousandConnectionsForTwoSeconds() throws Exception {
        assertLoadHolds(1000, Duration.ofSeconds(2));
    }

    @Test
    @Tag("stress")
    @Timeout(180)
    void aThousandConnectionsForTenSeconds() throws Exception {
        assertLoadHolds(1000, Duration.ofSeconds(10));
    }

    private static void assertLoadHolds(int connections, Duration duration) throws Exception {
        LoadTest.Result r;
        try (BenchDaemon daemon = new BenchDaemon()) {
            r = new LoadTest(daemon.socket()).run(connections, duration);
            assertThat(daemon.daemon.devices().vgem().liveObjects())
                    .as("every buffer freed")
                    .isZero();
        }
        r.print(System.out);
        assertThat(r.connections()).isEqualTo(connections);
        assertThat(r.errors()).isZero();
        assertThat(r.lostReplies()).isZero();
        assertThat(r.cycles()).as("every pair cycled").isGreaterThanOrEqualTo(connections / 2);
        assertThat(r.calls()).isGreaterThanOrEqualTo(3 * r.cycles());
    }
}
