package dev.uvgem.api.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.SwSyncTimelineFd;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.UvgemFile;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * The Java API's basic flows, written once and run on every way of reaching a kernel: the embedded one
 * ({@code UvgemTest}) and a daemon through the remote client ({@code DaemonIntegrationTest}).
 *
 * <p>Thread-safety: stateless; each flow runs on the calling thread and closes what it opens.
 */
public final class ApiFlows {
    private ApiFlows() {}

    /** A buffer exported as a dma-buf, a write fence attached, a sync file of it signalled, a late signal ENOENT. */
    public static void bufferExportFenceSignalPoll(Uvgem uvgem) {
        try (VgemDevice vgem = uvgem.openVgem();
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

    /**
     * Two mappings of one buffer alias; a read fence left unsignalled expires when {@code clock} (the kernel's)
     * passes the default 10 s, and a late signal is ETIMEDOUT.
     */
    public static void mappingsAliasAndExpiryIsSilent(Uvgem uvgem, VirtualClock clock) {
        try (VgemDevice vgem = uvgem.openVgem();
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

    /** A sw_sync timeline's fences merged and signalled step by step, seen in debugfs (needs an admin process). */
    public static void timelinesAndDebugfs(Uvgem uvgem) {
        try (SwSyncTimelineFd tl = uvgem.createTimeline();
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
