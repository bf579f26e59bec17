package dev.uvgem.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A bare wire v1 connection for the benchmarks: a blocking socket on the calling platform thread, frames built by
 * hand, no client library, so that a measurement sees the daemon and the socket and nothing else. Also the raw
 * baseline's client (any byte stream).
 *
 * <p>Thread-safety: none; one thread per connection.
 */
final class WireSocket implements AutoCloseable {
    static final int HELLO = 1;
    static final int OPEN = 2;
    static final int IOCTL = 5;
    static final int POLL = 6;
    static final int FD_SEND = 11;
    static final int FD_RECV = 12;
    static final int POLLIN = 1;

    private final SocketChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);

    private WireSocket(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects to {@code socket} without saying anything. */
    static WireSocket connect(Path socket) {
        try {
            return new WireSocket(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects to a daemon and says HELLO. */
    static WireSocket hello(Path socket, String name) {
        WireSocket w = connect(socket);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        w.call(HELLO, 1, body(6 + n.length).putInt(1).putShort((short) n.length).put(n));
        return w;
    }

    /** Returns a little-endian body buffer of {@code n} bytes. */
    static ByteBuffer body(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Returns a whole request frame: header and {@code body} (written from 0 to its position). */
    static ByteBuffer frame(int op, int tag, ByteBuffer body) {
        body.flip();
        ByteBuffer f = ByteBuffer.allocate(12 + body.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(8 + body.remaining())
                .putInt(tag)
                .putShort((short) op)
                .putShort((short) 0)
                .put(body);
        return f.flip();
    }

    /** Returns an IOCTL frame: {@code fd}, {@code request}, the struct {@code arg}, no user window. */
    static ByteBuffer ioctlFrame(int tag, int fd, int request, byte[] arg) {
        return frame(
                IOCTL,
                tag,
                body(16 + arg.length)
                        .putInt(fd)
                        .putInt(request)
                        .putInt(arg.length)
                        .put(arg)
                        .putInt(0));
    }

    /** Returns a POLL frame for one fd, waiting forever. */
    static ByteBuffer pollFrame(int tag, int fd, int events) {
        return frame(
                POLL,
                tag,
                body(16).putInt(1)
                        .putInt(fd)
                        .putShort((short) events)
                        .putShort((short) 0)
                        .putInt(-1));
    }

    /** Writes a whole frame (or any bytes). */
    void send(ByteBuffer frame) {
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads exactly {@code into.remaining()} bytes. */
    void readFully(ByteBuffer into) {
        try {
            while (into.hasRemaining()) {
                if (channel.read(into) < 0) {
                    throw new EOFException("the peer closed the connection");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one reply frame: the tag in {@link Reply#tag}, the result, and the body. */
    Reply receive() {
        header.clear();
        readFully(header);
        int len = header.getInt(0);
        ByteBuffer b = body(len - 12);
        readFully(b);
        return new Reply(header.getInt(4), header.getLong(8), b.flip());
    }

    /** Sends a request and reads replies until its own (tags must not collide with parked requests). */
    Reply call(int op, int tag, ByteBuffer body) {
        send(frame(op, tag, body));
        while (true) {
            Reply r = receive();
            if (r.tag() == tag) {
                return r;
            }
        }
    }

    /** Runs an ioctl; the struct comes back in {@code arg}; returns the result. */
    long ioctl(int fd, int request, byte[] arg) {
        send(ioctlFrame(7, fd, request, arg));
        Reply r;
        do {
            r = receive();
        } while (r.tag() != 7);
        r.body().getInt();
        r.body().get(arg);
        return r.result();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }

    /** One reply frame. */
    record Reply(int tag, long result, ByteBuffer body) {}
}
