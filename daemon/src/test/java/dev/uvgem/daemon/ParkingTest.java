package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.DmaBufSync;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ModeCreateDumb;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests that sleep are parked: later requests go on, and the parked one replies when it completes. */
class ParkingTest extends DaemonTestSupport {
    static final long EINTR = Errno.EINTR.negative();

    /** A buffer with an unsignalled write fence, exported: polling it for POLLIN waits for the fence. */
    record Fenced(int card, int dmabuf, int fence) {}

    static Fenced fenced(RawClient c) {
        int card = Calls.openCard(c);
        ModeCreateDumb bo = Calls.createDumb(c, card, 64, 64);
        int dmabuf = Calls.export(c, card, bo.handle());
        int fence = Calls.attachWriteFence(c, card, bo.handle());
        return new Fenced(card, dmabuf, fence);
    }

    @Test
    void aParkedPollDoesNotHoldUpLaterRequestsAndIsWokenByASignalOnTheSameConnection() {
        RawClient c = user("t");
        Fenced f = fenced(c);
        int poll = c.newTag();
        c.send(poll, Op.POLL, Calls.pollBody(f.dmabuf(), Calls.POLLIN, -1));

        assertThat(Calls.openCard(c)).as("answered while the poll waits").isEqualTo(5);
        assertThat(c.result(Op.DUP, Body.of().i32(f.card()))).isEqualTo(6);
        c.expectSilence(Duration.ofMillis(50));

        int signal = c.newTag();
        c.send(signal, Op.IOCTL, Calls.signalBody(f.card(), f.fence()));
        List<Reply> replies = new ArrayList<>();
        Reply polled = c.receiveTag(poll, replies);
        if (replies.isEmpty()) {
            replies.add(c.receive());
        }
        assertThat(replies).singleElement().satisfies(r -> {
            assertThat(r.tag()).isEqualTo(signal);
            assertThat(r.result()).isZero();
        });
        assertThat(polled.result()).isEqualTo(1);
        assertThat(polled.i16()).isEqualTo(Calls.POLLIN);
        assertThat(polled.fullyRead()).isTrue();
    }

    @Test
    void cancelInterruptsAParkedPollWhichRepliesEintr() {
        RawClient c = user("t");
        int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        int poll = c.newTag();
        c.send(poll, Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1));
        c.expectSilence(Duration.ofMillis(20));

