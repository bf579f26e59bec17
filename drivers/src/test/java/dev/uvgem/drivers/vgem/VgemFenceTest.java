package dev.uvgem.drivers.vgem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VgemFenceTest {
    private static final int WRITE = Vgem.VGEM_FENCE_WRITE;
    private final DrmTestKit k = new DrmTestKit();

    private static long err(Errno e) {
        return e.negative();
    }

    private Fence[] fences(int fd, int handle, ResvUsage usage) {
        GemObject obj = k.drmFile(fd).lookup(handle);
        try {
            return obj.resv().getFences(usage);
        } finally {
            obj.put();
        }
    }

    /** IGT vgem_basic bad-flag: flags are checked before anything else. */
    @Test
    void badFlag() {
        int fd = k.openCard();
        assertThat(k.attach(fd, 0, 0xff)).isEqualTo(err(Errno.EINVAL));
        assertThat(k.attach(fd, 0, 0x2)).isEqualTo(err(Errno.EINVAL));
        assertThat(k.signal(fd, 0, 0xff)).isEqualTo(err(Errno.EINVAL));
    }

    /** IGT vgem_basic bad-pad: pad is checked before the handle. */
    @Test
    void badPad() {
        int fd = k.openCard();
        assertThat(k.attach(fd, 0, 0, 1)).isEqualTo(err(Errno.EINVAL));
    }

    /** IGT vgem_basic bad-handle. */
    @Test
    void badHandle() {
        int fd = k.openCard();
        assertThat(k.attach(fd, 0xff, 0)).isEqualTo(err(Errno.ENOENT));
    }

    /** IGT vgem_basic bad-fence, and the vgem_has_fences probe (an all-zero SIGNAL). */
    @Test
    void badFence() {
        int fd = k.openCard();
        assertThat(k.signal(fd, 0xff)).isEqualTo(err(Errno.ENOENT));
        assertThat(k.signal(fd, 0)).isEqualTo(err(Errno.ENOENT));
        assertThat(k.signal(fd, -1)).isEqualTo(err(Errno.ENOENT));
    }

    /** IGT vgem_basic busy-fence: a write attach conflicts with a pending read fence. */
    @Test
    void busyFence() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        long read = k.attach(fd, h, 0);
        assertThat(read).isEqualTo(1);
        assertThat(k.attach(fd, h, WRITE)).isEqualTo(err(Errno.EBUSY));
        // The refused fence was signalled and dropped: it never reached the reservation.
        assertThat(fences(fd, h, ResvUsage.BOOKKEEP)).hasSize(1);
        assertThat(k.signal(fd, (int) read)).isZero();
    }

    @Test
    void conflictRules() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        long r1 = k.attach(fd, h, 0);
        long r2 = k.attach(fd, h, 0);
        assertThat(r2).isEqualTo(2);
        assertThat(k.signal(fd, (int) r1)).isZero();
        assertThat(k.attach(fd, h, WRITE)).isEqualTo(err(Errno.EBUSY));
        assertThat(k.signal(fd, (int) r2)).isZero();
        long w = k.attach(fd, h, WRITE);
        assertThat(w).isEqualTo(3);
        assertThat(k.attach(fd, h, 0)).isEqualTo(err(Errno.EBUSY));
        assertThat(k.attach(fd, h, WRITE)).isEqualTo(err(Errno.EBUSY));
        assertThat(k.signal(fd, (int) w)).isZero();
        assertThat(k.attach(fd, h, 0)).isEqualTo(4);
    }

    @Test
    void fencesGoToTheReservationWithTheirUsage() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        int r = (int) k.attach(fd, h, 0);
        assertThat(fences(fd, h, ResvUsage.WRITE)).isEmpty();
        Fence[] reads = fences(fd, h, ResvUsage.READ);
        assertThat(reads).hasSize(1);
        Fence f = reads[0];
        assertThat(f).isInstanceOf(VgemFence.class);
        assertThat(f.seqno()).isEqualTo(1);
        assertThat(f.driverName()).isEqualTo("vgem");
        assertThat(f.timelineName()).isEqualTo("unbound");
        assertThat(k.signal(fd, r)).isZero();
        assertThat(f.status()).isEqualTo(1);
        int w = (int) k.attach(fd, h, WRITE);
        Fence[] writes = fences(fd, h, ResvUsage.WRITE);
        assertThat(writes).hasSize(1);
        assertThat(writes[0].context()).isNotEqualTo(f.context());
        assertThat(k.signal(fd, w)).isZero();
    }

    @Test
    void idsAreNeverReusedWhileTheFileIsOpen() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        for (int i = 1; i <= 5; i++) {
            assertThat(k.attach(fd, h, 0)).isEqualTo(i);
            assertThat(k.signal(fd, i)).isZero();
        }
        assertThat(k.signal(fd, 3)).isEqualTo(err(Errno.ENOENT));
        assertThat(k.attach(fd, h, 0)).isEqualTo(6);
        // Failed attaches consume no id.
        assertThat(k.attach(fd, h, WRITE)).isEqualTo(err(Errno.EBUSY));
        assertThat(k.signal(fd, 6)).isZero();
        assertThat(k.attach(fd, h, WRITE)).isEqualTo(7);
        assertThat(VgemDriver.allocatedFenceIds(k.drmFile(fd))).isEqualTo(7);
        assertThat(VgemDriver.outstandingFences(k.drmFile(fd))).isEqualTo(1);
    }

    @Test
    void idsArePerFile() {
        int a = k.openCard();
        int b = k.openRender();
        int h = k.createBo(a);
        long dmabuf = k.exportFd(a, h, 0);
        int hb = (int) k.importFd(b, (int) dmabuf);
        assertThat(k.attach(a, h, 0)).isEqualTo(1);
        assertThat(k.attach(b, hb, 0)).isEqualTo(1);
        assertThat(k.signal(a, 1)).isZero();
        assertThat(k.signal(a, 1)).isEqualTo(err(Errno.ENOENT));
        assertThat(k.signal(b, 1)).isZero();
    }

    @Test
    void secondSignalIsEnoent() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        int id = (int) k.attach(fd, h, WRITE);
        assertThat(k.signal(fd, id)).isZero();
        assertThat(k.signal(fd, id)).isEqualTo(err(Errno.ENOENT));
    }

    /** IGT vgem_slow nohang, on virtual time: the fence expires after 10 s, and a later SIGNAL is ETIMEDOUT. */
    @Test
    void nohang() {
        int fd = k.openCard();
        int h = k.createBo(fd, 1, 1, 32);
        long dmabuf = k.exportFd(fd, h, 0);
        int id = (int) k.attach(fd, h, 0);
        Fence f = fences(fd, h, ResvUsage.READ)[0];
        assertThat(k.busy((int) dmabuf, true)).isTrue();
        k.clock.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(f.isSignaled()).isFalse();
        assertThat(k.busy((int) dmabuf, true)).isTrue();
        k.clock.advance(Duration.ofNanos(1));
        assertThat(f.isSignaled()).isTrue();
        assertThat(f.status()).isEqualTo(1);
        assertThat(f.error()).isZero();
        assertThat(k.busy((int) dmabuf, true)).isFalse();
        assertThat(k.signal(fd, id)).isEqualTo(err(Errno.ETIMEDOUT));
        assertThat(k.signal(fd, id)).isEqualTo(err(Errno.ENOENT));
        assertThat(k.clock.pendingTimers()).isZero();
    }

    @Test
    void expiryIsMeasuredFromCreationAndConfigurable() {
        DrmTestKit kit = new DrmTestKit();
        VgemDriver quick = new VgemDriver(kit.clock, Duration.ofMillis(5));
        assertThat(quick.fenceTimeout()).isEqualTo(Duration.ofMillis(5));
        assertThat(kit.driver.fenceTimeout()).isEqualTo(Duration.ofSeconds(10));
        VgemFence f = new VgemFence(kit.clock, Duration.ofMillis(5));
        assertThat(f.expiresAt()).isEqualTo(kit.clock.nanoTime() + 5_000_000);
        kit.clock.advance(Duration.ofMillis(5));
        assertThat(f.isSignaled()).isTrue();
    }

    @Test
    void signallingCancelsTheExpiryTimer() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        assertThat(k.clock.pendingTimers()).isZero();
        int id = (int) k.attach(fd, h, 0);
        assertThat(k.clock.pendingTimers()).isEqualTo(1);
        assertThat(k.signal(fd, id)).isZero();
        assertThat(k.clock.pendingTimers()).isZero();
        // Refused attaches leave no timer behind either.
        int w = (int) k.attach(fd, h, WRITE);
        assertThat(w).isEqualTo(2);
        assertThat(k.attach(fd, h, WRITE)).isEqualTo(err(Errno.EBUSY));
        assertThat(k.attach(fd, h, 0)).isEqualTo(err(Errno.EBUSY));
        assertThat(k.clock.pendingTimers()).isEqualTo(1);
        assertThat(k.signal(fd, w)).isZero();
        assertThat(k.clock.pendingTimers()).isZero();
    }

    @Test
    void closingTheFileSignalsOutstandingFences() {
        int fd = k.openCard();
        int other = k.openRender();
        int h = k.createBo(fd);
        long dmabuf = k.exportFd(fd, h, 0);
        int ho = (int) k.importFd(other, (int) dmabuf);
        k.attach(fd, h, 0);
        k.attach(fd, h, 0);
        int consumed = (int) k.attach(fd, h, 0);
        assertThat(k.signal(fd, consumed)).isZero();
        Fence[] pending = fences(other, ho, ResvUsage.READ);
        assertThat(pending).hasSize(2);
        k.task.close(fd);
        assertThat(pending).allSatisfy(f -> assertThat(f.status()).isEqualTo(1));
        assertThat(k.clock.pendingTimers()).isZero();
        assertThat(k.busy((int) dmabuf, true)).isFalse();
        // The buffer lives on in the other file; its fences are simply signalled.
        assertThat(k.attach(other, ho, WRITE)).isEqualTo(1);
    }

    @Test
    void failedAttachLeavesOutFenceAsPassed() {
        int fd = k.openCard();
        var r = k.call(fd, Vgem.IOCTL_FENCE_ATTACH, b -> new VgemFenceAttach(9, 0, 1234, 0).write(b));
        assertThat(r.ret()).isEqualTo(err(Errno.ENOENT));
        assertThat(VgemFenceAttach.read(r.arg()).outFence()).isEqualTo(1234);
    }

    @Test
    void attachWorksOnRenderNodes() {
        int fd = k.openRender();
        int card = k.openCard();
        int h = k.createBo(card);
        int rh = (int) k.importFd(fd, (int) k.exportFd(card, h, 0));
        assertThat(k.attach(fd, rh, WRITE)).isEqualTo(1);
        assertThat(k.signal(fd, 1)).isZero();
    }
}
