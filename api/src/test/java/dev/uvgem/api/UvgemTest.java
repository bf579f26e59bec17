package dev.uvgem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UvgemTest {
    private final VirtualClock clock = new VirtualClock();

    private Uvgem boot() {
        return Uvgem.embedded(KernelConfig.defaults(clock).withDebugfs(true));
    }

    @Test
    void bufferExportFenceSignalPoll() {
        try (Uvgem uvgem = boot();
                VgemDevice vgem = uvgem.openVgem();
                BufferObject bo = vgem.createDumb(1024, 1, 32);
                DmaBufFd dmabuf = bo.export(true)) {
            assertThat(vgem.version().name()).isEqualTo("vgem");
            assertThat(dmabuf.size()).isEqualTo(4096);
            VgemFence fence = bo.attachFence(true);
            assertThat(dmabuf.ready(UvgemFile.POLLIN)).isFalse();
            try (SyncFileFd sf = dmabuf.exportSyncFile(DmaBufFd.SYNC_READ)) {
                assertThat(sf.status()).isZero();
                fence.signal();
                assertThat(sf.await(Duration.ZERO)).isTrue();
                assertThat(sf.info().fences()).hasSize(1);
            }
            assertThat(dmabuf.ready(UvgemFile.POLLIN | UvgemFile.POLLOUT)).isTrue();
            assertThatThrownBy(fence::signal)
                    .isInstanceOfSatisfying(
                            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        }
    }

    @Test
    void mappingsAliasAndExpiryIsSilent() {
        try (Uvgem uvgem = boot();
                VgemDevice vgem = uvgem.openVgem();
                BufferObject bo = vgem.createDumb(64, 64, 32);
                DmaBufFd dmabuf = bo.export(true);
                MappedMemory a = bo.map();
                MappedMemory b = dmabuf.map(true)) {
            a.segment().set(ValueLayout.JAVA_INT, 0, 42);
            assertThat(b.segment().get(ValueLayout.JAVA_INT, 0)).isEqualTo(42);
            VgemFence fence = bo.attachFence(false);
            assertThat(dmabuf.ready(UvgemFile.POLLOUT)).isFalse();
            clock.advance(Duration.ofSeconds(10));
            assertThat(dmabuf.ready(UvgemFile.POLLOUT)).isTrue();
            assertThatThrownBy(fence::signal)
                    .isInstanceOfSatisfying(
                            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ETIMEDOUT));
        }
    }

    @Test
    void timelinesAndDebugfs() {
        try (Uvgem uvgem = boot();
                SwSyncTimelineFd tl = uvgem.createTimeline();
                SyncFileFd f1 = tl.createFence(1);
                SyncFileFd f2 = tl.createFence(2);
                SyncFileFd merged = f1.merge("both", f2)) {
            assertThat(merged.info().fences()).hasSize(1);
            tl.inc(1);
            assertThat(f1.status()).isEqualTo(1);
            assertThat(merged.status()).isZero();
            assertThat(uvgem.readDebugfs(Uvgem.SYNC_INFO)).contains("fence active");
            tl.inc(1);
            assertThat(merged.status()).isEqualTo(1);
        }
    }
}
