package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.sys.KernelConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Where the wake-up of a parked POLL (which has no thread) comes from, and that each path answers it: a signal by
 * a connection on another event loop (the signalling loop writes the reply to the polling connection), a signal
 * (answering the POLL before the signal's own reply), an expiry
 * on the clock's thread (handed to the polling connection's loop), and the polled fd's owner exiting.
 */
class ParkedPollWakeupsTest extends DaemonTestSupport {
    final VirtualClock clock = new VirtualClock();

    @Override
    KernelConfig kernelConfig() {
        return KernelConfig.defaults(clock);
    }

    /** A consumer with a POLL(POLLIN) parked on the producer's fenced buffer; returns the POLL's tag. */
    private static int parkPoll(RawClient producer, RawClient consumer, ParkingTest.Fenced f) {
        int theirs = (int) Calls.fdRecv(consumer, Calls.fdSend(producer, f.dmabuf()));
        int poll = consumer.newTag();
        consumer.send(poll, Op.POLL, Calls.pollBody(theirs, Calls.POLLIN, -1));
        assertThat(consumer.result(Op.DUP, Body.of().i32(theirs)))
                .as("answered after the POLL parked")
                .isPositive();
        consumer.expectSilence(Duration.ofMillis(20));
        return poll;
    }

    private static void assertPolledIn(RawClient consumer, int poll) {
        Reply r = consumer.receive();
        assertThat(r.tag()).isEqualTo(poll);
        assertThat(r.result()).isEqualTo(1);
        assertThat(r.i16()).isEqualTo(Calls.POLLIN);
    }

    @Test
    void aSignalFromAConnectionOnAnotherLoopAnswersIt() {
        RawClient producer = user("producer"); // the daemon has two loops: the two connections alternate
        RawClient consumer = user("consumer");
        ParkingTest.Fenced f = ParkingTest.fenced(producer);
        int poll = parkPoll(producer, consumer, f);
        assertThat(producer.result(Op.IOCTL, Calls.signalBody(f.card(), f.fence())))
                .isZero();
        assertPolledIn(consumer, poll);
    }

    @Test
    void aSignalAnswersThePollItWokeBeforeItsOwnReply() {
        RawClient c = user("both");
        ParkingTest.Fenced f = ParkingTest.fenced(c);
        int poll = parkPoll(c, c, f);
        int signal = c.newTag();
        c.send(signal, Op.IOCTL, Calls.signalBody(f.card(), f.fence()));
        assertPolledIn(c, poll); // the waiter's wake is the latency that matters: its reply is written first
        Reply r = c.receive();
        assertThat(r.tag()).isEqualTo(signal);
        assertThat(r.result()).isZero();
    }

    @Test
    void anExpiryOnTheClocksThreadAnswersIt() {
        RawClient producer = user("producer");
        RawClient consumer = user("consumer");
        int poll = parkPoll(producer, consumer, ParkingTest.fenced(producer));
        clock.advance(KernelConfig.DEFAULT_VGEM_FENCE_TIMEOUT);
        assertPolledIn(consumer, poll);
    }

    @Test
    void theProducerExitingAnswersIt() {
        RawClient producer = user("producer");
        RawClient consumer = user("consumer");
        int poll = parkPoll(producer, consumer, ParkingTest.fenced(producer));
        producer.close(); // its device file released: its fences signalled
        assertPolledIn(consumer, poll);
    }
}
