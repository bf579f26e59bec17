package dev.uvgem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.conformance.FenceGuaranteeProperties.Advance;
import dev.uvgem.conformance.FenceGuaranteeProperties.AdvanceToDeadline;
import dev.uvgem.conformance.FenceGuaranteeProperties.Attach;
import dev.uvgem.conformance.FenceGuaranteeProperties.CloseDevice;
import dev.uvgem.conformance.FenceGuaranteeProperties.CloseDmaBuf;
import dev.uvgem.conformance.FenceGuaranteeProperties.CloseHandle;
import dev.uvgem.conformance.FenceGuaranteeProperties.Create;
import dev.uvgem.conformance.FenceGuaranteeProperties.DupDevice;
import dev.uvgem.conformance.FenceGuaranteeProperties.Exit;
import dev.uvgem.conformance.FenceGuaranteeProperties.Export;
import dev.uvgem.conformance.FenceGuaranteeProperties.ExportSyncFile;
import dev.uvgem.conformance.FenceGuaranteeProperties.Import;
import dev.uvgem.conformance.FenceGuaranteeProperties.MapDmaBuf;
import dev.uvgem.conformance.FenceGuaranteeProperties.MapHandle;
import dev.uvgem.conformance.FenceGuaranteeProperties.Observe;
import dev.uvgem.conformance.FenceGuaranteeProperties.Op;
import dev.uvgem.conformance.FenceGuaranteeProperties.OpenDevice;
import dev.uvgem.conformance.FenceGuaranteeProperties.Poll;
import dev.uvgem.conformance.FenceGuaranteeProperties.SendDevice;
import dev.uvgem.conformance.FenceGuaranteeProperties.SendDmaBuf;
import dev.uvgem.conformance.FenceGuaranteeProperties.Share;
import dev.uvgem.conformance.FenceGuaranteeProperties.Signal;
import dev.uvgem.conformance.FenceGuaranteeProperties.Unmap;
import dev.uvgem.conformance.IgtVgem.FenceStatus;
import dev.uvgem.conformance.IgtVgem.SyncInfo;
import dev.uvgem.conformance.IgtVgem.VgemBo;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;
import dev.uvgem.uapi.Seek;
import dev.uvgem.uapi.Vgem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The concurrent half of {@link FenceGuaranteeProperties}: the same operations, but each worker process plays its
 * own sequence on its own thread at the same time as the others (which pass it fds, signal its fences through
 * shared device files, exit under it, and move the virtual clock), while an observer thread keeps reading every
 * tracked sync file. No model can predict each result of a race, so the checks are what must hold whatever the
 * order:
 *
 * <ul>
 *   <li>every result is one the operation may give in some order (a handle another holder closed: ENOENT);
 *   <li>a device file hands out each fence id once, and the ids are 1..n without gaps;
 *   <li>each id is consumed once: of all the racing FENCE_SIGNALs of one id, at most one gets 0 or ETIMEDOUT;
 *   <li>a fence seen signalled keeps its timestamp (signalled once), and that timestamp is no later than the
 *       export of the snapshot that holds it plus the expiry (its deadline cannot be later than that);
 *   <li>once every process has exited and fds in flight have timed out, every tracked fence has signalled, and no
 *       object, device file, dma-buf or timer is left.
 * </ul>
 *
 * <p>Thread-safety: one instance per try; its bookkeeping is shared by the worker threads and guarded as noted.
 */
final class VgemConcurrentWorld {
    private static final long EXPIRY = KernelConfig.DEFAULT_VGEM_FENCE_TIMEOUT.toNanos();

    private final VirtualClock clock = new VirtualClock();
    private final Boot.Booted booted =
            Boot.kernelWithDevices(KernelConfig.defaults(clock).withDebugfs(true));
    private final int workerCount;
    private final AtomicReferenceArray<CProc> workers;
    private final CProc observer;
    private final AtomicInteger fileSerials = new AtomicInteger();
    private final AtomicInteger spawned = new AtomicInteger();
    private final ConcurrentLinkedQueue<Tracked> tracked = new ConcurrentLinkedQueue<>();
    /** Per device file: the ids attach handed out. */
    private final Map<Integer, Set<Integer>> attached = new ConcurrentHashMap<>();
    /** Per "file:id": how many FENCE_SIGNALs consumed it (0 or ETIMEDOUT). */
    private final Map<String, AtomicInteger> consumed = new ConcurrentHashMap<>();

