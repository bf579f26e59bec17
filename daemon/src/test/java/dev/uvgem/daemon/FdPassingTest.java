package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ModeCreateDumb;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** FD_SEND / FD_RECV: an open file passed between connections, as SCM_RIGHTS. */
class FdPassingTest extends DaemonTestSupport {
    static final long ENOENT = Errno.ENOENT.negative();

    @Test
    void theReceiverGetsTheSameOpenFile() {
        RawClient a = user("producer");
        RawClient b = user("consumer");
        int card = Calls.openCard(a);
        ModeCreateDumb bo = Calls.createDumb(a, card, 128, 64);
        int dmabuf = Calls.export(a, card, bo.handle());
        byte[] token = Calls.fdSend(a, dmabuf);

        long fd = Calls.fdRecv(b, token);
        assertThat(fd).isEqualTo(3);
        assertThat(b.result(Op.LSEEK, Body.of().i32((int) fd).i64(0).u32(2))).isEqualTo(bo.size());
        assertThat(daemon.devices().dmaBufs().count())
                .as("one dma-buf, two fds")
                .isEqualTo(1);
        assertThat(Calls.fdRecv(b, token)).as("a token works once").isEqualTo(ENOENT);
        assertThat(Calls.fdRecv(a, token)).isEqualTo(ENOENT);
    }

    @Test
    void tokensAreRandomAndUnknownOnesAreEnoent() {
        RawClient a = user("a");
        int efd = (int) a.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        byte[] t1 = Calls.fdSend(a, efd);
        byte[] t2 = Calls.fdSend(a, efd);
        assertThat(t1).isNotEqualTo(t2);
        byte[] forged = t1.clone();
        forged[15] ^= 1;
        assertThat(Calls.fdRecv(a, forged)).isEqualTo(ENOENT);
        assertThat(Calls.fdRecv(a, new byte[16])).isEqualTo(ENOENT);
        assertThat(Calls.fdRecv(a, t2)).as("the sender may receive it itself").isEqualTo(4);
        assertThat(Calls.fdRecv(a, t1)).isEqualTo(5);
    }

    @Test
    void errors() {
        RawClient a = user("a");
        assertThat(a.call(Op.FD_SEND, Body.of().i32(3)).result()).isEqualTo(Errno.EBADF.negative());
        Reply shortSend = a.call(Op.FD_SEND, Body.of());
        assertThat(shortSend.result()).isEqualTo(Errno.EINVAL.negative());
        assertThat(shortSend.bodyLength()).isZero();
        assertThat(a.result(Op.FD_RECV, Body.of().bytes(new byte[15]))).isEqualTo(Errno.EINVAL.negative());
    }

    @Test
    void aFileInFlightOutlivesItsSender() {
        RawClient a = RawClient.hello(daemon.socket(), "sender");
        int efd = (int) a.result(Op.EVENTFD, Body.of().u32(9).u32(0x800));
        byte[] token = Calls.fdSend(a, efd);
        a.close();
        awaitTrue("the sender exited", () -> daemon.kernel().processes().isEmpty());

        RawClient b = user("receiver");
        int fd = (int) Calls.fdRecv(b, token);
        Reply r = b.call(Op.READ, Body.of().i32(fd).u32(8));
        assertThat(r.result()).isEqualTo(8);
        assertThat(r.i64()).isEqualTo(9);
        assertThat(daemon.kernel().inFlightFileCount()).isZero();
    }

    @Test
    void tokenBytesAreTheWholeBody() {
        RawClient a = user("a");
        int efd = (int) a.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        Reply r = a.call(Op.FD_SEND, Body.of().i32(efd));
        assertThat(r.bodyLength()).isEqualTo(16);
        byte[] token = r.bytes(16);
        assertThat(Arrays.equals(token, new byte[16])).isFalse();
        assertThat(a.result(Op.FD_RECV, Body.of().bytes(token).bytes(new byte[4])))
                .as("trailing bytes are ignored")
                .isEqualTo(4);
    }
}
