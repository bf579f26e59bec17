package dev.uvgem.drivers.vgem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Vgem;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** vGEM fences seen through exported dma-bufs, as IGT vgem_basic and prime_vgem probe them. */
class VgemDmaBufTest {
    private static final int WRITE = Vgem.VGEM_FENCE_WRITE;
    private final DrmTestKit k = new DrmTestKit();

    /** IGT vgem_basic dmabuf-fence: fences attached after the export. */
    @Test
    void dmabufFence() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        int dmabuf = (int) k.exportFd(fd, h, Drm.CLOEXEC);

        int read = (int) k.attach(fd, h, 0);
        assertThat(k.busy(dmabuf, false)).isFalse();
        assertThat(k.busy(dmabuf, true)).isTrue();
        assertThat(k.signal(fd, read)).isZero();
        assertThat(k.busy(dmabuf, false)).isFalse();
        assertThat(k.busy(dmabuf, true)).isFalse();

        int write = (int) k.attach(fd, h, WRITE);
        assertThat(k.busy(dmabuf, false)).isTrue();
        assertThat(k.busy(dmabuf, true)).isTrue();
        assertThat(k.signal(fd, write)).isZero();
        assertThat(k.busy(dmabuf, false)).isFalse();
        assertThat(k.busy(dmabuf, true)).isFalse();
    }

    /** IGT vgem_basic dmabuf-fence-before: fences attached before the export are visible through it. */
    @Test
    void dmabufFenceBefore() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        int read = (int) k.attach(fd, h, 0);
        int dmabuf = (int) k.exportFd(fd, h, Drm.CLOEXEC);
        assertThat(k.busy(dmabuf, false)).isFalse();
        assertThat(k.busy(dmabuf, true)).isTrue();
        assertThat(k.signal(fd, read)).isZero();
        assertThat(k.busy(dmabuf, false)).isFalse();
        assertThat(k.busy(dmabuf, true)).isFalse();
        assertThat(k.gemClose(fd, h)).isZero();
        k.task.close(dmabuf);

        int h2 = k.createBo(fd);
        int write = (int) k.attach(fd, h2, WRITE);
        int dmabuf2 = (int) k.exportFd(fd, h2, Drm.CLOEXEC);
        assertThat(k.busy(dmabuf2, false)).isTrue();
        assertThat(k.busy(dmabuf2, true)).isTrue();
        assertThat(k.signal(fd, write)).isZero();
        assertThat(k.busy(dmabuf2, false)).isFalse();
        assertThat(k.busy(dmabuf2, true)).isFalse();
    }

    /** prime_vgem sync: SYNC_START blocks until the write fence signals. */
    @Test
    void syncStartWaitsForTheVgemFence() throws Exception {
        int fd = k.openCard();
        int h = k.createBo(fd);
        int dmabuf = (int) k.exportFd(fd, h, Drm.CLOEXEC);
        int write = (int) k.attach(fd, h, WRITE);
        CompletableFuture<Long> sync = CompletableFuture.supplyAsync(() -> k.call(
                        dmabuf,
                        DmaBufIoctl.IOCTL_SYNC,
                        b -> b.putLong(0, DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_READ))
                .ret());
        Thread.sleep(20);
        assertThat(sync).isNotDone();
        assertThat(k.signal(fd, write)).isZero();
        assertThat(sync.get(5, TimeUnit.SECONDS)).isZero();
    }

    /** Nobody waits past the expiry: a SYNC on an abandoned fence returns once the clock passes 10 s. */
    @Test
    void syncStartReturnsAtExpiry() throws Exception {
        int fd = k.openCard();
        int h = k.createBo(fd);
        int dmabuf = (int) k.exportFd(fd, h, Drm.CLOEXEC);
        int read = (int) k.attach(fd, h, 0);
        CompletableFuture<Long> sync = CompletableFuture.supplyAsync(() -> k.call(
                        dmabuf,
                        DmaBufIoctl.IOCTL_SYNC,
                        b -> b.putLong(0, DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_WRITE))
                .ret());
        Thread.sleep(20);
        assertThat(sync).isNotDone();
        k.clock.advance(Duration.ofSeconds(10));
        assertThat(sync.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(k.signal(fd, read)).isEqualTo(-110);
    }

    @Test
    void bufinfoShowsVgemFences() {
        int fd = k.openCard();
        int h = k.createBo(fd);
        int dmabuf = (int) k.exportFd(fd, h, Drm.CLOEXEC | Drm.RDWR);
        k.attach(fd, h, WRITE);
        String info = k.dmaBufs.bufinfo();
        assertThat(info)
                .startsWith("\nDma-buf Objects:\n")
                .contains("00004096\t00000002\t00080007\t00000003\tdrm\t00000001\t<none>\n")
                .containsPattern("\twrite fence:\\d+:1 unbound vgem unsignalled\n")
                .endsWith("\nTotal 1 objects, 4096 bytes\n");
        k.task.close(dmabuf);
        assertThat(k.gemClose(fd, h)).isZero();
        assertThat(k.dmaBufs.bufinfo()).endsWith("\nTotal 0 objects, 0 bytes\n");
    }
}
