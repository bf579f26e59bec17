package dev.uvgem.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The socket files: their directory (created mode 0700), binding (replacing a stale socket a dead daemon left,
 * refusing to replace a live one or anything that is not a socket), and the uid checks.
 *
 * <p>Thread-safety: stateless.
 */
final class SocketFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketFiles() {}

    /** Returns the uid this JVM runs as (the owner of {@code /proc/self}). */
    static long currentUid() {
        try {
            return ownerUid(Path.of("/proc/self"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot tell this process's uid from /proc/self", e);
        }
    }

    /** Returns the uid owning {@code path} (not following a final symbolic link). */
    static long ownerUid(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /**
     * Makes sure {@code dir} exists to hold a socket. A missing directory is created mode 0700 (its parents as
     * needed) and true returned, so that the daemon removes it again on shutdown. An existing one is used as it
     * is, except that it must be a directory owned by this uid and closed to others when {@code mustBePrivate}
     * (the default locations, which another user could have made first in {@code /tmp}).
     *
     * @throws IOException if it cannot be created or is not safe to use
     */
    static boolean prepareDirectory(Path dir, boolean mustBePrivate) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
                return true;
            } catch (FileAlreadyExistsException e) {
                // made meanwhile: check it as an existing one
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("socket directory " + dir + " is not a directory");
        }
        if (mustBePrivate) {
            if (ownerUid(dir) != currentUid()) {
                throw new IOException("socket directory " + dir + " belongs to another user");
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (!OWNER_ONLY_DIR.containsAll(perms)) {
                throw new IOException("socket directory " + dir + " is open to other users ("
                        + PosixFilePermissions.toString(perms) + "); make it 0700");
            }
        }
        return false;
    }

    /**
     * Binds a listening socket at {@code path} and sets the socket file's mode. A socket file already there is
     * replaced if nothing accepts on it (a daemon that died), refused if something does.
     *
     * @param perms the socket file's permissions: connecting needs write permission on it
     * @throws IOException if the path is taken by a live daemon or by something that is not a socket, or binding
     *     fails (e.g. a path longer than the 107 bytes a Unix socket address holds)
     */
    static ServerSocketChannel bind(Path path, Set<PosixFilePermission> perms) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(path)) {
                throw new IOException(path + " exists and is not a socket");
            }
            if (accepts(path)) {
                throw new IOException(path + " is in use: is another uvgem daemon running?");
            }
            Files.deleteIfExists(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, perms);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Removes the socket file at {@code path} if it is still a socket. */
    static void remove(Path path) {
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && isSocket(path)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // shutting down: a socket file left behind is replaced by the next daemon
        }
    }

    /** Removes {@code dir} if it is empty. */
    static void removeIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // not empty (someone else's files), or gone: leave it
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = ((Number) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
        return (mode & S_IFMT) == S_IFSOCK;
    }

    private static boolean accepts(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }
}
