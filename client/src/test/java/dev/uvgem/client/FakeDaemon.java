package dev.uvgem.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A scripted stand-in for the daemon: one connection at a time on a Unix socket, HELLO answered by itself, every
 * later request queued for the test to {@link #next() take} and {@link #reply answer} in any order it likes.
 */
final class FakeDaemon implements AutoCloseable {
    /** A request as received. */
    record Request(int tag, int op, ByteBuffer body) {
        int i32() {
            return body.getInt();
        }

        long i64() {
            return body.getLong();
        }

        String str() {
            byte[] b = new byte[Short.toUnsignedInt(body.getShort())];
            body.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    static final String VERSION = "fake 1";

    final Path path;
    private final ServerSocketChannel server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile SocketChannel conn;
    private volatile Request hello;
    private volatile boolean eof;
    private final Object readGate = new Object();
    private boolean readingPaused; // guarded by readGate
    volatile long helloResult = 0;
    volatile int helloFlags = 0;
    /** Whether the end of the client's stream closes the connection, as the daemon does. */
    volatile boolean closeOnEof = true;

    FakeDaemon(Path dir) throws IOException {
        path = dir.resolve("fake.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread.ofPlatform().daemon(true).name("fake-daemon-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel c = server.accept();
                conn = c;
                eof = false;
                Thread.ofPlatform().daemon(true).name("fake-daemon-conn").start(() -> serve(c));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serve(SocketChannel c) {
        try {
            while (true) {
                ByteBuffer len = readFully(c, 4);
                if (len == null) {
                    eof = true;
                    if (closeOnEof) {
                        c.close();
                    }
                    return;
                }
                ByteBuffer rest = readFully(c, len.getInt(0));
                if (rest == null) {
                    eof = true;
                    return;
                }
                Request r = new Request(
                        rest.getInt(),
                        Short.toUnsignedInt(rest.getShort()),
                        skip(rest, 2).slice().order(ByteOrder.LITTLE_ENDIAN));
                if (r.op() == Wire.HELLO && hello == null) {
                    hello = r;
                    byte[] v = VERSION.getBytes(StandardCharsets.UTF_8);
                    ByteBuffer b = ByteBuffer.allocate(8 + 2 + v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.putInt(1).putInt(helloFlags).putShort((short) v.length).put(v);
                    reply(r.tag(), helloResult, helloResult < 0 ? new byte[0] : b.array());
                    continue;
                }
                requests.add(r);
            }
        } catch (IOException e) {
            eof = true;
        }
    }

    private static ByteBuffer skip(ByteBuffer b, int n) {
        return b.position(b.position() + n);
    }

    private ByteBuffer readFully(SocketChannel c, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            awaitReading();
            if (c.read(b) < 0) {
                return null;
            }
        }
        return b.flip();
    }

    private void awaitReading() throws IOException {
        synchronized (readGate) {
            while (readingPaused) {
                try {
                    readGate.wait();
                } catch (InterruptedException e) {
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    /**
     * Stops reading the connection (from its next read on; a read already waiting takes what comes first), as the
     * daemon does while a client's replies back up.
     */
    void pauseReading() {
        synchronized (readGate) {
            readingPaused = true;
        }
    }

    /** Reads the connection again. */
    void resumeReading() {
        synchronized (readGate) {
            readingPaused = false;
            readGate.notifyAll();
        }
    }

    /** The HELLO received, or null. */
    Request hello() {
        return hello;
    }

    /** Takes the next request (after HELLO), waiting up to 10 s. */
    Request next() throws InterruptedException {
        Request r = requests.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request arrived");
        }
        return r;
    }

    /** Takes the next request if one arrives within {@code ms}. */
    Request next(long ms) throws InterruptedException {
        return requests.poll(ms, TimeUnit.MILLISECONDS);
    }

    /** Answers {@code tag}. */
    void reply(int tag, long result, byte[] body) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(12 + body.length).putInt(tag).putLong(result).put(body).flip();
        raw(b);
    }

    /** Writes raw bytes to the connection. */
    void raw(ByteBuffer b) throws IOException {
        writeLock.lock();
        try {
            while (b.hasRemaining()) {
                conn.write(b);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Whether the client ended its side of the current connection. */
    boolean sawEof() {
        return eof;
    }

    /** Drops the current connection, as a crashed daemon would. */
    void disconnect() throws IOException {
        conn.close();
    }

    static byte[] le(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    @Override
    public void close() throws IOException {
        server.close();
        SocketChannel c = conn;
        if (c != null) {
            c.close();
        }
    }
}
