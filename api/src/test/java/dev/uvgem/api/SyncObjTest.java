package dev.uvgem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Binary and timeline sync objects through the Java API on an embedded kernel with a virtual clock. */
class SyncObjTest {
    private final VirtualClock clock = new VirtualClock();

    private Uvgem boot() {
        return Uvgem.embedded(KernelConfig.defaults(clock).withDebugfs(true));
    }

    private static void assertErrno(Errno errno, Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(errno));
    }

    /** Waits on another platform thread until it has gone to sleep, so the test can act while it waits. */
    private static <T> CompletableFuture<T> parked(java.util.function.Supplier<T> body) throws InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(body.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING && !result.isDone()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("never parked");
            }
            Thread.sleep(1);
        }
        return result;
    }

    @Test
    void vgemAdvertisesSyncObjects() {
        try (Uvgem uvgem = boot();
                VgemDevice vgem = uvgem.openVgemRender()) {
            assertThat(vgem.capability(Drm.CAP_SYNCOBJ)).isEqualTo(1);
            assertThat(vgem.capability(Drm.CAP_SYNCOBJ_TIMELINE)).isEqualTo(1);
        }
    }

    @Test
    void binarySignalResetAndSyncFileSnapshots() throws Exception {
        try (Uvgem uvgem = boot();
                VgemDevice vgem = uvgem.openVgem();
                SwSyncTimelineFd tl = uvgem.createTimeline();
                SyncObj obj = vgem.createSyncObj(false)) {
            assertThat(obj.handle()).isPositive();
            assertErrno(Errno.EINVAL, () -> obj.await(Duration.ZERO));
            assertThat(obj.awaitSubmit(Duration.ZERO)).isFalse();
            try (SyncFileFd fence = tl.createFence(1)) {
                obj.importSyncFile(fence);
            }
            assertThat(obj.await(Duration.ZERO)).isFalse();
            try (SyncFileFd snapshot = obj.exportSyncFile()) {
                obj.signal();
                assertThat(obj.await(Duration.ZERO)).isTrue();
                assertThat(snapshot.status())
                        .as("the export kept the sw_sync fence")
                        .isZero();
                tl.inc(1);
                assertThat(snapshot.status()).isEqualTo(1);
            }
            obj.reset();
            assertErrno(Errno.EINVAL, () -> obj.exportSyncFile());
        }
    }

    @Test
    void waitsSleepUntilSignalledOrTheKernelClockPassesTheDeadline() throws Exception {
        try (Uvgem uvgem = boot();
                VgemDevice vgem = uvgem.openVgem();
                SwSyncTimelineFd sw = uvgem.createTimeline();
                SyncObj a = vgem.createSyncObj(false);
                SyncObj b = vgem.createSyncObj(false);
                SyncObj c = vgem.createSyncObj(false)) {
            assertErrno(Errno.EINVAL, () -> SyncObj.awaitAny(Duration.ZERO, a, b));
            try (SyncFileFd two = sw.createFence(2);
                    SyncFileFd one = sw.createFence(1)) {
                a.importSyncFile(two);
                b.importSyncFile(one);
            }
            CompletableFuture<Integer> any = parked(() -> SyncObj.awaitAny(null, a, b));
            CompletableFuture<Boolean> submit = parked(() -> c.awaitSubmit(Duration.ofSeconds(1)));
            // A wait keeps the fences it started with: replacing a's is not what wakes it.
            a.signal();
            assertThat(any).isNotDone();
            sw.inc(1);
            assertThat(any.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            a.reset();
            try (SyncFileFd two = sw.createFence(2)) {
                a.importSyncFile(two);
            }
            assertThat(SyncObj.awaitAll(Duration.ZERO, a, b)).isFalse();
            assertThat(submit).isNotDone();
            clock.advance(Duration.ofMillis(1010));
            assertThat(submit.get(5, TimeUnit.SECONDS)).isFalse();
            sw.inc(1);
            assertThat(SyncObj.awaitAll(Duration.ZERO, a, b)).isTrue();
        }
    }

    @Test
    void opaqueExportCarriesTheObjectToAnotherProcess() throws Exception {
        try (Kernel kernel = Boot.kernel(KernelConfig.defaults(clock));
                Uvgem producer = Uvgem.process(kernel, "producer", false);
                Uvgem consumer = Uvgem.process(kernel, "consumer", false);
                VgemDevice vgem = producer.openVgem();
                VgemDevice peerVgem = consumer.openVgemRender();
                SyncObj obj = vgem.createSyncObj(false)) {
            byte[] token;
            try (SyncObjFd exported = obj.export()) {
                token = exported.send();
            }
            try (RawFile received = consumer.receive(token);
                    SyncObj imported = peerVgem.importSyncObj(received)) {
                CompletableFuture<Boolean> waiter = parked(() -> imported.awaitSubmit(null));
                obj.signal();
                assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
                assertErrno(Errno.EINVAL, () -> peerVgem.importSyncObj(peerVgem));
            }
        }
    }

    @Test
    void timelinePointsQueryWaitAndTransfer() throws Exception {
        try (Uvgem uvgem = boot();
                VgemDevice vgem = uvgem.openVgem();
                SwSyncTimelineFd sw = uvgem.createTimeline();
                TimelineSyncObj tl = vgem.createTimelineSyncObj();
                SyncObj binary = vgem.createSyncObj(true)) {
            assertThat(tl.query()).isZero();
            try (SyncFileFd f1 = sw.createFence(1)) {
                tl.importSyncFile(1, f1);
            }
            tl.signal(2);
            assertThat(tl.lastSubmitted()).isEqualTo(2);
            assertThat(tl.query()).as("point 1 pending holds back 2").isZero();
            assertThat(tl.awaitAvailable(2, Duration.ZERO)).isTrue();
            assertThat(tl.await(2, Duration.ZERO)).isFalse();
            assertErrno(Errno.EINVAL, () -> tl.await(3, Duration.ZERO));
            CompletableFuture<Boolean> later = parked(() -> tl.awaitSubmit(5, null));
            sw.inc(1);
            assertThat(tl.query()).isEqualTo(2);
            tl.transfer(5, binary, 0);
            assertThat(later.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(tl.query()).isEqualTo(5);
            try (SyncFileFd point5 = tl.exportSyncFile(5)) {
                assertThat(point5.status()).isEqualTo(1);
            }
            tl.reset();
            assertThat(tl.query()).isZero();
        }
    }

    @Test
    void timelinesKeepNoSignalledHistory() {
        try (Uvgem uvgem = boot();
                VgemDevice vgem = uvgem.openVgem();
                TimelineSyncObj tl = vgem.createTimelineSyncObj()) {
            for (long p = 1; p <= 10_000; p++) {
                tl.signal(p);
            }
            assertThat(tl.query()).isEqualTo(10_000);
            assertThat(tl.await(1, Duration.ZERO)).isTrue();
            assertThat(tl.await(10_000, Duration.ZERO)).isTrue();
        }
    }
}