        int cancel = c.newTag();
        c.send(cancel, Op.CANCEL, Body.of().u32(poll));
        List<Reply> others = new ArrayList<>();
        Reply polled = c.receiveTag(poll, others);
        Reply cancelled = others.isEmpty() ? c.receive() : others.getFirst();
        assertThat(cancelled.tag()).isEqualTo(cancel);
        assertThat(cancelled.result()).isZero();
        assertThat(polled.result()).isEqualTo(EINTR);
        assertThat(polled.bodyLength()).isZero();
        assertThat(c.result(Op.CANCEL, Body.of().u32(poll))).isEqualTo(Errno.ENOENT.negative());
    }

    @Test
    void cancelOfACallThatCompletedIsEnoent() {
        RawClient c = user("t");
        int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        Reply r = c.call(Op.POLL, Calls.pollBody(idle, Calls.POLLIN, 20));
        assertThat(r.result()).isZero();
        assertThat(c.result(Op.CANCEL, Body.of().u32(r.tag()))).isEqualTo(Errno.ENOENT.negative());
    }

    @Test
    void blockingReadsAreParkedAndCancellable() {
        RawClient c = user("t");
        int efd = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        int card = Calls.openCard(c);
        int readEventfd = c.newTag();
        c.send(readEventfd, Op.READ, Body.of().i32(efd).u32(8));
        int readCard = c.newTag();
        c.send(readCard, Op.READ, Body.of().i32(card).u32(4096));
        assertThat(c.result(Op.LSEEK, Body.of().i32(card).i64(0).u32(0))).isZero();

        Reply[] r = c.callAlongside(Op.CANCEL, Body.of().u32(readCard), readCard);
        assertThat(r[0].result()).isZero();
        assertThat(r[1].result()).isEqualTo(EINTR);
        r = c.callAlongside(Op.CANCEL, Body.of().u32(readEventfd), readEventfd);
        assertThat(r[0].result()).isZero();
        assertThat(r[1].result()).isEqualTo(EINTR);
        assertThat(r[1].bodyLength()).isZero();
    }

    @Test
    void aWaitingDmaBufSyncIsParkedUntilTheFenceSignals() {
        RawClient c = user("t");
        Fenced f = fenced(c);
        byte[] arg = Calls.struct(
                DmaBufSync.SIZE, b -> new DmaBufSync(DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_WRITE).write(b));
        int sync = c.newTag();
        c.send(sync, Op.IOCTL, Calls.ioctlBody(f.dmabuf(), DmaBufIoctl.IOCTL_SYNC, arg, new byte[0]));
        c.expectSilence(Duration.ofMillis(30));
        Reply[] r = c.callAlongside(Op.IOCTL, Calls.signalBody(f.card(), f.fence()), sync);
        assertThat(Calls.decodeIoctl(r[0]).result())
                .as("answered while SYNC waits")
                .isZero();
        Calls.Ioctl synced = Calls.decodeIoctl(r[1]);
        assertThat(synced.result()).isZero();
        assertThat(synced.arg()).isEqualTo(arg);
    }

    @Test
    void aCancelledWaitingIoctlRepliesEintrWithItsArgument() {
        RawClient c = user("t");
        Fenced f = fenced(c);
        byte[] arg = Calls.struct(
                DmaBufSync.SIZE, b -> new DmaBufSync(DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_RW).write(b));
        int sync = c.newTag();
        c.send(sync, Op.IOCTL, Calls.ioctlBody(f.dmabuf(), DmaBufIoctl.IOCTL_SYNC, arg, new byte[4]));
        c.expectSilence(Duration.ofMillis(20));
        Reply[] replies = c.callAlongside(Op.CANCEL, Body.of().u32(sync), sync);
        assertThat(replies[0].result()).isZero();
        Calls.Ioctl r = Calls.decodeIoctl(replies[1]);
        assertThat(r.result()).isEqualTo(EINTR);
        assertThat(r.arg()).isEqualTo(arg);
        assertThat(r.user()).hasSize(4);
    }

    @Test
    void aParkedPollTimesOutWhileOtherRequestsGoOn() {
        RawClient c = user("t");
        int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        int poll = c.newTag();
        c.send(poll, Op.POLL, Calls.pollBody(idle, Calls.POLLIN, 1000));
        for (int i = 0; i < 20; i++) {
            assertThat(c.result(Op.DUP, Body.of().i32(idle))).isPositive();
        }
        Reply r = c.receive();
        assertThat(r.tag()).isEqualTo(poll);
        assertThat(r.result()).isZero();
        assertThat(r.i16()).isZero();
    }

    @Test
    void cancelCancelsEveryParkedRequestWithTheTag() {
        RawClient c = user("t");
        int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        c.send(7, Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1));
        c.send(7, Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1));
        c.expectSilence(Duration.ofMillis(20));
        c.send(8, Op.CANCEL, Body.of().u32(7));
        List<Reply> replies = List.of(c.receive(), c.receive(), c.receive());
        assertThat(replies)
                .filteredOn(r -> r.tag() == 8)
                .singleElement()
                .satisfies(r -> assertThat(r.result()).isZero());
        assertThat(replies)
                .filteredOn(r -> r.tag() == 7)
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.result()).isEqualTo(EINTR));
    }

    @Test
    void disconnectingCancelsParkedCallsAndTheProcessExits() throws IOException {
        RawClient c = RawClient.hello(daemon.socket(), "t");
        int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        for (int i = 0; i < 100; i++) {
            c.send(c.newTag(), Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1));
            c.send(c.newTag(), Op.READ, Body.of().i32(idle).u32(8));
        }
        c.expectSilence(Duration.ofMillis(20));
        c.close();
        awaitTrue("the process exited", () -> daemon.kernel().processes().isEmpty());
        awaitTrue("the connection is gone", () -> daemon.connectionCount() == 0);
    }

    @Test
    void manyConnectionsEachWithAParkedPoll() {
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RawClient c = user("c" + i);
            int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
            c.send(1, Op.POLL, Calls.pollBody(idle, Calls.POLLIN, -1));
            clients.add(c);
        }
        for (RawClient c : clients) {
            Reply[] r = c.callAlongside(Op.CANCEL, Body.of().u32(1), 1);
            assertThat(r[0].result()).isZero();
            assertThat(r[1].result()).isEqualTo(EINTR);
        }
    }
}
