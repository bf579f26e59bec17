package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uvgem.uapi.Errno;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping: socket files and directories, stale and live sockets, memory files, peers. */
class DaemonLifecycleTest {
    @TempDir
    Path dir;

    DaemonConfig config(Path socket) throws IOException {
        return DaemonConfig.defaults(socket)
                .withMemoryRoot(Files.createDirectories(dir.resolve("shm")))
                .withIoThreads(1);
    }

    @Test
    void startMakesAPrivateDirectoryAndTwoSocketsAndCloseRemovesEverything() throws IOException {
        Path run = dir.resolve("a/b/run");
        Daemon d = Daemon.start(config(run.resolve("uvgem.sock")));
        assertThat(d.adminSocket()).isEqualTo(run.resolve("uvgem-admin.sock"));
        assertThat(Files.getPosixFilePermissions(run)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (Path socket : List.of(d.socket(), d.adminSocket())) {
            assertThat(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            try (RawClient c = RawClient.hello(socket, "probe")) {
                assertThat(c.result(Op.DUP, Body.of().i32(-1))).isEqualTo(Errno.EBADF.negative());
            }
        }
        Path memory = d.memoryDirectory();
        assertThat(memory.getFileName().toString()).startsWith("uvgem-" + SocketFiles.currentUid() + "-");
        assertThat(Files.getPosixFilePermissions(memory)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (RawClient c = RawClient.hello(d.socket(), "buffers")) {
            int card = Calls.openCard(c);
            var bo = Calls.createDumb(c, card, 64, 64);
            MmapTest.mmap(c, card, Calls.mapDumb(c, card, bo.handle()), bo.size(), 3);
            assertThat(Files.list(memory)).hasSize(1);
            d.close(); // with a client still connected and its buffer alive
            assertThat(c.drainUntilClosed()).isEmpty();
        }
        assertThat(d.isClosed()).isTrue();
        assertThat(memory).doesNotExist();
        assertThat(d.socket()).doesNotExist();
        assertThat(d.adminSocket()).doesNotExist();
        assertThat(run).as("the directory the daemon made").doesNotExist();
        assertThat(dir.resolve("a/b")).as("its parents stay").exists();
        d.close();
    }

    @Test
    void aStaleSocketIsReplacedButALiveDaemonIsNot() throws IOException {
        Path socket = dir.resolve("uvgem.sock");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        } // closed: nothing accepts on the file any more
        assertThat(socket).exists();
        try (Daemon d = Daemon.start(config(socket))) {
            assertThatThrownBy(() -> Daemon.start(config(socket)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("in use");
            assertThat(d.socket()).as("the live daemon keeps its sockets").exists();
            assertThat(d.adminSocket()).exists();
            try (RawClient c = RawClient.hello(socket, "still-served")) {
                assertThat(Calls.openCard(c)).isEqualTo(3);
            }
        }
        try (Stream<Path> left = Files.list(dir.resolve("shm"))) {
            assertThat(left).as("the failed start removed its memory directory").isEmpty();
        }
    }

    @Test
    void somethingThatIsNotASocketIsNeverReplaced() throws IOException {
        Path socket = dir.resolve("uvgem.sock");
        Files.writeString(socket, "precious");
        assertThatThrownBy(() -> Daemon.start(config(socket)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a socket");
        assertThat(Files.readString(socket)).isEqualTo("precious");
        assertThat(dir.resolve("uvgem-admin.sock")).doesNotExist();
    }

    @Test
    void theDefaultSocketFollowsXdgRuntimeDir() {
        assertThat(DaemonConfig.defaultSocket(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000))
                .isEqualTo(Path.of("/run/user/1000/uvgem/uvgem.sock"));
        assertThat(DaemonConfig.defaultSocket(Map.of(), 1000)).isEqualTo(Path.of("/tmp/uvgem-1000/uvgem.sock"));
        assertThat(DaemonConfig.defaultSocket(Map.of("XDG_RUNTIME_DIR", ""), 7))
                .isEqualTo(Path.of("/tmp/uvgem-7/uvgem.sock"));
        assertThat(DaemonConfig.defaultSocket(Map.of("XDG_RUNTIME_DIR", "relative"), 7))
                .isEqualTo(Path.of("/tmp/uvgem-7/uvgem.sock"));
        assertThat(DaemonConfig.adminBeside(Path.of("/x/y.sock"))).isEqualTo(Path.of("/x/uvgem-admin.sock"));
    }

    @Test
    void aDefaultDirectoryOpenToOthersIsRefused() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> SocketFiles.prepareDirectory(open, true))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("open to other users");
        assertThat(SocketFiles.prepareDirectory(open, false))
                .as("a directory the user chose")
                .isFalse();
    }

    @Test
    void theMemoryOfADeadDaemonIsSweptAtStart() throws IOException {
        Path shm = Files.createDirectories(dir.resolve("shm"));
        long uid = SocketFiles.currentUid();
        Path dead = Files.createDirectory(shm.resolve("uvgem-" + uid + "-" + deadPid() + "-123"));
        Files.writeString(dead.resolve("uvgem-bo-1.mem"), "x");
        Path alive = Files.createDirectory(
                shm.resolve("uvgem-" + uid + "-" + ProcessHandle.current().pid() + "-9"));
        Path otherUser = Files.createDirectory(shm.resolve("uvgem-" + (uid + 1) + "-" + deadPid() + "-1"));
        try (Daemon d = Daemon.start(config(dir.resolve("uvgem.sock")))) {
            assertThat(dead).doesNotExist();
            assertThat(alive).exists();
            assertThat(otherUser).exists();
            assertThat(d.memoryDirectory()).exists();
        }
    }

    @Test
    void onlyTheDaemonsUidIsAdmittedUnlessAllowedAndNeverOnTheAdminSocket() {
        assertThat(Daemon.admits(true, false, false)).isTrue();
        assertThat(Daemon.admits(true, true, false)).isTrue();
        assertThat(Daemon.admits(false, false, false)).isFalse();
        assertThat(Daemon.admits(false, true, false)).isFalse();
        assertThat(Daemon.admits(false, false, true)).isTrue();
        assertThat(Daemon.admits(false, true, true)).isFalse();
    }

    @Test
    void aPeerOfAnotherUidIsRefused() throws Exception {
        assumeTrue(SocketFiles.currentUid() == 0, "needs root to connect as another uid");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")));
        Path open = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Daemon refusing = Daemon.start(config(open.resolve("uvgem.sock")))) {
            Files.setPosixFilePermissions(refusing.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
            assertThat(helloAsNobody(refusing.socket())).isEqualTo("closed");
        }
        try (Daemon allowing = Daemon.start(config(open.resolve("uvgem.sock")).withAllowOtherUsers(true))) {
            assertThat(helloAsNobody(allowing.socket())).isEqualTo("result 0");
            Files.setPosixFilePermissions(allowing.adminSocket(), PosixFilePermissions.fromString("rw-rw-rw-"));
            assertThat(helloAsNobody(allowing.adminSocket()))
                    .as("never on the admin socket")
                    .isEqualTo("closed");
        }
    }

    /** Connects as uid 65534 and says HELLO: "result N", or "closed" if the daemon closed the connection. */
    private static String helloAsNobody(Path socket) throws Exception {
        String script = """
                import socket, struct, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sys.argv[1])
                name = b"nobody"
                body = struct.pack("<IH", 1, len(name)) + name
                try:
                    s.sendall(struct.pack("<IIHH", 8 + len(body), 1, 1, 0) + body)
                    head = s.recv(16)
                except ConnectionError:
                    head = b""
                print("closed" if len(head) < 16 else "result %d" % struct.unpack("<IIq", head)[2])
                """;
        java.lang.Process p = new ProcessBuilder(
                        "/usr/bin/setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        "/usr/bin/python3",
                        "-c",
                        script,
                        socket.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    private static long deadPid() {
        long pid = 4_000_000; // below the 64-bit pid_max (4194304) and above any pid this machine has used
        while (ProcessHandle.of(pid).isPresent()) {
            pid--;
        }
        return pid;
    }
}
