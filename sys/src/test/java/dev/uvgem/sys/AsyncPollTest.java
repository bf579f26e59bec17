package dev.uvgem.sys;

import static dev.uvgem.core.vfs.PollTable.POLLIN;
import static dev.uvgem.core.vfs.PollTable.POLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Process#pollAsync}: the answers of {@link Process#poll}, delivered by a re-poll that a wake-up hands to an
 * executor (here a queue the test runs by hand, so that every step is deterministic), with no thread waiting.
 */
@Timeout(10)
class AsyncPollTest extends PollFixture {
    final ArrayDeque<Runnable> repolls = new ArrayDeque<>();
    final Executor executor = repolls::add;
    final List<Long> results = new ArrayList<>();

    private void runRepolls() {
        Runnable r;
        while ((r = repolls.poll()) != null) {
            r.run();
        }
    }

    @Test
    void readyAtOnceCompletesOnTheCallingThread() {
        card.ops.mask(POLLIN);
        PollFd[] fds = {new PollFd(fd, POLLIN)};
        AsyncPoll poll = p.pollAsync(fds, -1, executor, results::add);
        assertThat(results).containsExactly(1L);
        assertThat(fds[0].revents()).isEqualTo(POLLIN);
        assertThat(poll.isDone()).isTrue();
        assertThat(card.ops.queue.isEmpty()).as("unregistered").isTrue();
        assertThat(repolls).isEmpty();
    }

    @Test
    void aWakeUpHandsARepollToTheExecutorWhichCompletesIt() {
        PollFd[] fds = {new PollFd(fd, POLLIN), new PollFd(fd2, POLLIN)};
        p.pollAsync(fds, -1, executor, results::add);
        assertThat(results).isEmpty();
        other.ops.mask(POLLOUT); // not asked for
        assertThat(results).as("never completed on the waking thread").isEmpty();
        runRepolls();
        assertThat(results).isEmpty();
        other.ops.mask(POLLIN);
        other.ops.queue.wakeUp(); // a second wake-up before the re-poll runs: one re-poll
        assertThat(repolls).hasSize(1);
        runRepolls();
        assertThat(results).containsExactly(1L);
        assertThat(fds).extracting(PollFd::revents).containsExactly(0, POLLIN);
        assertThat(card.ops.queue.isEmpty()).isTrue();
        assertThat(other.ops.queue.isEmpty()).isTrue();
    }

    @Test
    void aKeyedWakeUpForOtherEventsIsIgnored() {
        PollFd[] fds = {new PollFd(fd, POLLOUT)};
        p.pollAsync(fds, -1, executor, results::add);
        card.ops.queue.wakeUp(POLLIN);
        assertThat(repolls).as("POLLIN concerns no entry").isEmpty();
        card.ops.mask(POLLOUT);
        card.ops.queue.wakeUp(POLLOUT);
        runRepolls();
        assertThat(results).containsExactly(1L);
    }

    @Test
    void theTimeoutRunsOneLastPassOnTheKernelClock() {
        PollFd[] fds = {new PollFd(fd, POLLIN)};
        p.pollAsync(fds, 5000, executor, results::add);
        clock.advance(Duration.ofMillis(4999));
        runRepolls();
        assertThat(results).isEmpty();
        clock.advance(Duration.ofMillis(1));
        runRepolls();
        assertThat(results).containsExactly(0L);
        assertThat(clock.pendingTimers()).isZero();
        assertThat(card.ops.queue.isEmpty()).isTrue();
    }

    @Test
    void cancelStopsItWithoutACompletion() {
        PollFd[] fds = {new PollFd(fd, POLLIN)};
        AsyncPoll poll = p.pollAsync(fds, 5000, executor, results::add);
        assertThat(poll.cancel()).isTrue();
        assertThat(poll.cancel()).isFalse();
        card.ops.mask(POLLIN);
        runRepolls();
        assertThat(results).isEmpty();
        assertThat(card.ops.queue.isEmpty()).isTrue();
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void badArgumentsCompleteAtOnceWithTheErrno() {
        p.pollAsync(null, -1, executor, results::add);
        p.pollAsync(new PollFd[] {null}, -1, executor, results::add);
        assertThat(results).containsExactly((long) Errno.EFAULT.negative(), (long) Errno.EFAULT.negative());
    }
}
