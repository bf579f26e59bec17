package dev.uvgem.conformance;

import static dev.uvgem.conformance.FdPassing.receive;
import static dev.uvgem.conformance.FdPassing.send;
import static dev.uvgem.conformance.IgtVgem.O_RDWR;
import static dev.uvgem.conformance.IgtVgem.assertErrno;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriver;
import static dev.uvgem.conformance.IgtVgem.gemClose;
import static dev.uvgem.conformance.IgtVgem.ok;
import static dev.uvgem.conformance.IgtVgem.primeFdToHandle;
import static dev.uvgem.conformance.IgtVgem.primeHandleToFd;
import static dev.uvgem.conformance.IgtVgem.tryVgemCreate;
import static dev.uvgem.conformance.IgtVgem.tryVgemFenceAttach;
import static dev.uvgem.conformance.IgtVgem.vgemCreate;
import static dev.uvgem.conformance.IgtVgem.vgemFenceAttach;
import static dev.uvgem.conformance.IgtVgem.vgemFenceSignal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.conformance.IgtVgem.VgemBo;
import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.sys.Process;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Vgem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * uvgem's per-process limits (no public suite has these: Linux has rlimits and cgroups instead), on every backend:
 * each limit answers its errno exactly at the limit (EMFILE for fds, ETOOMANYREFS for files in flight, ENOMEM for
 * buffer bytes, ENOSPC for buffers and outstanding fences), every charge is returned when what it paid for goes (a buffer another process still
 * holds stays charged to its creator), and a process at all of its limits leaves another process working.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class ProcessLimitsTest {
    static final int MAX_FDS = 16;
    static final int MAX_BUFFERS = 8;
    static final int PAGES = 16;
    static final long MAX_BYTES = PAGES * 4096L;
    static final int MAX_FENCES = 4;

    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    private Env env;

    @BeforeEach
    void boot() {
        env = backend.boot(KernelConfig.defaults(Env.CLOCK)
                .withLimits(new KernelConfig.ProcessLimits(MAX_FDS, MAX_BUFFERS, MAX_BYTES, MAX_FENCES)));
    }

    @AfterEach
    void shutdown() {
        env.close();
    }

    @Test
    void openFdsStopAtEmfile() {
        Syscalls p = env.process("fds", false).syscalls();
        for (int expected = 3; expected < MAX_FDS; expected++) {
            assertThat(p.open(Uvgem.CARD0, O_RDWR)).isEqualTo(expected);
        }
        assertErrno(p.open(Uvgem.CARD0, O_RDWR), Errno.EMFILE);
        assertErrno(p.dup(3), Errno.EMFILE);
        assertErrno(p.eventfd(0, 0), Errno.EMFILE);
        ok(p.close(MAX_FDS - 1));
        assertThat(p.open(Uvgem.CARD0, O_RDWR)).isEqualTo(MAX_FDS - 1);
    }

    @Test
    void filesInFlightStopAtEtoomanyrefsPastTheFdLimit() {
        Syscalls p = env.process("sender", false).syscalls();
        int fd = (int) ok(p.open(Uvgem.CARD0, O_RDWR));
        List<byte[]> tokens = new ArrayList<>();
        for (int i = 0; i <= MAX_FDS; i++) { // refused once more than RLIMIT_NOFILE are in flight, as SCM_RIGHTS
            tokens.add(send(p, fd));
        }
        assertErrno(p.fdSend(fd, new byte[16]), Errno.ETOOMANYREFS);
        Syscalls receiver = env.process("receiver", false).syscalls();
        receive(receiver, tokens.getFirst());
        send(p, fd);
    }

    @Test
    void buffersStopAtEnospc() {
        Uvgem process = env.process("buffers", false);
        Cgroup cg = cgroupOf("buffers");
        Syscalls p = process.syscalls();
        int fd = drmOpenDriver(p);
        List<VgemBo> bos = createPages(p, fd, MAX_BUFFERS, 1);
        assertErrno(tryVgemCreate(p, fd, pages(1)), Errno.ENOSPC);
        assertThat(cg.buffers()).isEqualTo(MAX_BUFFERS);
        gemClose(p, fd, bos.getFirst().handle);
        assertThat(cg.buffers()).isEqualTo(MAX_BUFFERS - 1);
        vgemCreate(p, fd, pages(1));
        assertThat(cg.buffers()).isEqualTo(MAX_BUFFERS);
    }

    @Test
    void bufferMemoryStopsAtEnomem() {
        Uvgem process = env.process("bytes", false);
        Cgroup cg = cgroupOf("bytes");
        Syscalls p = process.syscalls();
        int fd = drmOpenDriver(p);
        VgemBo most = vgemCreate(p, fd, pages(PAGES - 4));
        assertErrno(tryVgemCreate(p, fd, pages(5)), Errno.ENOMEM);
        vgemCreate(p, fd, pages(4));
        assertThat(cg.bufferBytes()).isEqualTo(MAX_BYTES);
        assertErrno(tryVgemCreate(p, fd, pages(1)), Errno.ENOMEM);
        gemClose(p, fd, most.handle);
        assertThat(cg.bufferBytes()).isEqualTo(4 * 4096L);
        vgemCreate(p, fd, pages(PAGES - 4));
    }

    @Test
    void outstandingFencesStopAtEnospc() {
        Uvgem process = env.process("fences", false);
        Cgroup cg = cgroupOf("fences");
        Syscalls p = process.syscalls();
        int fd = drmOpenDriver(p);
        List<VgemBo> bos = createPages(p, fd, MAX_FENCES + 1, 1);
        int[] fences = new int[MAX_FENCES];
        for (int i = 0; i < MAX_FENCES; i++) {
            fences[i] = vgemFenceAttach(p, fd, bos.get(i), Vgem.VGEM_FENCE_WRITE);
        }
        assertErrno(tryVgemFenceAttach(p, fd, bos.getLast().handle, 0, 0), Errno.ENOSPC);
        assertThat(cg.fences()).isEqualTo(MAX_FENCES);
        vgemFenceSignal(p, fd, fences[0]);
        assertThat(cg.fences()).isEqualTo(MAX_FENCES - 1);
        vgemFenceAttach(p, fd, bos.getLast(), Vgem.VGEM_FENCE_WRITE);
        assertThat(cg.fences()).isEqualTo(MAX_FENCES);
    }

    @Test
    void everyChargeReturnsAfterExitAndAPassedBufferStaysWithItsCreator() {
        Uvgem owner = env.process("owner", false);
        Uvgem holder = env.process("holder", false);
        Cgroup ownerCg = cgroupOf("owner");
        Cgroup holderCg = cgroupOf("holder");
        Syscalls o = owner.syscalls();
        Syscalls h = holder.syscalls();
        int ofd = drmOpenDriver(o);
        List<VgemBo> bos = createPages(o, ofd, 2, 2);
        vgemFenceAttach(o, ofd, bos.get(0), Vgem.VGEM_FENCE_WRITE);
        int dmabuf = primeHandleToFd(o, ofd, bos.get(1).handle);
        int received = receive(h, send(o, dmabuf));
        int hfd = drmOpenDriver(h);
        primeFdToHandle(h, hfd, received);
        assertThat(charges(ownerCg)).containsExactly(2L, 4 * 4096L, 1L);
        assertThat(charges(holderCg)).containsExactly(0L, 0L, 0L);

        owner.close();
        assertThat(charges(ownerCg))
                .as("the buffer the holder still has stays charged to its creator; the fence signalled at exit")
                .containsExactly(1L, 2 * 4096L, 0L);

        holder.close();
        assertThat(charges(ownerCg)).containsExactly(0L, 0L, 0L);
        assertThat(charges(holderCg)).containsExactly(0L, 0L, 0L);
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    @Test
    void aProcessAtEveryLimitLeavesAnotherWorking() throws Exception {
        Syscalls hostile = env.process("hostile", false).syscalls();
        int hfd = drmOpenDriver(hostile);
        List<VgemBo> hoard = createPages(hostile, hfd, MAX_BUFFERS, PAGES / MAX_BUFFERS);
        assertErrno(tryVgemCreate(hostile, hfd, pages(1)), Errno.ENOMEM);
        for (int i = 0; i < MAX_FENCES; i++) {
            vgemFenceAttach(hostile, hfd, hoard.get(i), Vgem.VGEM_FENCE_WRITE);
        }
        assertErrno(tryVgemFenceAttach(hostile, hfd, hoard.getLast().handle, 0, 0), Errno.ENOSPC);
        while (hostile.open(Uvgem.CARD0, O_RDWR) >= 0) {
            // fill the fd table
        }
        assertErrno(hostile.open(Uvgem.CARD0, O_RDWR), Errno.EMFILE);

        // While the hostile process keeps hammering at its limits from another thread, the other process works.
        // The other starts only once the hostile thread has hit every limit: a thread not yet scheduled hammers
        // nothing, and the other's rounds may all be over before it runs.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong refusals = new AtomicLong();
        CompletableFuture<Void> atEveryLimit = new CompletableFuture<>(); // a one-shot latch
        CompletableFuture<Void> hammer = CompletableFuture.runAsync(
                () -> {
                    do {
                        assertErrno(tryVgemCreate(hostile, hfd, pages(1)), Errno.ENOMEM);
                        assertErrno(tryVgemFenceAttach(hostile, hfd, hoard.getLast().handle, 0, 0), Errno.ENOSPC);
                        assertErrno(hostile.open(Uvgem.CARD0, O_RDWR), Errno.EMFILE);
                        refusals.addAndGet(3);
                        atEveryLimit.complete(null);
                    } while (!stop.get());
                },
                r -> Thread.ofPlatform().name("hostile").start(r));
        try {
            // Rethrows a hostile call that did not get its errno; times out if the thread never ran.
            CompletableFuture.anyOf(atEveryLimit, hammer).get(10, TimeUnit.SECONDS);
            Syscalls other = env.process("other", false).syscalls();
            int fd = drmOpenDriver(other);
            for (int round = 0; round < 20; round++) {
                List<VgemBo> bos = createPages(other, fd, MAX_BUFFERS, PAGES / MAX_BUFFERS);
                for (int i = 0; i < MAX_FENCES; i++) {
                    vgemFenceSignal(other, fd, vgemFenceAttach(other, fd, bos.get(i), Vgem.VGEM_FENCE_WRITE));
                }
                int dmabuf = primeHandleToFd(other, fd, bos.getFirst().handle);
                assertThat(other.lseek(dmabuf, 0, 2)).isEqualTo(PAGES / MAX_BUFFERS * 4096L);
                ok(other.close(dmabuf));
                for (VgemBo bo : bos) {
                    gemClose(other, fd, bo.handle);
                }
            }
        } finally {
            stop.set(true);
        }
        hammer.join(); // rethrows a hostile call that did not get its errno
        assertThat(refusals.get()).as("refusals while the other worked").isGreaterThanOrEqualTo(3);
    }

    /** Creates {@code count} buffers of {@code pages} pages each. */
    private static List<VgemBo> createPages(Syscalls p, int fd, int count, int pages) {
        List<VgemBo> bos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bos.add(vgemCreate(p, fd, pages(pages)));
        }
        return bos;
    }

    /** A bo of {@code n} pages: {@code n} rows of 1024 32-bit pixels. */
    private static VgemBo pages(int n) {
        return new VgemBo(1024, n, 32);
    }

    /** The group of the live process named {@code comm}. */
    private Cgroup cgroupOf(String comm) {
        return env.kernel().processes().stream()
                .filter(p -> p.comm().equals(comm))
                .map(Process::cgroup)
                .findFirst()
                .orElseThrow();
    }

    private static List<Long> charges(Cgroup cg) {
        return List.of(cg.buffers(), cg.bufferBytes(), cg.fences());
    }
}
