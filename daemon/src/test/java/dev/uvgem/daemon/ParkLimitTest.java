package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Errno;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A connection may park a bounded number of requests; more are -EAGAIN, as a thread limit is. */
class ParkLimitTest extends DaemonTestSupport {
    @Override
    DaemonConfig config() throws IOException {
        return super.config().withMaxParkedCalls(2);
    }

    @Test
    void pastTheLimitARequestThatWouldParkIsEagain() {
        RawClient c = user("t");
        int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        c.send(1, Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1));
        c.send(2, Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1));
        c.expectSilence(Duration.ofMillis(20));
        assertThat(c.result(Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1))).isEqualTo(Errno.EAGAIN.negative());
        assertThat(c.result(Op.POLL, Calls.pollBody(idle, Calls.POLLIN, 0)))
                .as("a poll that does not wait is not parked")
                .isZero();
        Reply[] r = c.callAlongside(Op.CANCEL, Body.of().u32(1), 1);
        assertThat(r[0].result()).isZero();
        assertThat(r[1].result()).isEqualTo(Errno.EINTR.negative());
        c.send(3, Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1));
        c.expectSilence(Duration.ofMillis(20));
        assertThat(c.callAlongside(Op.CANCEL, Body.of().u32(3), 3)[0].result()).isZero();
    }
}
