package dev.uvgem.daemon;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * One listening socket (the user or the admin socket) on an {@link EventLoop}: accepts every pending connection
 * and hands it to the daemon, with whether it is an admin connection.
 *
 * <p>Thread-safety: runs on its loop's thread.
 */
final class Listener implements EventLoop.Handler {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    /** How long accepting pauses after accept failed (out of fds). */
    private static final Duration RETRY = Duration.ofMillis(100);

    private final ServerSocketChannel server;
    private final boolean admin;
    private final BiConsumer<SocketChannel, Boolean> admit;
    private EventLoop loop;

    Listener(ServerSocketChannel server, boolean admin, BiConsumer<SocketChannel, Boolean> admit) {
        this.server = server;
        this.admin = admin;
        this.admit = admit;
    }

    /** Registers the (non-blocking) server socket with {@code loop}; call on the loop's thread. */
    void register(EventLoop loop) throws IOException {
        this.loop = loop;
        server.configureBlocking(false);
        server.register(loop.selector(), SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void ready(SelectionKey key) {
        while (key.isValid()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) { // e.g. EMFILE: pause accepting instead of spinning on the pending connection
                LOG.log(Level.WARNING, "accept failed, pausing for " + RETRY.toMillis() + " ms: " + e.getMessage());
                key.interestOps(0);
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(RETRY);
                    } catch (InterruptedException ignored) {
                        // resume at once
                    }
                    loop.execute(() -> {
                        if (key.isValid()) {
                            key.interestOps(SelectionKey.OP_ACCEPT);
                        }
                    });
                });
                return;
            }
            if (ch == null) {
                return;
            }
            admit.accept(ch, admin);
        }
    }

    @Override
    public void failed(Throwable t) {
        LOG.log(Level.ERROR, "the " + (admin ? "admin" : "user") + " socket's listener failed", t);
    }
}
