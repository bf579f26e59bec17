package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code uvgem daemon} as a real OS process: ready line, a HELLO, then SIGTERM and nothing left behind. */
@Timeout(60)
class DaemonCommandTest {
    @TempDir
    Path dir;

    @Test
    void runsUntilSigtermThenRemovesItsSocketsAndBufferFiles() throws Exception {
        Path socket = dir.resolve("run/uvgem.sock");
        Path admin = dir.resolve("admin.sock");
        Process daemon = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "daemon",
                        "--socket",
                        socket.toString(),
                        "--admin-socket",
                        admin.toString(),
                        "--fence-timeout",
                        "2s",
                        "--debugfs",
                        "--max-open-fds",
                        "64",
                        "--max-buffer-memory",
                        "64M")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready)
                    .contains("daemon listening on " + socket)
                    .contains("(admin " + admin + ")")
                    .contains("2000 ms")
                    .contains("debugfs on")
                    .contains("per connection 64 fds, 4096 buffers, 67108864 bytes, 4096 fences");
            assertThat(socket).exists();
            assertThat(admin).exists();
            assertThat(hello(socket)).isEqualTo(new long[] {0, 0});
            assertThat(hello(admin)).isEqualTo(new long[] {0, 1});
            assertThat(memoryDirectories(daemon.pid())).hasSize(1);

            daemon.destroy(); // SIGTERM
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).isEqualTo(143);
            assertThat(socket).doesNotExist();
            assertThat(socket.getParent()).as("the directory it made").doesNotExist();
            assertThat(admin).doesNotExist();
            assertThat(memoryDirectories(daemon.pid())).isEmpty();
        } finally {
            daemon.destroyForcibly();
        }
    }

    @Test
    void aSocketInUseIsExitOneAndBadUsageExitTwo() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path notASocket = Files.writeString(dir.resolve("file"), "x");
        assertThat(Main.run(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        "daemon",
                        "--socket",
                        notASocket.toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("cannot start").contains("not a socket");
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "daemon", "--fence-timeout", "0s"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--fence-timeout must be positive");
        assertThat(Main.run(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        "daemon",
                        "--max-buffer-memory",
                        "lots"))
                .isEqualTo(2);
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "daemon", "--max-fences", "-1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("not a size: 'lots'").contains("must not be negative");
    }

    @Test
    void helpDescribesTheOptions() {
        StringWriter out = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "daemon", "--help"))
                .isZero();
        assertThat(out.toString())
                .contains("--socket=PATH")
                .contains("--admin-socket=PATH")
                .contains("--fence-timeout=DURATION")
                .contains("--debugfs")
                .containsIgnoringWhitespaces("uvgem/buffers, uvgem/fences and uvgem/stuck_fences")
                .containsIgnoringWhitespaces("admin-only vgem attach flag UVGEM_FENCE_NO_EXPIRY")
                .contains("--allow-other-users")
                .contains("--max-open-fds=N")
                .contains("--max-buffers=N")
                .contains("--max-buffer-memory=SIZE")
                .contains("--max-fences=N")
                .contains("default: 4G")
                .contains("Examples:");
    }

    /** Says HELLO on {@code socket}: returns the result and the flags. */
    private static long[] hello(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            byte[] name = "cli-test".getBytes(StandardCharsets.UTF_8);
            ByteBuffer req = ByteBuffer.allocate(4 + 8 + 4 + 2 + name.length).order(ByteOrder.LITTLE_ENDIAN);
            req.putInt(8 + 4 + 2 + name.length).putInt(1).putShort((short) 1).putShort((short) 0);
            req.putInt(1).putShort((short) name.length).put(name).flip();
            while (req.hasRemaining()) {
                ch.write(req);
            }
            ByteBuffer reply = ByteBuffer.allocate(4 + 12 + 8).order(ByteOrder.LITTLE_ENDIAN);
            while (reply.hasRemaining()) {
                if (ch.read(reply) < 0) {
                    throw new IOException("closed");
                }
            }
            return new long[] {reply.getLong(8), reply.getInt(20)};
        }
    }

    private static List<Path> memoryDirectories(long pid) throws IOException {
        List<Path> found = new ArrayList<>();
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm)) {
            shm = Path.of(System.getProperty("java.io.tmpdir"));
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(shm, "uvgem-*-" + pid + "-*")) {
            dirs.forEach(found::add);
        }
        return found;
    }
}
