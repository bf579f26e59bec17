package dev.uvgem.core.cgroup;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CgroupTest {
    final Cgroup cg = new Cgroup("1 test", 3, 3 * 4096, 2);

    @Test
    void bufferCountStopsAtItsLimitWithEnospc() {
        for (int i = 0; i < 3; i++) {
            cg.chargeBuffer(0);
        }
        assertErrno(Errno.ENOSPC, () -> cg.chargeBuffer(0));
        assertThat(cg.buffers()).isEqualTo(3);
        cg.unchargeBuffer(0);
        cg.chargeBuffer(0);
        assertThat(cg.buffers()).isEqualTo(3);
    }

    @Test
    void bufferBytesStopAtTheirLimitWithEnomemAndAFailedChargeChangesNothing() {
        cg.chargeBuffer(2 * 4096);
        assertErrno(Errno.ENOMEM, () -> cg.chargeBuffer(4096 + 1));
        assertThat(cg.bufferBytes()).isEqualTo(2 * 4096);
        assertThat(cg.buffers()).isEqualTo(1);
        cg.chargeBuffer(4096); // exactly at the limit
        assertThat(cg.bufferBytes()).isEqualTo(cg.maxBufferBytes());
        cg.unchargeBuffer(4096);
        cg.unchargeBuffer(2 * 4096);
        assertThat(cg.bufferBytes()).isZero();
        assertThat(cg.buffers()).isZero();
    }

    @Test
    void bytesAreCheckedBeforeTheCountAndACountFailureGivesTheBytesBack() {
        cg.chargeBuffer(0);
        cg.chargeBuffer(0);
        cg.chargeBuffer(0);
        assertErrno(Errno.ENOMEM, () -> cg.chargeBuffer(4 * 4096));
        assertErrno(Errno.ENOSPC, () -> cg.chargeBuffer(4096));
        assertThat(cg.bufferBytes()).isZero();
    }

    @Test
    void fencesStopAtTheirLimitWithEnospc() {
        cg.chargeFence();
        cg.chargeFence();
        assertErrno(Errno.ENOSPC, cg::chargeFence);
        assertThat(cg.fences()).isEqualTo(2);
        cg.unchargeFence();
        cg.chargeFence();
        cg.unchargeFence();
        cg.unchargeFence();
        assertThat(cg.fences()).isZero();
    }

    @Test
    void anUnchargeBelowZeroIsABug() {
        assertThatThrownBy(cg::unchargeFence).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Cgroup("x", -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cg.chargeBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRootGroupHasNoLimits() {
        assertThat(Cgroup.ROOT.maxBuffers()).isEqualTo(Cgroup.UNLIMITED);
        assertThat(Cgroup.ROOT.maxBufferBytes()).isEqualTo(Cgroup.UNLIMITED);
        assertThat(Cgroup.ROOT.maxFences()).isEqualTo(Cgroup.UNLIMITED);
        assertThat(cg.name()).isEqualTo("1 test");
        assertThat(cg.toString()).contains("0/3 buffers");
    }

    @Test
    void racingChargesNeverPassTheLimit() throws InterruptedException {
        Cgroup shared = new Cgroup("race", 1000, Cgroup.UNLIMITED, 100);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200; i++) {
                    try {
                        shared.chargeFence();
                        granted.incrementAndGet();
                    } catch (ErrnoException e) {
                        assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(granted).hasValue(100);
        assertThat(shared.fences()).isEqualTo(100);
    }
}