    final AtomicInteger fences = new AtomicInteger();
    final AtomicInteger races = new AtomicInteger();

    VgemConcurrentWorld(int workerCount) {
        this.workerCount = workerCount;
        this.workers = new AtomicReferenceArray<>(workerCount);
        for (int i = 0; i < workerCount; i++) {
            workers.set(i, spawn());
        }
        observer = new CProc(Uvgem.process(booted.kernel(), "observer", true));
    }

    /** A device file: its serial, and the handles known in it (any holder may close them). */
    record CFile(int serial, Set<Integer> handles, AtomicInteger maxId) {}

    record CDev(int fd, CFile file) {}

    /** A sync file in the observer; its signalled timestamps as last seen; no fence in it may signal after bound. */
    static final class Tracked {
        final int fd;
        final long bound;
        List<Long> signalled = List.of(); // guarded by this

        Tracked(int fd, long bound) {
            this.fd = fd;
            this.bound = bound;
        }
    }

    /** A process and what its thread knows of its fds; other threads add the fds they pass to it. */
    static final class CProc {
        final Uvgem uvgem;
        final Syscalls sys;
        final List<CDev> devs = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> bufs = Collections.synchronizedList(new ArrayList<>());
        final List<MappedMemory> maps = new ArrayList<>(); // its own thread only

        CProc(Uvgem uvgem) {
            this.uvgem = uvgem;
            this.sys = uvgem.syscalls();
        }
    }

    private CProc spawn() {
        CProc p = new CProc(Uvgem.process(booted.kernel(), "cworker-" + spawned.getAndIncrement(), false));
        openDevice(p, false);
        create(p, 0, 1);
        return p;
    }

    private static <T> T pick(List<T> list, int idx) {
        synchronized (list) {
            return list.isEmpty() ? null : list.get(Math.floorMod(idx, list.size()));
        }
    }

    // ---------------------------------------------------------------- running

