package dev.uvgem.daemon;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;

/**
 * The uvgem daemon: one kernel served to other processes over two Unix-domain sockets with the wire protocol v1
 * ({@code ../shared/contract/wire-v1.md}). Each connection is one {@link dev.uvgem.sys.Process} of the kernel,
 * privileged if it came through the admin socket; when it ends, for any reason, the process exits.
 *
 * <p>{@link #start} boots the kernel with file-backed buffer memory in a private directory (so that MMAP can
 * name a file the client maps itself; large buffers pre-faulted in the background, see {@code
 * PrefaultingAllocator}), creates the socket directories mode 0700 when missing, binds both sockets
 * and starts the event loops; when it returns, both sockets exist and accept. {@link #close()} stops listening,
 * ends every connection, closes the kernel, and removes the sockets, the directories it created and the buffer
 * files.
 *
 * <p>Peers are identified by SO_PEERCRED: a peer whose uid is not the daemon's is refused (its connection closed
 * unanswered), unless {@link DaemonConfig#allowOtherUsers()} admits it on the user socket; the admin socket
 * admits the daemon's own uid only.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} is idempotent.
 */
public final class Daemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

    private final DaemonConfig config;
    private final MemoryDirectory memory;
    private final PrefaultingAllocator allocator;
    private final Boot.Booted booted;
    private final List<EventLoop> loops = new ArrayList<>();
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final List<Path> boundSockets = new ArrayList<>();
    private final List<Path> createdDirectories = new ArrayList<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final String version = version();
    private UserPrincipal owner;
    private volatile boolean closed;

    private Daemon(DaemonConfig config, MemoryDirectory memory) {
        this.config = config;
        this.memory = memory;
        this.allocator = new PrefaultingAllocator(BufferAllocator.files(memory.path()));
        this.booted = Boot.kernelWithDevices(config.kernel(), allocator);
    }

    /**
     * Starts a daemon; when this returns, both sockets exist and accept connections.
     *
     * @throws IOException if a socket cannot be bound (in use by a live daemon, not a socket, path too long, no
     *     permission) or a directory cannot be made safely; nothing is left behind then
     */
    public static Daemon start(DaemonConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        MemoryDirectory memory = MemoryDirectory.create(config.memoryRoot());
        Daemon d;
        try {
            d = new Daemon(config, memory);
        } catch (RuntimeException | Error e) {
            memory.close();
            throw e;
        }
        try {
            d.listen();
        } catch (IOException | RuntimeException | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void listen() throws IOException {
        boolean defaults = config.socket().equals(DaemonConfig.defaultSocket().toAbsolutePath());
        prepareDirectory(config.socket().getParent(), defaults);
        prepareDirectory(config.adminSocket().getParent(), defaults);
        ServerSocketChannel user = bind(
                config.socket(), PosixFilePermissions.fromString(config.allowOtherUsers() ? "rw-rw-rw-" : "rw-------"));
        ServerSocketChannel admin = bind(config.adminSocket(), PosixFilePermissions.fromString("rw-------"));
        owner = Files.getOwner(config.socket(), LinkOption.NOFOLLOW_LINKS);
        for (int i = 0; i < config.ioThreads(); i++) {
            EventLoop loop = new EventLoop("uvgem-io-" + i);
            loops.add(loop);
            loop.start();
        }
        Listener userListener = new Listener(user, false, this::admit);
        Listener adminListener = new Listener(admin, true, this::admit);
        EventLoop first = loops.get(0);
        CountDownLatch registered = new CountDownLatch(1);
        IOException[] failure = new IOException[1];
        first.execute(() -> {
            try {
                userListener.register(first);
                adminListener.register(first);
            } catch (IOException e) {
                failure[0] = e;
            } finally {
                registered.countDown();
            }
        });
        try {
            if (!registered.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the event loop did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        LOG.log(
                Level.DEBUG,
                () -> version + " daemon listening on " + config.socket() + " (admin " + config.adminSocket()
                        + "), buffer memory in " + memory.path());
    }

    private void prepareDirectory(Path dir, boolean mustBePrivate) throws IOException {
        if (dir != null && SocketFiles.prepareDirectory(dir, mustBePrivate)) {
            createdDirectories.add(dir);
        }
    }

    /** Binds a socket, remembering it so that close() closes it and removes its file (and no other). */
    private ServerSocketChannel bind(Path path, Set<PosixFilePermission> perms) throws IOException {
        ServerSocketChannel server = SocketFiles.bind(path, perms);
        servers.add(server);
        boundSockets.add(path);
        return server;
    }

    /** Returns the configuration. */
    public DaemonConfig config() {
        return config;
    }

    /** Returns the user socket's path. */
    public Path socket() {
        return config.socket();
    }

    /** Returns the admin socket's path. */
    public Path adminSocket() {
        return config.adminSocket();
    }

    /** Returns the directory holding the buffer-memory files MMAP names. */
    public Path memoryDirectory() {
        return memory.path();
    }

    /** Returns the kernel the daemon serves. */
    public Kernel kernel() {
        return booted.kernel();
    }

    /** Returns the kernel's devices, for introspection (live buffers, dma-bufs). */
    public Boot.Devices devices() {
        return booted.devices();
    }

    /** Returns the number of open connections (with or without a HELLO yet). */
    public int connectionCount() {
        return connections.size();
    }

    /** Returns the daemon's version, as HELLO reports it. */
    public static String version() {
        try (InputStream in = Daemon.class.getResourceAsStream("daemon.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isEmpty() && !v.startsWith("$")) {
                    return "uvgem " + v;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "uvgem development build";
    }

    /** Returns whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /** Waits until the daemon is closed. */
    public void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    /**
     * Shuts down: stops listening and removes the socket files, ends every connection (its parked calls
     * cancelled, its process exited), closes the kernel, stops the event loops, and removes the buffer-memory
     * directory and the socket directories it created. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            for (ServerSocketChannel s : servers) {
                closeQuietly(s);
            }
            for (Path p : boundSockets) {
                SocketFiles.remove(p);
            }
            for (Connection c : List.copyOf(connections)) {
                c.close();
            }
            booted.kernel().close();
            for (EventLoop loop : loops) {
                loop.shutdown();
            }
            allocator.close();
            memory.close();
            for (int i = createdDirectories.size() - 1; i >= 0; i--) {
                SocketFiles.removeIfEmpty(createdDirectories.get(i));
            }
            LOG.log(Level.DEBUG, "uvgem daemon stopped");
        } finally {
            closedLatch.countDown();
        }
    }

    // ---- connections ----

    private void admit(SocketChannel channel, boolean admin) {
        try {
            if (!admits(channel, admin)) {
                channel.close();
                return;
            }
            channel.configureBlocking(false);
        } catch (IOException e) {
            closeQuietly(channel);
            return;
        }
        EventLoop loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
        Connection c = new Connection(
                channel,
                loop,
                sink -> new Session(booted.kernel(), admin, sink, version, config.maxParkedCalls(), loop.wakeups()),
                connections::remove);
        connections.add(c);
        loop.execute(() -> {
            try {
                c.register();
            } catch (IOException | RuntimeException e) {
                c.close();
            }
        });
        if (closed) {
            c.close();
        }
    }

    /** Returns whether the peer of {@code channel} may connect: the daemon's uid, or any with the flag. */
    private boolean admits(SocketChannel channel, boolean admin) throws IOException {
        UserPrincipal peer =
                channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
        if (admits(peer.equals(owner), admin, config.allowOtherUsers())) {
            return true;
        }
        LOG.log(
                Level.WARNING,
                () -> "refused a connection of user " + peer.getName() + " on the "
                        + (admin ? "admin" : "user") + " socket (another uid"
                        + (admin ? ")" : "; --allow-other-users admits it)"));
        return false;
    }

    /** The admission rule: the daemon's own uid always; other uids on the user socket if allowed. */
    static boolean admits(boolean sameUser, boolean adminSocket, boolean allowOtherUsers) {
        return sameUser || (!adminSocket && allowOtherUsers);
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing what is gone already
        }
    }
}
