package dev.uvgem.api;

import dev.uvgem.api.testsupport.ApiFlows;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.sys.KernelConfig;
import org.junit.jupiter.api.Test;

class UvgemTest {
    private final VirtualClock clock = new VirtualClock();

    private Uvgem boot() {
        return Uvgem.embedded(KernelConfig.defaults(clock).withDebugfs(true));
    }

    @Test
    void bufferExportFenceSignalPoll() {
        try (Uvgem uvgem = boot()) {
            ApiFlows.bufferExportFenceSignalPoll(uvgem);
        }
    }

    @Test
    void mappingsAliasAndExpiryIsSilent() {
        try (Uvgem uvgem = boot()) {
            ApiFlows.mappingsAliasAndExpiryIsSilent(uvgem, clock);
        }
    }

    @Test
    void timelinesAndDebugfs() {
        try (Uvgem uvgem = boot()) {
            ApiFlows.timelinesAndDebugfs(uvgem);
        }
    }
}
