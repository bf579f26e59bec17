package dev.uvgem.daemon;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's private directory of buffer-memory files: {@code <root>/uvgem-<uid>-<pid>-<random>}, mode 0700,
 * on a tmpfs ({@code /dev/shm}) so that the files are memory. Each buffer's file is created mode 0600 when the
 * buffer is first mapped (or, for a large buffer, by its background pre-fault) and removed when it is freed; MMAP replies name these files. Closing removes
 * whatever is left, and a daemon starting removes the directories of daemons of its uid that died without
 * closing (their pid is gone).
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} is idempotent.
 */
final class MemoryDirectory implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemoryDirectory.class.getName());
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Pattern NAME = Pattern.compile("uvgem-(\\d+)-(\\d+)-.*");

    private final Path path;
    private volatile boolean closed;

    private MemoryDirectory(Path path) {
        this.path = path;
    }

    /** Returns {@code /dev/shm} if it is a directory, else the JVM's temporary directory. */
    static Path defaultRoot() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Creates a new private directory under {@code root}, after sweeping the stale ones of this uid. */
    static MemoryDirectory create(Path root) throws IOException {
        long uid = SocketFiles.currentUid();
        sweepStale(root, uid);
        String prefix = "uvgem-" + uid + "-" + ProcessHandle.current().pid() + "-";
        Path dir = Files.createTempDirectory(root, prefix, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.setPosixFilePermissions(dir, OWNER_ONLY); // whatever the umask
        return new MemoryDirectory(dir.toAbsolutePath());
    }

    /** Returns the directory. */
    Path path() {
        return path;
    }

    /** Removes the directory and every file left in it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeTree(path);
    }

    private static void sweepStale(Path root, long uid) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "uvgem-" + uid + "-*")) {
            for (Path d : dirs) {
                Matcher m = NAME.matcher(d.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid = Long.parseLong(m.group(2));
                boolean ours = SocketFiles.ownerUid(d) == uid;
                if (ours && ProcessHandle.of(pid).isEmpty()) {
                    LOG.log(Level.INFO, "removing the buffer memory of a daemon that is gone: " + d);
                    removeTree(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "sweeping stale buffer memory under " + root + " failed", e);
        }
    }

    private static void removeTree(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "listing " + dir + " failed", e);
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove " + dir, e);
        }
    }
}
