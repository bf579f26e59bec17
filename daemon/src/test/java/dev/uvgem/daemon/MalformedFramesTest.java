package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Frames that are not what they should be: each gets its answer, and the daemon goes on serving. */
class MalformedFramesTest extends DaemonTestSupport {
    static final long EINVAL = Errno.EINVAL.negative();

    static byte[] header(long len, int tag) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) len)
                .putInt(tag)
                .array();
    }

    void stillServing() {
        RawClient c = user("still-there");
        assertThat(c.result(Op.DUP, Body.of().i32(-1))).isEqualTo(Errno.EBADF.negative());
    }

    @Test
    void anOversizedFrameIsEmsgsizeWithItsTagThenTheConnectionCloses() {
        RawClient c = user("t");
        c.sendRaw(header(Wire.MAX_LEN + 1, 0xabcd));
        List<Reply> replies = c.drainUntilClosed();
        assertThat(replies).singleElement().satisfies(r -> {
            assertThat(r.tag()).isEqualTo(0xabcd);
            assertThat(r.result()).isEqualTo(Errno.EMSGSIZE.negative());
            assertThat(r.bodyLength()).isZero();
        });
        stillServing();
    }

    @Test
    void anOversizedFrameBeforeHelloIsEmsgsizeToo() {
        RawClient c = raw();
        c.sendRaw(header(0xffffffffL, 7));
        assertThat(c.drainUntilClosed())
                .singleElement()
                .satisfies(r -> assertThat(r.result()).isEqualTo(Errno.EMSGSIZE.negative()));
    }

    @Test
    void anOversizedLengthWhoseTagNeverComesIsClosedSilentlyWhenTheClientGoes() {
        RawClient c = RawClient.hello(daemon.socket(), "t");
        c.sendRaw(new byte[] {0, 0, 0, 2, 1}); // len = 32 MiB, one byte of the tag
        c.close();
        awaitTrue("the connection is gone", () -> daemon.connectionCount() == 0);
        stillServing();
    }

    @Test
    void aFrameOfExactly16MibIsServed() {
        RawClient c = user("t");
        byte[] body = new byte[(int) Wire.MAX_LEN - 8];
        Reply r = c.call(0x4242, body);
        assertThat(r.result()).isEqualTo(Errno.ENOSYS.negative());
        assertThat(Calls.openCard(c)).isEqualTo(3);
    }

    @Test
    void aFrameTooShortForItsOpIsEinvalWithItsTag() {
        RawClient c = user("t");
        for (int len = 4; len < 8; len++) {
            ByteBuffer b = ByteBuffer.allocate(4 + len).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(len).putInt(100 + len);
            c.sendRaw(b.array());
            Reply r = c.receive();
            assertThat(r.tag()).isEqualTo(100 + len);
            assertThat(r.result()).isEqualTo(EINVAL);
        }
        assertThat(Calls.openCard(c)).isEqualTo(3);
    }

    @Test
    void aFrameTooShortForATagEndsTheConnectionUnanswered() {
        RawClient c = user("t");
        c.sendRaw(new byte[] {2, 0, 0, 0, 9, 9});
        assertThat(c.drainUntilClosed()).isEmpty();
        stillServing();
    }

    @ParameterizedTest
    @EnumSource(
            value = Op.class,
            names = {"HELLO"},
            mode = EnumSource.Mode.EXCLUDE)
    void anEmptyBodyIsEinvalForEveryOpWithArguments(Op op) {
        RawClient c = user("t");
        Reply r = c.call(op, Body.of());
        assertThat(r.result()).isEqualTo(EINVAL);
        assertThat(r.bodyLength()).isZero();
        assertThat(c.result(Op.DUP, Body.of().i32(-1))).isEqualTo(Errno.EBADF.negative());
    }

    @Test
    void theZeroFieldIsIgnored() {
        RawClient c = user("t");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(12)
                .putInt(5)
                .putShort((short) Op.DUP.code())
                .putShort((short) 0xffff)
                .putInt(-1);
        c.sendRaw(b.array());
        assertThat(c.receive().result()).isEqualTo(Errno.EBADF.negative());
    }

    @Test
    void framesSplitAnywhereAndPipelinedAreAnsweredInOrder() {
        RawClient c = user("t");
        ByteBuffer all = ByteBuffer.allocate(50 * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 50; i++) {
            all.putInt(12)
                    .putInt(i)
                    .putShort((short) Op.DUP.code())
                    .putShort((short) 0)
                    .putInt(-1 - i);
        }
        byte[] bytes = all.array();
        Random random = new Random(42);
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(23));
            byte[] piece = new byte[n];
            System.arraycopy(bytes, at, piece, 0, n);
            c.sendRaw(piece);
            at += n;
        }
        for (int i = 0; i < 50; i++) {
            Reply r = c.receive();
            assertThat(r.tag()).isEqualTo(i);
            assertThat(r.result()).isEqualTo(Errno.EBADF.negative());
        }
    }

    @Test
    void aClientThatDoesNotReadItsRepliesIsPausedAndLosesNothing() throws Exception {
        RawClient c = user("t");
        int n = 150_000; // 2.4 MB of replies: more than the daemon queues and the socket buffers hold
        byte[] requests;
        ByteBuffer all = ByteBuffer.allocate(n * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            all.putInt(12)
                    .putInt(i)
                    .putShort((short) Op.DUP.code())
                    .putShort((short) 0)
                    .putInt(-1);
        }
        requests = all.array();
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> c.sendRaw(requests));
        sleep(java.time.Duration.ofMillis(200)); // let the daemon fill its queue and pause
        RawClient other = user("other");
        assertThat(other.result(Op.DUP, Body.of().i32(-1)))
                .as("others are not held up")
                .isEqualTo(-9);
        for (int i = 0; i < n; i++) {
            Reply r = c.receive();
            if (r.tag() != i) {
                throw new AssertionError("reply " + i + " came with tag " + r.tag());
            }
        }
        sent.get();
    }

    @Test
    void randomGarbageIsSurvived() {
        Random random = new Random(7);
        List<Integer> closed = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            RawClient c = user("garbage");
            byte[] junk = new byte[1 + random.nextInt(400)];
            random.nextBytes(junk);
            try {
                c.sendRaw(junk);
            } catch (RuntimeException e) {
                // the daemon may have closed the connection already (oversized or tagless frame)
            }
            c.shutdownOutput();
            closed.add(c.drainUntilClosed().size());
        }
        assertThat(closed).hasSize(30);
        stillServing();
        awaitTrue("every garbage connection is gone", () -> daemon.connectionCount() == 1);
    }
}
