package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtVgem.POLLOUT;
import static dev.uvgem.conformance.IgtVgem.assertErrno;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriver;
import static dev.uvgem.conformance.IgtVgem.hasPrimeExport;
import static dev.uvgem.conformance.IgtVgem.ok;
import static dev.uvgem.conformance.IgtVgem.poll;
import static dev.uvgem.conformance.IgtVgem.primeHandleToFd;
import static dev.uvgem.conformance.IgtVgem.tryVgemFenceSignal;
import static dev.uvgem.conformance.IgtVgem.vgemCreate;
import static dev.uvgem.conformance.IgtVgem.vgemFenceAttach;
import static dev.uvgem.conformance.IgtVgem.vgemHasFences;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.conformance.IgtVgem.VgemBo;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/vgem_slow.c}: a vgem fence nobody signals expires by itself, so a waiter is never stuck. The
 * default run uses a kernel whose fences expire after 300 ms; the stress run waits out Linux's real 10 s.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class VgemSlowTest {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    /** IGT's poll bound: far beyond any expiry. */
    private static final int NOHANG_POLL_MS = 60_000;
    /** How late the expiry may be noticed on a busy machine before the test calls it a hang. */
    private static final Duration LATE = Duration.ofSeconds(5);

    @Test
    void nohang() {
        Duration expiry = Duration.ofMillis(300);
        try (Env env = backend.boot(expiry)) {
            nohang(env, expiry);
        }
    }

    @Test
    @Tag("stress")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void nohangLinuxExpiry() {
        try (Env env = backend.boot()) {
            nohang(env, Duration.ofSeconds(10));
        }
    }

    private static void nohang(Env env, Duration expiry) {
        Syscalls sys = env.sys();
        int fd = drmOpenDriver(sys);
        assertThat(hasPrimeExport(sys, fd)).isTrue();
        assertThat(vgemHasFences(sys, fd)).isTrue();

        VgemBo bo = vgemCreate(sys, fd, 1, 1, 32);
        int dmabuf = primeHandleToFd(sys, fd, bo.handle);

        long before = Env.CLOCK.nanoTime();
        int fence = vgemFenceAttach(sys, fd, bo, 0);
        // Keep a snapshot of the fence to look at how it ended.
        int snapshot = IgtVgem.dmabufExportSyncFile(sys, dmabuf, (int) DmaBufIoctl.SYNC_WRITE);

        assertThat(poll(sys, dmabuf, POLLOUT, 0))
                .as("busy while the read fence is pending")
                .isZero();
        assertThat(poll(sys, dmabuf, POLLOUT, NOHANG_POLL_MS))
                .as("the fence expires")
                .isEqualTo(1);
        long waited = Env.CLOCK.nanoTime() - before;
        assertThat(Duration.ofNanos(waited))
                .as("released by the expiry, not before it")
                .isGreaterThanOrEqualTo(expiry)
                .isLessThan(expiry.plus(LATE));

        // Expiry is silent: the fence signalled without an error, at or after its deadline.
        IgtVgem.SyncInfo info = IgtVgem.syncFileInfo(sys, snapshot);
        assertThat(info.status()).isEqualTo(1);
        assertThat(info.fences()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(1);
            assertThat(f.timestampNanos()).isGreaterThanOrEqualTo(before + expiry.toNanos());
        });

        // The owner learns of it only from its own late signal, which consumes the id.
        assertErrno(tryVgemFenceSignal(sys, fd, fence), Errno.ETIMEDOUT);
        assertErrno(tryVgemFenceSignal(sys, fd, fence), Errno.ENOENT);

        ok(sys.close(snapshot));
        ok(sys.close(dmabuf));
        ok(sys.close(fd));
        assertThat(env.devices().vgem().liveObjects()).isZero();
        assertThat(env.devices().dmaBufs().count()).isZero();
    }
}
