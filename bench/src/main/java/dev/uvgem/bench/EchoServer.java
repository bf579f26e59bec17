package dev.uvgem.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The raw baseline's server: one Unix-socket connection served by a thread blocked in {@code read}, answering each
 * request of {@code requestBytes} with {@code replyBytes} bytes: the same frame sizes as the uvgem call it stands
 * for, with no work between.
 *
 * <p>Thread-safety: one connection; {@link #close()} from any thread.
 */
final class EchoServer implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;

    /**
     * @param virtual whether the server reads on a virtual thread (else a platform thread)
     */
    EchoServer(Path path, int requestBytes, int replyBytes, boolean virtual) {
        this.path = path;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runnable serve = () -> {
            try (SocketChannel s = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(requestBytes);
                ByteBuffer out = ByteBuffer.allocate(replyBytes);
                while (true) {
                    in.clear();
                    while (in.hasRemaining()) {
                        if (s.read(in) < 0) {
                            return;
                        }
                    }
                    out.clear();
                    while (out.hasRemaining()) {
                        s.write(out);
                    }
                }
            } catch (IOException e) {
                // the client went: done
            }
        };
        thread = virtual
                ? Thread.ofVirtual().start(serve)
                : Thread.ofPlatform().daemon().start(serve);
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            server.close();
            thread.join(1000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