    /** Plays {@code perWorker.get(i)} on worker {@code i}'s thread, all at once, then checks the end state. */
    void play(List<List<Op>> perWorker) throws Throwable {
        try {
            List<Thread> threads = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < workerCount; i++) {
                int slot = i;
                List<Op> ops = perWorker.get(i);
                threads.add(Thread.ofPlatform().name("cworker-thread-" + i).start(() -> {
                    try {
                        start.await();
                        for (Op op : ops) {
                            apply(slot, op);
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            Thread watcher = Thread.ofPlatform().name("observer-thread").start(() -> {
                try {
                    start.await();
                    while (threads.stream().anyMatch(Thread::isAlive)) {
                        observeAll(false);
                        Thread.onSpinWait();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            watcher.join();
            if (!failures.isEmpty()) {
                Throwable first = failures.poll();
                failures.forEach(first::addSuppressed);
                throw first;
            }
            finish();
        } finally {
            booted.kernel().close();
        }
    }

    private void finish() {
        for (int i = 0; i < workerCount; i++) {
            workers.get(i).uvgem.close();
        }
        // Files still in flight to exited processes keep device files (and so fences) open until they time out.
        clock.advance(Kernel.FD_TOKEN_LIFETIME.plusSeconds(1));
        assertThat(booted.kernel().inFlightFileCount()).as("fds in flight").isZero();
        observeAll(true);

        for (Map.Entry<String, AtomicInteger> e : consumed.entrySet()) {
            assertThat(e.getValue().get()).as("id %s consumed", e.getKey()).isEqualTo(1);
            String[] fileAndId = e.getKey().split(":");
            assertThat(attached.getOrDefault(Integer.parseInt(fileAndId[0]), Set.of()))
                    .as("consumed id %s was handed out", e.getKey())
                    .contains(Integer.parseInt(fileAndId[1]));
        }
        for (Map.Entry<Integer, Set<Integer>> e : attached.entrySet()) {
            int n = e.getValue().size();
            assertThat(e.getValue()).as("ids of file %d", e.getKey()).allMatch(id -> id >= 1 && id <= n);
        }

        observer.uvgem.close();
        FenceGuaranteeProperties.assertNothingLeft(booted.devices(), clock);
    }

    /** Checks every tracked sync file: signalled fences keep their timestamps, none later than its bound. */
    private void observeAll(boolean last) {
        for (Tracked t : tracked) {
            // One observer at a time per sync file, so "before" and "after" are ordered.
            synchronized (t) {
                SyncInfo info = IgtVgem.syncFileInfo(observer.sys, t.fd);
                long readAt = clock.nanoTime();
                List<Long> now = info.fences().stream()
                        .filter(f -> f.status() == 1)
                        .map(FenceStatus::timestampNanos)
                        .sorted()
                        .toList();
                for (FenceStatus f : info.fences()) {
                    assertThat(f.status()).as("fence status").isIn(0, 1);
                }
                assertThat(containsAll(now, t.signalled))
                        .as("signalled fences keep their timestamps: %s then %s", t.signalled, now)
                        .isTrue();
                t.signalled = now;
                for (long ts : now) {
                    assertThat(ts).as("signalled by the deadline").isLessThanOrEqualTo(t.bound);
                    assertThat(ts).as("signalled in the past").isLessThanOrEqualTo(readAt);
                }
                if (last) {
                    assertThat(info.status())
                            .as("every fence signalled at the end")
                            .isEqualTo(1);
                    assertThat(now).hasSameSizeAs(info.fences());
                }
            }
        }
    }

    /** Whether {@code big} contains every element of {@code small} (both sorted), counting repeats. */
    private static boolean containsAll(List<Long> big, List<Long> small) {
        Map<Long, Integer> counts = new HashMap<>();
        big.forEach(x -> counts.merge(x, 1, Integer::sum));
        for (long x : small) {
            if (counts.merge(x, -1, Integer::sum) < 0) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- operations

    private void apply(int slot, Op op) {
        CProc p = workers.get(slot);
        switch (op) {
            case OpenDevice o -> openDevice(p, o.render());
            case DupDevice o -> dupDevice(p, o.dev());
            case SendDevice o -> sendDevice(p, o.dev(), o.to() % workerCount);
            case CloseDevice o -> closeDevice(p, o.dev());
            case Create o -> create(p, o.dev(), o.rows());
            case Export o -> export(p, o.handle(), o.rdwr());
            case SendDmaBuf o -> sendDmaBuf(p, o.buf(), o.to() % workerCount);
            case CloseDmaBuf o -> closeDmaBuf(p, o.buf());
            case Import o -> importBuf(p, o.buf(), o.dev());
            case CloseHandle o -> closeHandle(p, o.handle());
            case Attach o -> attach(p, o.handle(), o.write());
            case Signal o -> signal(p, o.id(), o.stray());
            case Share o -> share(p, o.handle(), o.to() % workerCount);
            case MapDmaBuf o -> mapDmaBuf(p, o.buf());
            case MapHandle o -> mapHandle(p, o.handle());
            case Unmap o -> unmap(p, o.map());
            case ExportSyncFile o -> exportSyncFile(p, o.buf(), o.write());
            case Poll o -> poll(p, o.buf());
            case Observe o -> observeAll(false);
            case Advance o -> clock.advanceNanos(o.nanos());
            case AdvanceToDeadline o -> clock.advanceNanos(EXPIRY + o.offset());
            case Exit o -> {
                p.uvgem.close();
                workers.set(slot, spawn());
            }
        }
    }

    private void openDevice(CProc p, boolean render) {
        int fd = (int) IgtVgem.ok(p.sys.open(render ? Uvgem.RENDER_D128 : Uvgem.CARD0, IgtVgem.O_RDWR));
        p.devs.add(new CDev(
                fd, new CFile(fileSerials.getAndIncrement(), ConcurrentHashMap.newKeySet(), new AtomicInteger())));
    }

    private void dupDevice(CProc p, int dev) {
        CDev d = pick(p.devs, dev);
        if (d != null) {
            p.devs.add(new CDev((int) IgtVgem.ok(p.sys.dup(d.fd())), d.file()));
        }
    }

    /**
     * Passes {@code fd} to {@code to}: the fd there, or -1 if the receiver exited first (the file stays in flight)
     * or other threads moved the clock past the token's lifetime in between (the file was dropped).
     */
    private int pass(CProc from, int fd, CProc to) {
        long r = to.sys.fdRecv(FdPassing.send(from.sys, fd));
        if (r == Errno.EBADF.negative() || r == Errno.ENOENT.negative()) {
            races.incrementAndGet();
            return -1;
        }
        return (int) IgtVgem.ok(r);
    }

    private void sendDevice(CProc p, int dev, int to) {
        CDev d = pick(p.devs, dev);
        CProc target = workers.get(to);
        if (d == null || target == p) {
            return;
        }
        int fd = pass(p, d.fd(), target);
        if (fd >= 0) {
            target.devs.add(new CDev(fd, d.file()));
        }
    }

    private void closeDevice(CProc p, int dev) {
        CDev d = pick(p.devs, dev);
        if (d != null && p.devs.remove(d)) {
            IgtVgem.ok(p.sys.close(d.fd()));
        }
    }

    private void create(CProc p, int dev, int rows) {
        CDev d = pick(p.devs, dev);
        if (d == null) {
            return;
        }
        VgemBo bo = new VgemBo(1024, rows, 32);
        long r = IgtVgem.tryVgemCreate(p.sys, d.fd(), bo);
        if (r == Errno.EACCES.negative()) {
            return;
        }
        IgtVgem.ok(r);
        d.file().handles().add(bo.handle);
    }

    record Held(CDev dev, int handle) {}

    private static Held pickHandle(CProc p, int idx) {
        List<Held> all = new ArrayList<>();
        synchronized (p.devs) {
            for (CDev d : p.devs) {
                d.file().handles().stream().sorted().forEach(h -> all.add(new Held(d, h)));
            }
        }
        return pick(all, idx);
    }

    /** A result an operation on a handle may give when another holder of the file closes it meanwhile. */
    private long handleRace(long r) {
        if (r == Errno.ENOENT.negative()) {
            races.incrementAndGet();
        }
        return r;
    }

    private void export(CProc p, int handle, boolean rdwr) {
        Held h = pickHandle(p, handle);
        if (h == null) {
            return;
        }
        long fd = handleRace(
                IgtVgem.tryPrimeHandleToFd(p.sys, h.dev().fd(), h.handle(), Drm.CLOEXEC | (rdwr ? Drm.RDWR : 0)));
        if (fd != Errno.ENOENT.negative()) {
            p.bufs.add((int) IgtVgem.ok(fd));
        }
    }

    private void sendDmaBuf(CProc p, int buf, int to) {
        Integer b = pick(p.bufs, buf);
        CProc target = workers.get(to);
        if (b == null || target == p) {
            return;
        }
        int fd = pass(p, b, target);
        if (fd >= 0) {
            target.bufs.add(fd);
        }
    }

    private void closeDmaBuf(CProc p, int buf) {
        Integer b = pick(p.bufs, buf);
        if (b != null && p.bufs.remove(b)) {
            IgtVgem.ok(p.sys.close(b));
        }
    }

    private void importBuf(CProc p, int buf, int dev) {
        Integer b = pick(p.bufs, buf);
        CDev d = pick(p.devs, dev);
        if (b == null || d == null) {
            return;
        }
        d.file().handles().add(IgtVgem.primeFdToHandle(p.sys, d.fd(), b));
    }

    private void closeHandle(CProc p, int handle) {
        Held h = pickHandle(p, handle);
        if (h == null || !h.dev().file().handles().remove(h.handle())) {
            return;
        }
        long r = IgtVgem.tryGemClose(p.sys, h.dev().fd(), h.handle());
        if (r == Errno.EINVAL.negative()) {
            races.incrementAndGet(); // an import re-added the number and another holder closed it first
        } else {
            IgtVgem.ok(r);
        }
    }

    private void attach(CProc p, int handle, boolean write) {
        Held h = pickHandle(p, handle);
        if (h == null) {
            return;
        }
        long r = handleRace(
                IgtVgem.tryVgemFenceAttach(p.sys, h.dev().fd(), h.handle(), write ? Vgem.VGEM_FENCE_WRITE : 0, 0));
        if (r == Errno.EBUSY.negative() || r == Errno.ENOENT.negative()) {
            return;
        }
        int id = (int) IgtVgem.ok(r);
        fences.incrementAndGet();
        CFile f = h.dev().file();
        assertThat(attached.computeIfAbsent(f.serial(), k -> ConcurrentHashMap.newKeySet())
                        .add(id))
                .as("id %d of file %d handed out once", id, f.serial())
                .isTrue();
        f.maxId().accumulateAndGet(id, Math::max);

        long dmabuf = handleRace(IgtVgem.tryPrimeHandleToFd(p.sys, h.dev().fd(), h.handle(), Drm.CLOEXEC));
        if (dmabuf >= 0) {
            track(p, (int) dmabuf, true);
            IgtVgem.ok(p.sys.close((int) dmabuf));
        }
    }

    private void signal(CProc p, int id, boolean stray) {
        CDev d = pick(p.devs, id);
        if (d == null) {
            return;
        }
        int max = d.file().maxId().get();
        int fenceId = stray ? max + 1 + Math.floorMod(id, 2) : Math.floorMod(id, max + 1);
        long r = IgtVgem.tryVgemFenceSignal(p.sys, d.fd(), fenceId);
        if (r == 0 || r == Errno.ETIMEDOUT.negative()) {
            consumed.computeIfAbsent(d.file().serial() + ":" + fenceId, k -> new AtomicInteger())
                    .incrementAndGet();
        } else {
            IgtVgem.assertErrno(r, Errno.ENOENT);
        }
    }

    private void share(CProc from, int handle, int to) {
        Held h = pickHandle(from, handle);
        CProc target = workers.get(to);
        if (h == null || target == from) {
            return;
        }
        long dmabuf = handleRace(IgtVgem.tryPrimeHandleToFd(from.sys, h.dev().fd(), h.handle(), Drm.CLOEXEC));
        if (dmabuf < 0) {
            return;
        }
        // Only pass it: the target's own thread imports it (fds of another process are not this thread's to use).
        int fd = pass(from, (int) dmabuf, target);
        IgtVgem.ok(from.sys.close((int) dmabuf));
        if (fd >= 0) {
            target.bufs.add(fd);
        }
    }

    private void mapDmaBuf(CProc p, int buf) {
        Integer b = pick(p.bufs, buf);
        if (b == null) {
            return;
        }
        long size = IgtVgem.ok(p.sys.lseek(b, 0, Seek.SEEK_END));
        p.maps.add(p.sys.mmap(b, 0, size, Mman.PROT_READ));
    }

    private void mapHandle(CProc p, int handle) {
        Held h = pickHandle(p, handle);
        if (h == null) {
            return;
        }
        long offset = handleRace(IgtVgem.tryMapDumb(p.sys, h.dev().fd(), h.handle()));
        if (offset == Errno.EACCES.negative() || offset == Errno.ENOENT.negative()) {
            return;
        }
        // The size is not known here; map the first page, which every buffer has.
        try {
            p.maps.add(p.sys.mmap(h.dev().fd(), IgtVgem.ok(offset), Mman.PAGE_SIZE, Mman.PROT_READ));
        } catch (ErrnoException e) {
            // The object may have gone with its last handle between MAP_DUMB and mmap: its offset is revoked.
            assertThat(e.errno()).isIn(Errno.EACCES, Errno.EINVAL);
            races.incrementAndGet();
        }
    }

    private void unmap(CProc p, int map) {
        MappedMemory m = pick(p.maps, map);
        if (m != null) {
            m.close();
            p.maps.remove(m);
        }
    }

    private void exportSyncFile(CProc p, int buf, boolean write) {
        Integer b = pick(p.bufs, buf);
        if (b != null) {
            track(p, b, write);
        }
    }

    private void track(CProc p, int dmabuf, boolean write) {
        int sf = IgtVgem.dmabufExportSyncFile(
                p.sys, dmabuf, (int) (write ? DmaBufIoctl.SYNC_WRITE : DmaBufIoctl.SYNC_READ));
        long bound = clock.nanoTime() + EXPIRY;
        int fd = pass(p, sf, observer);
        IgtVgem.ok(p.sys.close(sf));
        if (fd >= 0) {
            tracked.add(new Tracked(fd, bound));
        }
    }

    private void poll(CProc p, int buf) {
        Integer b = pick(p.bufs, buf);
        if (b != null) {
            IgtVgem.ok(IgtVgem.poll(p.sys, b, (short) (IgtVgem.POLLIN | IgtVgem.POLLOUT), 0));
        }
    }
}
