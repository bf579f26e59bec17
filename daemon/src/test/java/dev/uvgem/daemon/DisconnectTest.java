package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.ModeCreateDumb;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A connection's end, clean or not, releases everything as a process exit does. */
class DisconnectTest extends DaemonTestSupport {
    @Test
    void aProducerThatDiesMidFenceReleasesTheConsumersWait() throws IOException {
        RawClient producer = RawClient.hello(daemon.socket(), "producer");
        RawClient consumer = user("consumer");
        int card = Calls.openCard(producer);
        ModeCreateDumb bo = Calls.createDumb(producer, card, 64, 64);
        int dmabuf = Calls.export(producer, card, bo.handle());
        Calls.attachWriteFence(producer, card, bo.handle());
        Calls.attachWriteFence(
                producer, card, Calls.createDumb(producer, card, 8, 8).handle());
        int theirs = (int) Calls.fdRecv(consumer, Calls.fdSend(producer, dmabuf));
        MmapTest.mmap(producer, card, Calls.mapDumb(producer, card, bo.handle()), bo.size(), 3);
        int poll = consumer.newTag();
        consumer.send(poll, Op.POLL, Calls.pollBody(theirs, Calls.POLLIN, -1));
        consumer.expectSilence(Duration.ofMillis(30));

        producer.close(); // no goodbye: the socket just goes
        Reply r = consumer.receive();
        assertThat(r.tag()).isEqualTo(poll);
        assertThat(r.result())
                .as("the fence was signalled when its owner's file was released")
                .isEqualTo(1);
        assertThat(r.i16()).isEqualTo(Calls.POLLIN);

        awaitTrue("the producer exited", () -> daemon.kernel().processes().size() == 1);
        assertThat(daemon.devices().vgem().liveObjects())
                .as("the consumer's dma-buf holds one")
                .isEqualTo(1);
        assertThat(Calls.close(consumer, theirs)).isZero();
        assertThat(daemon.devices().vgem().liveObjects()).isZero();
        assertThat(daemon.devices().dmaBufs().count()).isZero();
        assertThat(memoryFiles()).isEmpty();
    }

    @Test
    void aConnectionThatEndsWithEverythingOpenLeavesNothing() throws IOException {
        RawClient c = RawClient.hello(daemon.socket(), "t");
        int card = Calls.openCard(c);
        for (int i = 0; i < 5; i++) {
            ModeCreateDumb bo = Calls.createDumb(c, card, 64, 64);
            int dmabuf = Calls.export(c, card, bo.handle());
            MmapTest.mmap(c, dmabuf, 0, bo.size(), 3);
            Calls.attachWriteFence(c, card, bo.handle());
            c.send(c.newTag(), Op.POLL, Calls.pollBody(dmabuf, Calls.POLLIN, -1));
        }
        c.send(c.newTag(), Op.READ, Body.of().i32(card).u32(64));
        assertThat(memoryFiles()).hasSize(5);
        c.close();
        awaitTrue("the process exited", () -> daemon.kernel().processes().isEmpty());
        awaitTrue("the connection is gone", () -> daemon.connectionCount() == 0);
        // the parked polls hold their files until their threads have returned -EINTR
        awaitTrue("every buffer is freed", () -> daemon.devices().vgem().liveObjects() == 0);
        assertThat(daemon.devices().dmaBufs().count()).isZero();
        assertThat(memoryFiles()).isEmpty();
    }

    @Test
    void endingBeforeHelloOrMidFrameLeavesNothing() {
        RawClient a = RawClient.connect(daemon.socket());
        a.close();
        RawClient b = RawClient.hello(daemon.socket(), "b");
        b.sendRaw(new byte[] {100, 0, 0, 0, 1, 2, 3});
        b.close();
        RawClient c = RawClient.connect(daemon.socket());
        c.shutdownOutput();
        assertThat(c.drainUntilClosed()).isEmpty();
        c.close();
        awaitTrue("every connection is gone", () -> daemon.connectionCount() == 0);
        awaitTrue("every process exited", () -> daemon.kernel().processes().isEmpty());
    }
}
