package dev.uvgem.conformance;

import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.client.RemoteSyscalls;
import dev.uvgem.daemon.Daemon;
import dev.uvgem.daemon.DaemonConfig;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.sys.Process;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An {@link Env} whose processes are connections to a uvgem daemon through the remote client: the daemon runs in
 * the test's JVM (so its kernel's devices can be looked at for leak checks) with its sockets and buffer memory in
 * a temporary directory; every system call of the suites goes over its Unix sockets as wire v1 frames, and every
 * mapping is of the daemon's backing file. Privileged processes connect through the admin socket.
 *
 * <p>Ending a process is asynchronous on the wire (the daemon sees the end of the stream and then releases what
 * it held), so {@link Uvgem#close()} of a process started here waits until the daemon's kernel has reaped it, as
 * the embedded kernel's process exit returns when it is done: leak checks after it see what they would see there.
 */
final class DaemonEnv extends ProcessesEnv {
    private final Path dir;
    private final Daemon daemon;

    DaemonEnv(KernelConfig config) {
        try {
            dir = Files.createTempDirectory("uvgem-conformance");
            daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("uvgem.sock"))
                    .withKernel(config)
                    .withMemoryRoot(dir)
                    .withIoThreads(2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Backend backend() {
        return Backend.DAEMON;
    }

    @Override
    Uvgem spawn(String comm, boolean admin) {
        Set<Process> before = new HashSet<>(daemon.kernel().processes());
        RemoteSyscalls remote;
        try {
            remote = RemoteSyscalls.connect(admin ? daemon.adminSocket() : daemon.socket(), comm);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process spawned = daemon.kernel().processes().stream()
                .filter(p -> !before.contains(p) && comm.startsWith(p.comm())) // the daemon cuts comm to 15 bytes
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the daemon has no new process " + comm));
        return Uvgem.over(new Reaped(remote, spawned));
    }

    @Override
    public boolean mappingsPinBuffers() {
        return false;
    }

    @Override
    public Boot.Devices devices() {
        return daemon.devices();
    }

    @Override
    public Kernel kernel() {
        return daemon.kernel();
    }

    @Override
    void shutdown() {
        daemon.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    /** The remote system calls of one daemon process, whose close returns once the daemon has reaped it. */
    private final class Reaped implements Syscalls {
        private final RemoteSyscalls remote;
        private final Process process;

        Reaped(RemoteSyscalls remote, Process process) {
            this.remote = remote;
            this.process = process;
        }

        @Override
        public long open(String path, int flags) {
            return remote.open(path, flags);
        }

        @Override
        public long close(int fd) {
            return remote.close(fd);
        }

        @Override
        public long dup(int fd) {
            return remote.dup(fd);
        }

        @Override
        public long ioctl(int fd, int request, byte[] arg, byte[] user) {
            return remote.ioctl(fd, request, arg, user);
        }

        @Override
        public long poll(int[] fds, short[] events, short[] revents, int timeoutMs) {
            return remote.poll(fds, events, revents, timeoutMs);
        }

        @Override
        public long read(int fd, byte[] buffer, int offset, int length) {
            return remote.read(fd, buffer, offset, length);
        }

        @Override
        public long lseek(int fd, long offset, int whence) {
            return remote.lseek(fd, offset, whence);
        }

        @Override
        public MappedMemory mmap(int fd, long offset, long length, int prot) {
            return remote.mmap(fd, offset, length, prot);
        }

        @Override
        public long fdSend(int fd, byte[] token) {
            return remote.fdSend(fd, token);
        }

        @Override
        public long fdRecv(byte[] token) {
            return remote.fdRecv(token);
        }

        @Override
        public long eventfd(int initval, int flags) {
            return remote.eventfd(initval, flags);
        }

        @Override
        public boolean isAdmin() {
            return remote.isAdmin();
        }

        @Override
        public void close() {
            remote.close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (daemon.kernel().processes().contains(process)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the daemon did not reap " + process + " within 10 s of its disconnect");
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }
}
