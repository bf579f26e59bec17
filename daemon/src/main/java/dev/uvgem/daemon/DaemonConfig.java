package dev.uvgem.daemon;

import dev.uvgem.sys.KernelConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Daemon} runs: where it listens, the kernel it serves, whom it lets in, where buffer memory lives,
 * and its threads.
 *
 * <p>Thread-safety: immutable.
 *
 * @param socket the user socket: its connections are unprivileged processes
 * @param adminSocket the admin socket: its connections are privileged (root / CAP_SYS_ADMIN)
 * @param kernel the kernel's configuration: clock, vgem fence expiry ({@code --fence-timeout}), debugfs
 *     ({@code --debugfs}) and per-process limits
 * @param allowOtherUsers whether peers of another uid (SO_PEERCRED) may connect to the user socket
 *     ({@code --allow-other-users}); the admin socket always admits the daemon's own uid only
 * @param memoryRoot the tmpfs directory in which the daemon makes its private buffer-memory directory
 *     ({@code /dev/shm} by default)
 * @param ioThreads the number of event loops
 * @param maxParkedCalls how many requests one connection may have parked (waiting) at once; more are answered
 *     -EAGAIN, as a thread limit is
 */
public record DaemonConfig(
        Path socket,
        Path adminSocket,
        KernelConfig kernel,
        boolean allowOtherUsers,
        Path memoryRoot,
        int ioThreads,
        int maxParkedCalls) {
    /** The user socket's file name. */
    public static final String SOCKET_NAME = "uvgem.sock";
    /** The admin socket's file name, beside the user socket by default. */
    public static final String ADMIN_SOCKET_NAME = "uvgem-admin.sock";
    /** The default of {@link #maxParkedCalls}. */
    public static final int DEFAULT_MAX_PARKED_CALLS = 4096;

    /** Validates the configuration. */
    public DaemonConfig {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(adminSocket, "adminSocket");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(memoryRoot, "memoryRoot");
        socket = socket.toAbsolutePath().normalize();
        adminSocket = adminSocket.toAbsolutePath().normalize();
        memoryRoot = memoryRoot.toAbsolutePath().normalize();
        if (socket.equals(adminSocket)) {
            throw new IllegalArgumentException("the user and admin sockets must differ: " + socket);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1: " + ioThreads);
        }
        if (maxParkedCalls < 1) {
            throw new IllegalArgumentException("maxParkedCalls must be at least 1: " + maxParkedCalls);
        }
    }

    /**
     * Returns the contract's defaults: the user socket {@link #defaultSocket()}, the admin socket beside it, the
     * kernel defaults (10 s vgem fences, no debugfs), other users refused, buffer memory under {@code /dev/shm},
     * one event loop per processor.
     */
    public static DaemonConfig defaults() {
        return defaults(defaultSocket());
    }

    /** Returns the defaults with the user socket at {@code socket} and the admin socket beside it. */
    public static DaemonConfig defaults(Path socket) {
        return new DaemonConfig(
                socket,
                adminBeside(socket),
                KernelConfig.defaults(),
                false,
                MemoryDirectory.defaultRoot(),
                Runtime.getRuntime().availableProcessors(),
                DEFAULT_MAX_PARKED_CALLS);
    }

    /**
     * Returns the contract's default user socket: {@code $XDG_RUNTIME_DIR/uvgem/uvgem.sock}, or
     * {@code /tmp/uvgem-$UID/uvgem.sock} when {@code XDG_RUNTIME_DIR} is unset or not absolute.
     */
    public static Path defaultSocket() {
        return defaultSocket(System.getenv(), SocketFiles.currentUid());
    }

    static Path defaultSocket(Map<String, String> env, long uid) {
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "uvgem", SOCKET_NAME);
        }
        return Path.of("/tmp", "uvgem-" + uid, SOCKET_NAME);
    }

    /** Returns the default admin socket for user socket {@code socket}: {@code uvgem-admin.sock} beside it. */
    public static Path adminBeside(Path socket) {
        return socket.toAbsolutePath().resolveSibling(ADMIN_SOCKET_NAME);
    }

    /** Returns a copy with the user socket at {@code path} (the admin socket stays where it was). */
    public DaemonConfig withSocket(Path path) {
        return new DaemonConfig(path, adminSocket, kernel, allowOtherUsers, memoryRoot, ioThreads, maxParkedCalls);
    }

    /** Returns a copy with the admin socket at {@code path}. */
    public DaemonConfig withAdminSocket(Path path) {
        return new DaemonConfig(socket, path, kernel, allowOtherUsers, memoryRoot, ioThreads, maxParkedCalls);
    }

    /** Returns a copy with the kernel configuration {@code config}. */
    public DaemonConfig withKernel(KernelConfig config) {
        return new DaemonConfig(socket, adminSocket, config, allowOtherUsers, memoryRoot, ioThreads, maxParkedCalls);
    }

    /** Returns a copy that admits peers of other uids on the user socket, or not. */
    public DaemonConfig withAllowOtherUsers(boolean allow) {
        return new DaemonConfig(socket, adminSocket, kernel, allow, memoryRoot, ioThreads, maxParkedCalls);
    }

    /** Returns a copy that makes its buffer-memory directory under {@code root}. */
    public DaemonConfig withMemoryRoot(Path root) {
        return new DaemonConfig(socket, adminSocket, kernel, allowOtherUsers, root, ioThreads, maxParkedCalls);
    }

    /** Returns a copy with {@code n} event loops. */
    public DaemonConfig withIoThreads(int n) {
        return new DaemonConfig(socket, adminSocket, kernel, allowOtherUsers, memoryRoot, n, maxParkedCalls);
    }

    /** Returns a copy that lets a connection park at most {@code n} requests. */
    public DaemonConfig withMaxParkedCalls(int n) {
        return new DaemonConfig(socket, adminSocket, kernel, allowOtherUsers, memoryRoot, ioThreads, n);
    }
}
