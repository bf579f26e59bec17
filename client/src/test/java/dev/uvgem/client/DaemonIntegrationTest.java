package dev.uvgem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.RawFile;
import dev.uvgem.api.SyncObjFd;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.TimelineSyncObj;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.UvgemFile;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import dev.uvgem.api.testsupport.ApiFlows;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.daemon.Daemon;
import dev.uvgem.daemon.DaemonConfig;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceSignal;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API through the client against a real daemon started in-process on a temporary socket: the flows of
 * the API's own tests, and what only a daemon has (two processes sharing memory and fences, a connection's end).
 */
@Timeout(60)
class DaemonIntegrationTest {
    @TempDir
    Path dir;

    final VirtualClock clock = new VirtualClock();
    Daemon daemon;

    @BeforeEach
    void startDaemon() throws IOException {
        daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("run/uvgem.sock"))
                .withKernel(KernelConfig.defaults(clock).withDebugfs(true))
                .withMemoryRoot(Files.createDirectories(dir.resolve("shm")))
                .withIoThreads(2));
    }

    @AfterEach
    void stopDaemon() throws IOException {
        awaitTrue("every process exited", () -> daemon.kernel().processes().isEmpty());
        assertThat(daemon.devices().vgem().liveObjects()).isZero();
        assertThat(memoryFiles()).isEmpty();
        daemon.close();
    }

    private Uvgem admin(String name) throws IOException {
        return UvgemClient.connect(daemon.adminSocket(), name);
    }

    private Uvgem user(String name) throws IOException {
        return UvgemClient.connect(daemon.socket(), name);
    }

    @Test
    void bufferExportFenceSignalPoll() throws IOException {
        try (Uvgem uvgem = user("t")) {
            assertThat(uvgem.syscalls().isAdmin()).isFalse();
            assertThat(((RemoteSyscalls) uvgem.syscalls()).daemonVersion()).isEqualTo(Daemon.version());
            ApiFlows.bufferExportFenceSignalPoll(uvgem);
        }
    }

    @Test
    void mappingsAliasAndExpiryIsSilent() throws IOException {
        try (Uvgem uvgem = user("t")) {
            ApiFlows.mappingsAliasAndExpiryIsSilent(uvgem, clock);
        }
    }

    @Test
    void timelinesAndDebugfsForAdminOnly() throws IOException {
        try (Uvgem uvgem = admin("t")) {
            assertThat(uvgem.syscalls().isAdmin()).isTrue();
            ApiFlows.timelinesAndDebugfs(uvgem);
        }
        try (Uvgem user = user("u")) {
            assertThatThrownBy(user::createTimeline)
                    .isInstanceOfSatisfying(
                            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EACCES));
        }
    }

    /** Two processes: a frame written by one is read by the other with no byte through the socket. */
    @Test
    void twoProcessesShareABufferAndItsFence() throws Exception {
        try (Uvgem producer = user("producer");
                Uvgem consumer = user("consumer");
                VgemDevice vgem = producer.openVgem();
                BufferObject bo = vgem.createDumb(256, 256, 32);
                DmaBufFd exported = bo.export(true);
                DmaBufFd imported = consumer.receive(exported.send()).asDmaBuf();
                MappedMemory theirs = imported.map(false);
                MappedMemory mine = bo.map()) {
            VgemFence fence = bo.attachFence(true);
            CompletableFuture<Integer> poll =
                    CompletableFuture.supplyAsync(() -> imported.poll(UvgemFile.POLLIN, Duration.ofSeconds(10)));
            for (long i = 0; i < bo.size() / 8; i++) {
                mine.segment().setAtIndex(ValueLayout.JAVA_LONG, i, i * 31);
            }
            fence.signal();
            assertThat(poll.get(10, TimeUnit.SECONDS)).isEqualTo(UvgemFile.POLLIN);
            long sum = 0;
            for (long i = 0; i < bo.size() / 8; i++) {
                sum += theirs.segment().getAtIndex(ValueLayout.JAVA_LONG, i) - i * 31;
            }
            assertThat(sum).isZero();
        }
    }

    /** Two processes share a timeline sync object by its opaque fd; a wait parked in the daemon wakes on a point. */
    @Test
    void twoProcessesShareATimelineSyncObject() throws Exception {
        try (Uvgem producer = user("producer");
                Uvgem consumer = user("consumer");
                VgemDevice mine = producer.openVgem();
                VgemDevice theirs = consumer.openVgemRender();
                TimelineSyncObj timeline = mine.createTimelineSyncObj()) {
            byte[] token;
            try (SyncObjFd exported = timeline.export()) {
                token = exported.send();
            }
            try (RawFile received = consumer.receive(token);
                    TimelineSyncObj imported = theirs.importTimelineSyncObj(received)) {
                CompletableFuture<Boolean> wait = CompletableFuture.supplyAsync(() -> imported.awaitSubmit(2, null));
                awaitTrue("the wait is parked in the daemon", () -> imported.lastSubmitted() == 0);
                timeline.signal(1);
                assertThat(imported.query()).isEqualTo(1);
                assertThat(wait).isNotDone();
                timeline.signal(2);
                assertThat(wait.get(10, TimeUnit.SECONDS)).isTrue();
                assertThat(imported.await(2, Duration.ZERO)).isTrue();
            }
        }
        awaitTrue("no sync object left", () -> daemon.devices().vgem().liveSyncobjs() == 0);
    }

    /** One connection, two threads: one parked in poll while the other signals through the same connection. */
    @Test
    void aParkedPollWhileAnotherThreadSignalsOnTheSameConnection() throws Exception {
        try (Uvgem uvgem = user("t");
                VgemDevice vgem = uvgem.openVgem();
                BufferObject bo = vgem.createDumb(64, 1, 32);
                DmaBufFd dmabuf = bo.export(false)) {
            VgemFence fence = bo.attachFence(true);
            CompletableFuture<Integer> poll = CompletableFuture.supplyAsync(() -> dmabuf.poll(UvgemFile.POLLIN, null));
            awaitTrue("the poll is parked in the daemon", () -> !dmabuf.ready(UvgemFile.POLLIN));
            Thread.sleep(20);
            assertThat(poll).isNotDone();
            assertThat(vgem.version().name()).isEqualTo("vgem");
            fence.signal();
            assertThat(poll.get(10, TimeUnit.SECONDS)).isEqualTo(UvgemFile.POLLIN);
        }
    }

    @Test
    void anInterruptedPollEndsWithEintrAndTheConnectionCarriesOn() throws Exception {
        try (Uvgem uvgem = user("t");
                VgemDevice vgem = uvgem.openVgem();
                BufferObject bo = vgem.createDumb(64, 1, 32);
                DmaBufFd dmabuf = bo.export(false)) {
            bo.attachFence(true);
            AtomicReference<Thread> poller = new AtomicReference<>();
            CompletableFuture<Errno> poll = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                poller.set(Thread.currentThread());
                try {
                    dmabuf.poll(UvgemFile.POLLIN, null);
                    poll.complete(null);
                } catch (ErrnoException e) {
                    poll.complete(Thread.currentThread().isInterrupted() ? e.errno() : Errno.EIO);
                }
            });
            Thread.sleep(50);
            t.interrupt();
            assertThat(poll.get(10, TimeUnit.SECONDS)).isEqualTo(Errno.EINTR);
            assertThat(vgem.version().name()).isEqualTo("vgem");
        }
    }

    @Test
    void closingTheClientEndsItsProcessAndReleasesEverything() throws Exception {
        Uvgem gone = user("gone");
        VgemDevice vgem = gone.openVgem();
        BufferObject bo = vgem.createDumb(64, 64, 32);
        DmaBufFd dmabuf = bo.export(true);
        MappedMemory m = dmabuf.map(true);
        bo.attachFence(true);
        try (Uvgem watcher = user("watcher");
                DmaBufFd theirs = watcher.receive(dmabuf.send()).asDmaBuf()) {
            CompletableFuture<Integer> poll =
                    CompletableFuture.supplyAsync(() -> theirs.poll(UvgemFile.POLLIN, Duration.ofSeconds(10)));
            gone.close();
            assertThat(poll.get(10, TimeUnit.SECONDS))
                    .as("the fence was signalled as its device file was released")
                    .isEqualTo(UvgemFile.POLLIN);
            assertThatThrownBy(vgem::version)
                    .isInstanceOfSatisfying(
                            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN));
            awaitTrue("the process exited", () -> daemon.kernel().processes().size() == 1);
        }
        m.close();
    }

    @Test
    void aDaemonThatGoesAwayFailsTheCallsWithEnotconn() throws Exception {
        Uvgem uvgem = user("t");
        VgemDevice vgem = uvgem.openVgem();
        BufferObject bo = vgem.createDumb(64, 1, 32);
        DmaBufFd dmabuf = bo.export(false);
        bo.attachFence(true);
        CompletableFuture<Integer> poll = CompletableFuture.supplyAsync(() -> dmabuf.poll(UvgemFile.POLLIN, null));
        Thread.sleep(20);
        daemon.close();
        assertThatThrownBy(() -> poll.get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN));
        assertThatThrownBy(vgem::version)
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN));
        uvgem.close();
        daemon = Daemon.start(DaemonConfig.defaults(dir.resolve("run2/uvgem.sock"))
                .withMemoryRoot(dir.resolve("shm"))
                .withIoThreads(1));
    }

    /**
     * Many threads on one connection: fence cycles, parked polls woken by other threads' signals, and ioctls whose
     * multi-MiB user windows fill the socket both ways; every reply reaches its caller. (It once hung: a writer of a
     * 3 MiB frame waited for a socket the daemon had stopped reading while nobody read the replies that would
     * resume it; {@code RemoteSyscallsTest.aWriterBlockedOnAFullSocketReadsTheRepliesThatUnblockIt} reproduces
     * that deterministically.)
     */
    @Test
    void manyThreadsShareOneConnectionWithBigFramesBothWays() throws Exception {
        try (Uvgem uvgem = user("busy");
                VgemDevice vgem = uvgem.openVgem()) {
            Syscalls sys = uvgem.syscalls();
            int threads = 6;
            int rounds = 20;
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers.add(CompletableFuture.runAsync(
                        () -> {
                            for (int i = 0; i < rounds; i++) {
                                if (id % 2 == 0) {
                                    byte[] user = new byte[3 << 20];
                                    user[user.length - 1] = (byte) (id * 31 + i);
                                    byte[] arg = new byte[VgemFenceSignal.SIZE];
                                    new VgemFenceSignal(1_000_000 + id, 0).write(le(arg));
                                    long r = sys.ioctl(vgem.fd(), Vgem.IOCTL_FENCE_SIGNAL, arg, user);
                                    assertThat(r).isEqualTo(Errno.ENOENT.negative());
                                    assertThat(user[user.length - 1]).isEqualTo((byte) (id * 31 + i));
                                } else {
                                    try (BufferObject bo = vgem.createDumb(64, 1, 32);
                                            DmaBufFd dmabuf = bo.export(false)) {
                                        VgemFence fence = bo.attachFence(true);
                                        CompletableFuture<Integer> poll = CompletableFuture.supplyAsync(
                                                () -> dmabuf.poll(UvgemFile.POLLIN, Duration.ofSeconds(20)));
                                        fence.signal();
                                        assertThat(poll.join()).isEqualTo(UvgemFile.POLLIN);
                                    }
                                }
                            }
                        },
                        Executors.newVirtualThreadPerTaskExecutor()));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
            assertThat(vgem.version().name()).isEqualTo("vgem");
        }
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private java.util.List<Path> memoryFiles() throws IOException {
        try (Stream<Path> files = Files.list(daemon.memoryDirectory())) {
            return files.toList();
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
