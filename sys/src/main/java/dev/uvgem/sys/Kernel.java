package dev.uvgem.sys;

import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.Timer;
import dev.uvgem.core.vfs.Device;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One uvgem kernel: its configuration and clock, the path table that maps paths to {@link Device}s, the live
 * {@link Process}es, and the open files in flight between processes ({@link Process#fdSend}/{@link
 * Process#fdRecv}, the model of SCM_RIGHTS).
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the path table and the process and in-flight sets are
 * concurrent maps; no lock is held while a device opens or a file is released.
 */
public final class Kernel implements AutoCloseable {
    /** How long an fd passed with {@link Process#fdSend} waits to be received, on the kernel clock. */
    public static final Duration FD_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** The length of an fd-passing token in bytes (128 random bits). */
    public static final int FD_TOKEN_BYTES = 16;

    private static final System.Logger LOG = System.getLogger(Kernel.class.getName());

    private final KernelConfig config;
    private final ConcurrentHashMap<String, Node> paths = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Process> processes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Token, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger nextPid = new AtomicInteger(1);
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    /** Starts a kernel with {@code config}. */
    public Kernel(KernelConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Returns the configuration. */
    public KernelConfig config() {
        return config;
    }

    /** Returns the kernel clock. */
    public Clock clock() {
        return config.clock();
    }

    /**
     * Adds {@code path} to the path table.
     *
     * <p>Context: any thread. Locking: none held while calling out.
     *
     * @throws ErrnoException EEXIST if the path is already registered
     */
    public void register(String path, Device device, PathAccess access) {
        Objects.requireNonNull(path, "path");
        Node node = new Node(Objects.requireNonNull(device, "device"), Objects.requireNonNull(access, "access"));
        if (paths.putIfAbsent(path, node) != null) {
            throw new ErrnoException(Errno.EEXIST, path);
        }
    }

    /** Removes {@code path} from the path table; files already open stay open. Returns whether it was there. */
    public boolean unregister(String path) {
        return paths.remove(path) != null;
    }

    /** Returns whether {@code path} is registered. */
    public boolean isRegistered(String path) {
        return paths.containsKey(path);
    }

    /**
     * Starts a process (a connection of the daemon).
     *
     * <p>Context: any thread, never blocks. Locking: none (the process set is a concurrent map); a spawn racing {@link
     * #close} exits the new process on this thread.
     *
     * @param comm its command name, cut to 15 bytes of UTF-8 as {@code current->comm}
     * @param admin whether it is privileged (an admin-socket connection)
     * @throws IllegalStateException if the kernel is closed
     */
    public Process spawn(String comm, boolean admin) {
        if (closed) {
            throw new IllegalStateException("kernel is closed");
        }
        Process p = new Process(this, nextPid.getAndIncrement(), comm, admin);
        processes.put(p.pid(), p);
        if (closed) { // raced with close(): do not leave a live process behind
            p.exit();
            throw new IllegalStateException("kernel is closed");
        }
        return p;
    }

    /**
     * Returns the live processes, by pid.
     *
     * <p>Context: any thread, never blocks. Locking: none; a snapshot of the concurrent process set.
     */
    public List<Process> processes() {
        List<Process> out = new ArrayList<>(processes.values());
        out.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
        return out;
    }

    /** Returns the number of files in flight (sent and neither received nor expired). */
    public int inFlightFileCount() {
        return inFlight.size();
    }

    /** Returns whether the kernel is shut down. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Shuts the kernel down: every process exits (releasing its files) and every file in flight is dropped.
     * Idempotent. Later {@link #spawn} calls fail.
     *
     * <p>Context: any thread but a process's own blocked call; may run file releases. Locking: takes no lock of its
     * own; each exit and each dropped file releases on this thread, so the caller must hold no lock a release
     * takes.
     */
    @Override
    public void close() {
        closed = true;
        for (Process p : processes()) {
            p.exit();
        }
        for (InFlight f : List.copyOf(inFlight.values())) {
            if (inFlight.remove(f.token, f)) {
                clock().cancel(f);
                f.drop();
            }
        }
    }

    // ---- for Process ----

    /** Opens {@code path} for a process: ENOENT if unknown, EACCES if not allowed, else the device's open. */
    OpenFile openPath(String path, int flags, Task task, boolean admin) {
        Node node = paths.get(path);
        if (node == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (node.access == PathAccess.ADMIN_DEBUGFS && !(admin && config.debugfs())) {
            throw new ErrnoException(Errno.EACCES);
        }
        OpenFile file = node.device.open(flags, task);
        if (file == null) {
            throw new IllegalStateException("device for " + path + " returned no file");
        }
        return file;
    }

    /** Forgets an exited process. */
    void reap(Process p) {
        processes.remove(p.pid(), p);
    }

    /**
     * Puts {@code file} in flight under a new token, taking over the caller's reference and charging it to {@code
     * sender} until it is received, expires or the kernel closes; it is dropped if nobody receives the file within
     * {@link #FD_TOKEN_LIFETIME}. Should the clock pass the whole lifetime before the token is published, the file
     * is dropped here and the token returned already expired.
     *
     * @throws ErrnoException ETOOMANYREFS if {@code sender} has too many files in flight (the reference is dropped)
     */
    byte[] send(OpenFile file, Process sender) {
        if (!sender.chargeInFlight()) {
            file.put();
            throw new ErrnoException(Errno.ETOOMANYREFS);
        }
        byte[] bytes = new byte[FD_TOKEN_BYTES];
        long deadline = Clock.deadlineAfter(clock().nanoTime(), FD_TOKEN_LIFETIME.toNanos());
        while (true) {
            random.nextBytes(bytes);
            InFlight f = new InFlight(Token.of(bytes), file, deadline, sender);
            clock().arm(f, deadline); // armed before it is published, so a receiver always finds it armed
            if (inFlight.putIfAbsent(f.token, f) != null) { // 2^-128: draw again
                clock().cancel(f);
                continue;
            }
            if (!f.publish() && inFlight.remove(f.token, f)) {
                // Its lifetime passed while it was sent (another thread moved the clock on) and its timer, finding
                // it unpublished, left it to us: drop it as the timer would have. The token is simply expired.
                f.drop();
                return bytes;
            }
            if (closed && inFlight.remove(f.token, f)) { // raced with close(): drop it now
                clock().cancel(f);
                sender.unchargeInFlight();
                file.put();
                throw new ErrnoException(Errno.EBADF);
            }
            return bytes;
        }
    }

    /**
     * Takes the file in flight under {@code token} with its reference, once.
     *
     * @throws ErrnoException ENOENT if the token is unknown, already used or expired
     */
    OpenFile receive(byte[] token) {
        if (token.length != FD_TOKEN_BYTES) {
            throw new ErrnoException(Errno.ENOENT);
        }
        InFlight f = inFlight.get(Token.of(token));
        if (f == null || !inFlight.remove(f.token, f)) {
            throw new ErrnoException(Errno.ENOENT);
        }
        clock().cancel(f);
        f.sender.unchargeInFlight();
        if (clock().nanoTime() >= f.deadline) { // expired, its timer not run yet
            f.file.put();
            throw new ErrnoException(Errno.ENOENT);
        }
        return f.file;
    }

    private record Node(Device device, PathAccess access) {}

    /** A token's 128 bits as a map key. */
    private record Token(long high, long low) {
        static Token of(byte[] b) {
            long high = 0;
            long low = 0;
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (b[i] & 0xff);
                low = (low << 8) | (b[i + 8] & 0xff);
            }
            return new Token(high, low);
        }
    }

    /**
     * A file in flight, charged to its sender; its timer drops it at expiry unless it was received first. The timer
     * is armed before the entry is published, so it may fire before then: {@link #settled}, set by whichever of
     * the two comes first, decides whether the timer drops it or leaves that to the sender once it is published.
     */
    private final class InFlight extends Timer {
        final Token token;
        final OpenFile file;
        final long deadline;
        final Process sender;
        /** Set by the first of: the sender publishing the entry, its timer firing. */
        private final AtomicBoolean settled = new AtomicBoolean();

        InFlight(Token token, OpenFile file, long deadline, Process sender) {
            this.token = token;
            this.file = file;
            this.deadline = deadline;
            this.sender = sender;
        }

        /** Marks the entry published; false if its timer already fired, so the sender must drop it. */
        boolean publish() {
            return settled.compareAndSet(false, true);
        }

        @Override
        protected void expire() {
            // Unpublished, it is not in the map yet (a remove would miss it): the sender drops it on publishing.
            if (!settled.compareAndSet(false, true) && inFlight.remove(token, this)) {
                drop();
            }
        }

        /** Uncharges the sender and drops the file's reference, once the entry is out of the in-flight map. */
        void drop() {
            sender.unchargeInFlight();
            try {
                file.put();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "release of a file in flight failed", e);
            }
        }
    }
}
