package dev.uvgem.drivers.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** read(2) of a DRM file, as drm_read with an event list that stays empty (vgem sends no events). */
class DrmReadTest {
    final DrmTestKit k = new DrmTestKit();

    @Test
    void aNonBlockingReadIsEagain() {
        OpenFile f = k.device.primary().open(OpenFile.O_RDWR | OpenFile.O_NONBLOCK, k.task);
        assertThatThrownBy(() -> f.ops().read(f, ByteBuffer.allocate(64), k.task))
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EAGAIN));
        f.put();
    }

    @Test
    void aBlockingReadSleepsUntilInterruptedThenIsEintr() throws Exception {
        OpenFile f = k.device.primary().open(OpenFile.O_RDWR, k.task);
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(f.ops().read(f, ByteBuffer.allocate(64), k.task));
            } catch (ErrnoException e) {
                result.complete(e.errno());
            }
            result.complete(Thread.currentThread().isInterrupted() ? "still interrupted" : "interrupt lost");
        });
        Thread.sleep(50);
        assertThat(result).isNotDone();
        reader.interrupt();
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(Errno.EINTR);
        reader.join(5000);
        assertThat(k.drmFile(k.task.install(f, 0)).events().waitQueue().isEmpty())
                .isTrue();
    }
}
