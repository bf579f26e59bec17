package dev.uvgem.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One client connection on an {@link EventLoop}: its non-blocking socket, the bytes received and not yet
 * dispatched, and its reply queue.
 *
 * <p><b>Input.</b> The loop reads into a buffer that grows with the bytes actually received (doubling, up to one
 * whole frame of at most 16 MiB) and shrinks back when empty, so a client announcing a large frame and sending
 * nothing costs nothing. Whole frames go to the {@link Session} in order.
 *
 * <p><b>Output.</b> One writer at a time, under a lock: a reply is written straight to the socket when nothing is
 * queued before it, otherwise queued and written by the loop when the socket can take it. A client that sends
 * requests without reading its replies is paused (nothing more is read from it) while more than
 * {@value #OUTPUT_HIGH} bytes of replies wait, and resumed under {@value #OUTPUT_LOW}.
 *
 * <p><b>End.</b> End of stream, an I/O error, a protocol error that ends the connection, or the daemon closing:
 * the session ends (parked calls cancelled, the process exits) and the socket is closed, exactly once.
 *
 * <p>Thread-safety: {@link #ready} and the input side run on the loop's thread; {@link #send}, {@link
 * #closeAfterFlush} and {@link #close} may be called from any thread.
 */
final class Connection implements EventLoop.Handler, ReplySink {
    /** The input buffer's size when idle. */
    static final int INITIAL_INPUT = 16 * 1024;
    /** Stop reading a client with this many bytes of replies waiting. */
    static final long OUTPUT_HIGH = 1 << 20;
    /** Resume it below this many. */
    static final long OUTPUT_LOW = 256 * 1024;

    private final SocketChannel channel;
    private final EventLoop loop;
    private final Session session;
    private final Consumer<Connection> onClose;
    private volatile SelectionKey key;
    private ByteBuffer in = ByteBuffer.allocate(INITIAL_INPUT); // write mode; loop thread only
    private boolean paused; // loop thread only

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(); // guarded by writeLock
    private long pendingBytes; // guarded by writeLock
    private volatile boolean closeWhenFlushed;
    private volatile boolean closed;

    /**
     * Creates a connection; {@link #register()} starts serving it.
     *
     * @param sessions makes the connection's session, given its reply sink
     * @param onClose told once when the connection has ended
     */
    Connection(
            SocketChannel channel,
            EventLoop loop,
            Function<ReplySink, Session> sessions,
            Consumer<Connection> onClose) {
        this.channel = channel;
        this.loop = loop;
        this.session = sessions.apply(this);
        this.onClose = onClose;
    }

    /** Returns the connection's session. */
    Session session() {
        return session;
    }

    /** Returns whether the connection has ended. */
    boolean isClosed() {
        return closed;
    }

    /**
     * Registers the channel with the loop and starts reading.
     *
     * <p>Context: the loop's thread.
     */
    void register() throws IOException {
        key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
    }

    @Override
    public void ready(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        int ops = k.readyOps();
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            flush();
        }
        if ((ops & SelectionKey.OP_READ) != 0 && !closed && !paused && !closeWhenFlushed) {
            read();
        }
    }

    @Override
    public void failed(Throwable t) {
        close();
    }

    // ---- input (loop thread) ----

    private void read() {
        if (!in.hasRemaining()) {
            grow();
        }
        int n;
        try {
            n = channel.read(in);
        } catch (IOException e) {
            close();
            return;
        }
        if (n < 0) {
            close();
            return;
        }
        dispatch();
    }

    /** Hands every whole frame received to the session, in order, until paused or ended. */
    private void dispatch() {
        in.flip();
        try {
            while (!closed && !paused && !closeWhenFlushed) {
                FrameReader.Event event = FrameReader.next(in);
                if (event == null) {
                    break;
                }
                session.onEvent(event);
                if (outputBacklog() > OUTPUT_HIGH) {
                    pause();
                }
            }
        } finally {
            in.compact();
        }
        if (in.position() == 0 && in.capacity() > INITIAL_INPUT) {
            in = ByteBuffer.allocate(INITIAL_INPUT);
        }
    }

    /** Makes room in a full buffer for the frame it holds the start of: doubling, never past that frame. */
    private void grow() {
        ByteBuffer held = in.duplicate().flip();
        int needed = FrameReader.needed(held);
        int capacity = (int) Math.min(Math.max(needed, in.capacity()), 2L * in.capacity());
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(held);
        in = bigger;
    }

    private void pause() {
        paused = true;
        writeLock.lock();
        try {
            SelectionKey k = key;
            if (k.isValid()) {
                k.interestOpsAnd(~SelectionKey.OP_READ);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void resume() {
        paused = false;
        SelectionKey k = key;
        if (k.isValid()) {
            k.interestOpsOr(SelectionKey.OP_READ);
        }
        dispatch(); // frames that arrived before the pause
    }

    // ---- output (any thread) ----

    @Override
    public void send(ByteBuffer frame) {
        boolean broken = false;
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            if (pending.isEmpty()) {
                try {
                    channel.write(frame);
                } catch (IOException e) {
                    broken = true;
                }
                if (broken || !frame.hasRemaining()) {
                    return;
                }
            }
            pending.add(frame);
            pendingBytes += frame.remaining();
            if (pending.size() == 1) {
                key.interestOpsOr(SelectionKey.OP_WRITE);
                loop.wakeup();
            }
        } finally {
            writeLock.unlock();
            if (broken) {
                close();
            }
        }
    }

    /** Writes what the socket takes of the queue (loop thread, when the socket is writable). */
    private void flush() {
        boolean end = false;
        writeLock.lock();
        try {
            while (!pending.isEmpty()) {
                ByteBuffer b = pending.peek();
                int before = b.remaining();
                try {
                    channel.write(b);
                } catch (IOException e) {
                    end = true;
                    break;
                }
                pendingBytes -= before - b.remaining();
                if (b.hasRemaining()) {
                    break;
                }
                pending.poll();
            }
            if (pending.isEmpty() && !closed) {
                SelectionKey k = key;
                if (k.isValid()) {
                    k.interestOpsAnd(~SelectionKey.OP_WRITE);
                }
                end |= closeWhenFlushed;
            }
        } finally {
            writeLock.unlock();
        }
        if (end) {
            close();
        } else if (paused && outputBacklog() < OUTPUT_LOW) {
            resume();
        }
    }

    private long outputBacklog() {
        writeLock.lock();
        try {
            return pendingBytes;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void closeAfterFlush() {
        boolean now;
        writeLock.lock();
        try {
            closeWhenFlushed = true;
            now = pending.isEmpty();
            SelectionKey k = key;
            if (!now && k != null && k.isValid()) {
                k.interestOpsAnd(~SelectionKey.OP_READ); // nothing more is read: do not spin on readable input
            }
        } finally {
            writeLock.unlock();
        }
        if (now) {
            close();
        } else {
            loop.wakeup();
        }
    }

    /**
     * Ends the connection: the socket is closed (replies not yet written are dropped), the session ends, and the
     * owner is told. Idempotent.
     *
     * <p>Context: any thread; the process's file releases run on it.
     */
    void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
            pendingBytes = 0;
        } finally {
            writeLock.unlock();
        }
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket that failed: nothing more to do
        }
        loop.wakeup(); // the selector completes the close of a registered channel
        try {
            session.end();
        } finally {
            onClose.accept(this);
        }
    }
}
