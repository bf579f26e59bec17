package dev.uvgem.daemon;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.BiConsumer;

/**
 * One listening socket (the user or the admin socket) on an {@link EventLoop}: accepts every pending connection
 * and hands it to the daemon, with whether it is an admin connection.
 *
 * <p>Thread-safety: runs on its loop's thread.
 */
final class Listener implements EventLoop.Handler {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());

    private final ServerSocketChannel server;
    private final boolean admin;
    private final BiConsumer<SocketChannel, Boolean> admit;

    Listener(ServerSocketChannel server, boolean admin, BiConsumer<SocketChannel, Boolean> admit) {
        this.server = server;
        this.admin = admin;
        this.admit = admit;
    }

    /** Registers the (non-blocking) server socket with {@code loop}; call on the loop's thread. */
    void register(EventLoop loop) throws IOException {
        server.configureBlocking(false);
        server.register(loop.selector(), SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void ready(SelectionKey key) {
        while (key.isValid()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) { // e.g. EMFILE: the pending connection waits for the next round
                LOG.log(Level.WARNING, "accept failed: " + e.getMessage());
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
