package dev.uvgem.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A test client that speaks the wire's frames byte by byte, with nothing of the future Java client: it sends
 * frames (or any bytes) and reads reply frames, every read bounded by a timeout so that a daemon that does not
 * answer fails the test instead of hanging it.
 */
final class RawClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SocketChannel channel;
    private final Selector readSelector; // one per direction: a test may send and receive on two threads
    private final Selector writeSelector;
    private int nextTag = 1000;

    private RawClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.readSelector = Selector.open();
        this.writeSelector = Selector.open();
    }

    static RawClient connect(Path socket) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new RawClient(ch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects and says HELLO (version 1), asserting it succeeded. */
    static RawClient hello(Path socket, String name) {
        RawClient c = connect(socket);
        Reply r = c.call(Op.HELLO, Body.of().u32(1).str(name));
        if (r.result() != 0) {
            throw new AssertionError("HELLO failed: " + r.result());
        }
        return c;
    }

    int newTag() {
        return nextTag++;
    }

    /** Sends a frame with {@code op} and {@code body}. */
    void send(int tag, int op, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(8 + body.length)
                .putInt(tag)
                .putShort((short) op)
                .putShort((short) 0)
                .put(body);
        sendRaw(b.array());
    }

    void send(int tag, Op op, Body body) {
        send(tag, op.code(), body.build());
    }

    /** Sends bytes as they are. */
    void sendRaw(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    await(SelectionKey.OP_WRITE, deadline);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request with a new tag and returns its reply, which must be the next one to arrive. */
    Reply call(Op op, Body body) {
        return call(op.code(), body.build());
    }

    Reply call(int op, byte[] body) {
        int tag = newTag();
        send(tag, op, body);
        Reply r = receive();
        if (r.tag() != tag) {
            throw new AssertionError("expected the reply to tag " + tag + ", got tag " + r.tag());
        }
        return r;
    }

    /** Calls and returns just the result. */
    long result(Op op, Body body) {
        return call(op, body).result();
    }

    /** Receives the next reply frame. */
    Reply receive() {
        return receive(TIMEOUT);
    }

    Reply receive(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            ByteBuffer len = read(4, deadline);
            int n = len.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (n < 12) {
                throw new AssertionError("reply len " + n + " is shorter than its header");
            }
            ByteBuffer frame = read(n, deadline).order(ByteOrder.LITTLE_ENDIAN);
            int tag = frame.getInt(0);
            long result = frame.getLong(4);
            return new Reply(tag, result, frame.slice(12, n - 12));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Receives replies until one has {@code tag}; the others are returned in {@code others}. */
    Reply receiveTag(int tag, List<Reply> others) {
        while (true) {
            Reply r = receive();
            if (r.tag() == tag) {
                return r;
            }
            others.add(r);
        }
    }

    /**
     * Receives the replies to {@code tags}, in whatever order they arrive (a parked call woken or cancelled by a
     * later request may reply before that request does), and returns them in the order of {@code tags}. Fails on a
     * reply to any other tag.
     */
    Reply[] receiveTags(int... tags) {
        Reply[] out = new Reply[tags.length];
        for (int n = 0; n < tags.length; n++) {
            Reply r = receive();
            int i = 0;
            while (i < tags.length && (tags[i] != r.tag() || out[i] != null)) {
                i++;
            }
            if (i == tags.length) {
                throw new AssertionError("unexpected reply to tag " + r.tag());
            }
            out[i] = r;
        }
        return out;
    }

    /** Sends {@code op} with a new tag, then returns its reply and the reply to {@code parked}, in that order. */
    Reply[] callAlongside(Op op, Body body, int parked) {
        int tag = newTag();
        send(tag, op, body);
        return receiveTags(tag, parked);
    }

    /** Asserts that no reply arrives within {@code wait}. */
    void expectSilence(Duration wait) {
        try {
            ByteBuffer one = ByteBuffer.allocate(1);
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                int n = channel.read(one);
                if (n != 0) {
                    throw new AssertionError(n < 0 ? "connection closed" : "unexpected reply bytes");
                }
                channel.register(readSelector, SelectionKey.OP_READ);
                readSelector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                readSelector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads replies until the daemon closes the connection; returns them. Fails if it stays open past the
     * timeout.
     */
    List<Reply> drainUntilClosed() {
        List<Reply> replies = new ArrayList<>();
        while (true) {
            try {
                replies.add(receive());
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof EOFException
                        || e.getCause().getMessage() != null
                                && e.getCause().getMessage().contains("reset")) {
                    return replies;
                }
                throw e;
            }
        }
    }

    /** Stops sending (half-close): the daemon sees end of stream. */
    void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ByteBuffer read(int n, long deadline) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = channel.read(b);
            if (r < 0) {
                throw new EOFException("connection closed by the daemon");
            }
            if (r == 0) {
                await(SelectionKey.OP_READ, deadline);
            }
        }
        return b.flip();
    }

    private void await(int ops, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError("timed out waiting for the daemon");
        }
        Selector selector = ops == SelectionKey.OP_READ ? readSelector : writeSelector;
        channel.register(selector, ops);
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
    }

    @Override
    public void close() {
        try {
            readSelector.close();
            writeSelector.close();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
