package dev.uvgem.drivers.vgem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Vgem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Buffers shared between files by several threads at once: no leaks, no double frees, consistent identities. */
class VgemConcurrencyTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 150;

    private final DrmTestKit k = new DrmTestKit();

    @Test
    void shareAttachSignalAndCloseFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int a = k.openCard();
                int b = k.openRender();
                done.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        int h = k.createBo(a);
                        int d = (int) k.exportFd(a, h, Drm.CLOEXEC | Drm.RDWR);
                        assertThat(d).isPositive();
                        int hb = (int) k.importFd(b, d);
                        assertThat(hb).isPositive();
                        long id = k.attach(b, hb, i % 2 == 0 ? Vgem.VGEM_FENCE_WRITE : 0);
                        assertThat(id).isPositive();
                        assertThat(k.busy(d, true)).isTrue();
                        assertThat(k.gemClose(a, h)).isZero();
                        if (i % 3 == 0) {
                            k.task.close(d);
                            assertThat(k.signal(b, (int) id)).isZero();
                        } else {
                            assertThat(k.signal(b, (int) id)).isZero();
                            assertThat(k.busy(d, true)).isFalse();
                            k.task.close(d);
                        }
                        assertThat(k.gemClose(b, hb)).isZero();
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        k.task.closeAll();
        assertThat(k.device.liveObjects()).isZero();
        assertThat(k.dmaBufs.count()).isZero();
        assertThat(k.device.openFiles()).isZero();
        assertThat(k.clock.pendingTimers()).isZero();
        assertThat(k.allocator.all())
                .hasSize(THREADS * ROUNDS)
                .allSatisfy(m -> assertThat(m.frees).hasValue(1));
    }

    @Test
    void concurrentExportsAndImportsOfOneHandleAgree() throws Exception {
        int a = k.openCard();
        int b = k.openRender();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < 50; round++) {
                int h = k.createBo(a);
                List<Future<long[]>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    results.add(pool.submit(() -> {
                        long d = k.exportFd(a, h, 0);
                        return new long[] {d, k.importFd(b, (int) d)};
                    }));
                }
                Set<OpenFile> files = new HashSet<>();
                Set<Long> handles = new HashSet<>();
                for (Future<long[]> f : results) {
                    long[] r = f.get(10, TimeUnit.SECONDS);
                    files.add(k.task.file((int) r[0]));
                    handles.add(r[1]);
                    k.task.close((int) r[0]);
                }
                assertThat(files).hasSize(1);
                assertThat(handles).hasSize(1);
                assertThat(k.gemClose(b, handles.iterator().next().intValue())).isZero();
                assertThat(k.gemClose(a, h)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(k.device.liveObjects()).isZero();
        assertThat(k.dmaBufs.count()).isZero();
    }
}
