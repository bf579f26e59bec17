package dev.uvgem.sys;

import static dev.uvgem.core.testsupport.Threads.await;
import static dev.uvgem.core.vfs.PollTable.POLLERR;
import static dev.uvgem.core.vfs.PollTable.POLLHUP;
import static dev.uvgem.core.vfs.PollTable.POLLIN;
import static dev.uvgem.core.vfs.PollTable.POLLNVAL;
import static dev.uvgem.core.vfs.PollTable.POLLOUT;
import static dev.uvgem.core.vfs.PollTable.POLLPRI;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PollTest extends PollFixture {
    @Test
    void reportsRequestedEventsPlusErrAndHup() {
        card.ops.mask(POLLIN | POLLOUT | POLLPRI);
        PollFd[] fds = {new PollFd(fd, POLLIN)};
        assertThat(p.poll(fds, 0)).isEqualTo(1);
        assertThat(fds[0].revents()).isEqualTo(POLLIN);
        card.ops.mask(POLLERR | POLLHUP | POLLOUT);
        fds = new PollFd[] {new PollFd(fd, POLLIN)};
        assertThat(p.poll(fds, 0)).isEqualTo(1);
        assertThat(fds[0].revents()).isEqualTo(POLLERR | POLLHUP);
        card.ops.mask(POLLOUT);
        fds = new PollFd[] {new PollFd(fd, POLLIN)};
        assertThat(p.poll(fds, 0)).isZero();
        assertThat(fds[0].revents()).isZero();
    }

    @Test
    void negativeFdsAreIgnoredAndClosedFdsAreInvalid() {
        card.ops.mask(POLLIN);
        p.close(fd2);
        PollFd[] fds = {
            new PollFd(-1, POLLIN),
            new PollFd(fd, POLLIN),
            new PollFd(fd2, POLLIN),
            new PollFd(999, 0),
            new PollFd(Integer.MIN_VALUE, POLLIN)
        };
        assertThat(p.poll(fds, 0)).isEqualTo(3);
        assertThat(fds).extracting(PollFd::revents).containsExactly(0, POLLIN, POLLNVAL, POLLNVAL, 0);
    }

    @Test
    void zeroTimeoutDoesNotWait() {
        PollFd[] fds = {new PollFd(fd, POLLIN), new PollFd(fd2, POLLIN)};
        assertThat(p.poll(fds, 0)).isZero();
        assertThat(card.ops.queue.isEmpty())
                .as("no registration without a wait")
                .isTrue();
        assertThat(p.poll(new PollFd[0], 0)).isZero();
    }

    @Test
    void countsEntriesNotBits() {
        card.ops.mask(POLLIN | POLLOUT);
        other.ops.mask(POLLOUT);
        PollFd[] fds = {new PollFd(fd, POLLIN | POLLOUT), new PollFd(fd2, POLLIN | POLLOUT), new PollFd(fd, POLLPRI)};
        assertThat(p.poll(fds, -1)).isEqualTo(2);
        assertThat(fds).extracting(PollFd::revents).containsExactly(POLLIN | POLLOUT, POLLOUT, 0);
    }

    @Test
    void wakesWhenAQueueIsWoken() throws Exception {
        PollFd[] fds = {new PollFd(fd, POLLIN), new PollFd(fd2, POLLIN)};
        CompletableFuture<Long> r = Threads.supply(() -> p.poll(fds, -1));
        await(() -> !card.ops.queue.isEmpty() && !other.ops.queue.isEmpty());
        other.ops.queue.wakeUp(); // spurious: nothing changed
        other.ops.mask(POLLOUT); // not asked for
        Thread.sleep(20);
        assertThat(r).isNotDone();
        other.ops.mask(POLLIN);
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(fds).extracting(PollFd::revents).containsExactly(0, POLLIN);
        assertThat(card.ops.queue.isEmpty()).as("unregistered").isTrue();
        assertThat(other.ops.queue.isEmpty()).isTrue();
    }

    @Test
    void timesOutOnTheKernelClock() throws Exception {
        PollFd[] fds = {new PollFd(fd, POLLIN)};
        CompletableFuture<Long> r = Threads.supply(() -> p.poll(fds, 5000));
        await(() -> clock.pendingTimers() == 1 && !card.ops.queue.isEmpty());
        clock.advance(Duration.ofMillis(4999));
        Thread.sleep(20);
        assertThat(r).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(r.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(fds[0].revents()).isZero();
        assertThat(clock.pendingTimers()).isZero();
        assertThat(card.ops.queue.isEmpty()).isTrue();
    }

    @Test
    void readyAtTheDeadlineIsReported() throws Exception {
        PollFd[] fds = {new PollFd(fd, POLLIN)};
        CompletableFuture<Long> r = Threads.supply(() -> p.poll(fds, 1000));
        await(() -> clock.pendingTimers() == 1);
        card.ops.mask = POLLIN; // no wake-up: only the final pass after the timeout sees it
        clock.advance(Duration.ofSeconds(1));
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void interruptIsEintrAndTheThreadStaysInterrupted() throws Exception {
        PollFd[] fds = {new PollFd(fd, POLLIN)};
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CompletableFuture<Long> r = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            r.complete(p.poll(fds, -1));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        await(() -> !card.ops.queue.isEmpty());
        t.interrupt();
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(Errno.EINTR.negative());
        t.join(5000);
        assertThat(stillInterrupted).isTrue();
        assertThat(card.ops.queue.isEmpty()).isTrue();
    }

    @Test
    void readyEntriesWinOverAPendingInterrupt() {
        card.ops.mask(POLLIN);
        Thread.currentThread().interrupt();
        try {
            assertThat(p.poll(new PollFd[] {new PollFd(fd, POLLIN)}, -1)).isEqualTo(1);
            assertThat(p.poll(new PollFd[] {new PollFd(fd2, POLLIN)}, 0)).isZero();
            assertThat(p.poll(new PollFd[] {new PollFd(fd2, POLLIN)}, 100)).isEqualTo(Errno.EINTR.negative());
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
    }

    @Test
    void badArguments() {
        assertThat(p.poll(null, 0)).isEqualTo(Errno.EFAULT.negative());
        assertThat(p.poll(new PollFd[] {null}, 0)).isEqualTo(Errno.EFAULT.negative());
        PollFd[] many = new PollFd[1025];
        for (int i = 0; i < many.length; i++) {
            many[i] = new PollFd(-1, 0);
        }
        assertThat(p.poll(many, 0)).as("more entries than RLIMIT_NOFILE").isEqualTo(Errno.EINVAL.negative());
        PollFd[] limit = java.util.Arrays.copyOf(many, 1024);
        assertThat(p.poll(limit, 0)).isZero();
    }

    @Test
    void timesOutOnTheSystemClock() {
        try (Kernel real = new Kernel(KernelConfig.defaults())) {
            real.register("/dev/a", card, PathAccess.EVERYONE);
            Process q = real.spawn("real", false);
            int qfd = (int) q.open("/dev/a", Process.O_RDWR);
            long start = System.nanoTime();
            assertThat(q.poll(new PollFd[] {new PollFd(qfd, POLLIN)}, 50)).isZero();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
            card.ops.mask(POLLIN);
            assertThat(q.poll(new PollFd[] {new PollFd(qfd, POLLIN)}, 5000)).isEqualTo(1);
        }
    }

    @Test
    void eventsAreSixteenBits() {
        card.ops.mask(POLLIN);
        PollFd e = new PollFd(fd, 0x10000 | POLLIN);
        assertThat(e.events()).isEqualTo(POLLIN);
        assertThat(p.poll(new PollFd[] {e}, 0)).isEqualTo(1);
    }
}
