package dev.uvgem.client;

import dev.uvgem.api.Uvgem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one line that runs the Java API on a uvgem daemon instead of an embedded kernel:
 *
 * <pre>{@code
 * try (Uvgem uvgem = UvgemClient.connect(socket);      // or: Uvgem.embedded()
 *         VgemDevice vgem = uvgem.openVgem();
 *         BufferObject bo = vgem.createDumb(1920, 1080, 32)) {
 *     ...
 * }
 * }</pre>
 *
 * The {@link Uvgem} returned is one process of the daemon ({@link RemoteSyscalls}, one connection shared by every
 * thread); closing it ends the connection, and the daemon releases everything the process held. It is a factory
 * here rather than in {@code dev.uvgem.api} because the API does not depend on its backends: the client depends on
 * the API, and {@link Uvgem#over} joins them.
 *
 * <p>Thread-safety: stateless.
 */
public final class UvgemClient {
    /** The name a client process gets in the daemon unless it gives one. */
    public static final String DEFAULT_CLIENT_NAME = "java";

    private UvgemClient() {}

    /**
     * Connects to the daemon listening on {@code socket}: the user socket gives an unprivileged process, the admin
     * socket a privileged one.
     *
     * @throws IOException if no daemon accepts on {@code socket} or it ends the connection unanswered
     * @throws dev.uvgem.uapi.ErrnoException if the daemon refuses HELLO (EPROTO: another protocol version)
     */
    public static Uvgem connect(Path socket) throws IOException {
        return connect(socket, DEFAULT_CLIENT_NAME);
    }

    /** As {@link #connect(Path)}, naming the process {@code clientName} in the daemon (its {@code comm}). */
    public static Uvgem connect(Path socket, String clientName) throws IOException {
        return Uvgem.over(RemoteSyscalls.connect(socket, clientName));
    }

    /** Connects to the daemon at the contract's default user socket ({@link #defaultSocket()}). */
    public static Uvgem connect() throws IOException {
        return connect(defaultSocket());
    }

    /**
     * Returns the contract's default user socket: {@code $XDG_RUNTIME_DIR/uvgem/uvgem.sock}, or {@code
     * /tmp/uvgem-$UID/uvgem.sock} when {@code XDG_RUNTIME_DIR} is unset or not absolute.
     */
    public static Path defaultSocket() {
        return defaultSocket(System.getenv(), UvgemClient::currentUid);
    }

    /** Returns the contract's default admin socket: {@code uvgem-admin.sock} beside {@link #defaultSocket()}. */
    public static Path defaultAdminSocket() {
        return defaultSocket().resolveSibling("uvgem-admin.sock");
    }

    static Path defaultSocket(Map<String, String> env, java.util.function.LongSupplier uid) {
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "uvgem", "uvgem.sock");
        }
        return Path.of("/tmp", "uvgem-" + uid.getAsLong(), "uvgem.sock");
    }

    /** The uid of this process, as the owner of {@code /proc/self}. */
    private static long currentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell this process's uid for the default socket path", e);
        }
    }
}
