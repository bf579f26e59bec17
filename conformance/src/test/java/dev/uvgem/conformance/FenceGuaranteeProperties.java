package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtVgem.POLLIN;
import static dev.uvgem.conformance.IgtVgem.POLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.conformance.IgtVgem.FenceStatus;
import dev.uvgem.conformance.IgtVgem.SyncInfo;
import dev.uvgem.conformance.IgtVgem.VgemBo;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Mman;
import dev.uvgem.uapi.Vgem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The core guarantee of vgem fences, as a property: whatever userspace does, in whatever order — attach read and
 * write fences to buffers shared between device files and processes, signal them or not, close device files,
 * handles and dma-bufs, exit processes, let time pass — <b>every attached fence signals exactly once, and never
 * later than its expiry deadline</b>, and once every process has exited nothing is left: no GEM object, device
 * file, dma-buf or armed timer.
 *
 * <p>Each try boots a kernel on a {@link VirtualClock} (so the 10 s expiry is exact and instant) and plays a random
 * sequence of operations in three worker processes against a model that predicts every result: attach ids and
 * EBUSY conflicts, SIGNAL's 0 / ETIMEDOUT / ENOENT, dma-buf poll readiness, and when each fence signals (now, on a
 * SIGNAL or on the release of its device file; at its deadline exactly, on expiry). Every attached fence is
 * observed through a sync file exported from its buffer right after the attach and handed to an observer process
 * that outlives the workers: FILE_INFO's per-fence status and timestamp must be the model's, at every observation
 * and after the last worker has gone. A sync file's fences must also never report a signal time ahead of the
 * kernel clock.
 *
 * <p>The concurrent variant plays a sequence per worker, all at once on threads of their own, with an observer
 * thread reading the tracked sync files meanwhile; its checks are those that hold in every order (see {@link
 * VgemConcurrentWorld}). The default run stays well under 15 s; the stress variants play longer and more
 * sequences.
 *
 * <p>jqwik has no JUnit {@code @Timeout}: each try runs on a thread of its own and fails if it outlives {@link
 * #TRY_TIMEOUT}.
 */
class FenceGuaranteeProperties {
    private static final Duration EXPIRY = KernelConfig.DEFAULT_VGEM_FENCE_TIMEOUT;
    private static final Duration TRY_TIMEOUT = Duration.ofSeconds(20);
    private static final int WORKERS = 3;

    // ---------------------------------------------------------------- operations

    /** One step; indices pick among what exists at that point (modulo), and a step with nothing to act on is skipped. */
    sealed interface Op {}

    record OpenDevice(int proc, boolean render) implements Op {}

    record DupDevice(int proc, int dev) implements Op {}

    record SendDevice(int from, int dev, int to) implements Op {}

    record CloseDevice(int proc, int dev) implements Op {}

    record Create(int proc, int dev, int rows) implements Op {}

    record Export(int proc, int handle, boolean rdwr) implements Op {}

    record SendDmaBuf(int from, int buf, int to) implements Op {}

    record CloseDmaBuf(int proc, int buf) implements Op {}

    record Import(int proc, int buf, int dev) implements Op {}

    record CloseHandle(int proc, int handle) implements Op {}

    record Attach(int proc, int handle, boolean write) implements Op {}

    /** Signals a fence id of one of the process's device files; {@code stray}: an id never handed out (0 or next). */
    record Signal(int proc, int id, boolean stray) implements Op {}

    /**
     * Shares a buffer: export in one process and pass the dma-buf to another, which (in the sequential model)
     * imports it into its first device file at once; concurrently the receiver's own Import steps do that.
     */
    record Share(int from, int handle, int to) implements Op {}

    record MapDmaBuf(int proc, int buf) implements Op {}

    record MapHandle(int proc, int handle) implements Op {}

    record Unmap(int proc, int map) implements Op {}

    record ExportSyncFile(int proc, int buf, boolean write) implements Op {}

    record Poll(int proc, int buf) implements Op {}

    record Observe() implements Op {}

    record Advance(long nanos) implements Op {}

    /** Moves time to a pending fence's deadline plus {@code offset} nanoseconds (-1, 0 or +1): the boundary. */
    record AdvanceToDeadline(int fence, int offset) implements Op {}

    record Exit(int proc) implements Op {}

    private static Arbitrary<Op> ops() {
        Arbitrary<Integer> proc = Arbitraries.integers().between(0, WORKERS - 1);
        Arbitrary<Integer> idx = Arbitraries.integers().between(0, 63);
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<Long> small = Arbitraries.longs().between(0, 3_000_000_000L);
        Arbitrary<Long> aroundExpiry =
                Arbitraries.longs().between(EXPIRY.toNanos() - 2_000_000L, EXPIRY.toNanos() + 2_000_000L);
        return Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(proc, bool).as(OpenDevice::new)),
                Tuple.of(1, Combinators.combine(proc, idx).as(DupDevice::new)),
                Tuple.of(1, Combinators.combine(proc, idx, proc).as(SendDevice::new)),
                Tuple.of(2, Combinators.combine(proc, idx).as(CloseDevice::new)),
                Tuple.of(
                        6,
                        Combinators.combine(proc, idx, Arbitraries.integers().between(1, 8))
                                .as(Create::new)),
                Tuple.of(4, Combinators.combine(proc, idx, bool).as(Export::new)),
                Tuple.of(4, Combinators.combine(proc, idx, proc).as(SendDmaBuf::new)),
                Tuple.of(2, Combinators.combine(proc, idx).as(CloseDmaBuf::new)),
                Tuple.of(4, Combinators.combine(proc, idx, idx).as(Import::new)),
                Tuple.of(2, Combinators.combine(proc, idx).as(CloseHandle::new)),
                Tuple.of(16, Combinators.combine(proc, idx, bool).as(Attach::new)),
                Tuple.of(
                        10,
                        Combinators.combine(
                                        proc,
                                        idx,
                                        Arbitraries.integers().between(0, 7).map(i -> i == 0))
                                .as(Signal::new)),
                Tuple.of(4, Combinators.combine(proc, idx, proc).as(Share::new)),
                Tuple.of(2, Combinators.combine(proc, idx).as(MapDmaBuf::new)),
                Tuple.of(2, Combinators.combine(proc, idx).as(MapHandle::new)),
                Tuple.of(2, Combinators.combine(proc, idx).as(Unmap::new)),
                Tuple.of(3, Combinators.combine(proc, idx, bool).as(ExportSyncFile::new)),
                Tuple.of(4, Combinators.combine(proc, idx).as(Poll::new)),
                Tuple.of(2, Arbitraries.just(new Observe())),
                Tuple.of(3, small.map(Advance::new)),
                Tuple.of(1, aroundExpiry.map(Advance::new)),
                Tuple.of(
                        2,
                        Combinators.combine(idx, Arbitraries.integers().between(-1, 1))
                                .as(AdvanceToDeadline::new)),
                Tuple.of(1, proc.map(Exit::new)));
    }

    @Provide
    Arbitrary<List<Op>> scenarios() {
        return ops().list().ofMinSize(30).ofMaxSize(100).withSizeDistribution(RandomDistribution.uniform());
    }

    @Provide
    Arbitrary<List<Op>> longScenarios() {
        return ops().list().ofMinSize(100).ofMaxSize(300).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 400)
    void everyFenceSignalsOnceByItsDeadlineAndNothingLeaks(@ForAll("scenarios") List<Op> ops) throws Throwable {
        play(ops);
    }

    @Property(tries = 3000)
    @Tag("stress")
    void everyFenceSignalsOnceByItsDeadlineAndNothingLeaksStress(@ForAll("longScenarios") List<Op> ops)
            throws Throwable {
        play(ops);
    }

    @Provide
    Arbitrary<List<List<Op>>> concurrentScenarios() {
        return ops().list()
                .ofMinSize(40)
                .ofMaxSize(120)
                .withSizeDistribution(RandomDistribution.uniform())
                .list()
                .ofSize(WORKERS);
    }

    @Provide
    Arbitrary<List<List<Op>>> longConcurrentScenarios() {
        return ops().list().ofMinSize(100).ofMaxSize(300).list().ofSize(WORKERS);
    }

    /** The same operations played by every worker at once, on threads of their own: see {@link VgemConcurrentWorld}. */
    @Property(tries = 60)
    void concurrentInterleavingsKeepTheGuarantee(@ForAll("concurrentScenarios") List<List<Op>> perWorker)
            throws Throwable {
        playConcurrently(perWorker);
    }

    @Property(tries = 400)
    @Tag("stress")
    void concurrentInterleavingsKeepTheGuaranteeStress(@ForAll("longConcurrentScenarios") List<List<Op>> perWorker)
            throws Throwable {
        playConcurrently(perWorker);
    }

    private static void playConcurrently(List<List<Op>> perWorker) throws Throwable {
        VgemConcurrentWorld world = new VgemConcurrentWorld(WORKERS);
        runWithin(TRY_TIMEOUT, () -> world.play(perWorker));
        Statistics.label("concurrent fences per try")
                .collect(world.fences.get() < 5 ? "<5" : world.fences.get() < 15 ? "5-14" : ">=15");
        Statistics.label("lost races per try")
                .collect(world.races.get() == 0 ? "0" : world.races.get() < 5 ? "1-4" : ">=5");
    }

    private static void play(List<Op> ops) throws Throwable {
        World world = new World();
        runWithin(TRY_TIMEOUT, () -> world.play(ops));
        // How the fences of this try ended, so the report shows every path was taken.
        for (String how : world.endings) {
            Statistics.label("fence ended by").collect(how);
        }
        Statistics.label("fences per try")
                .collect(world.fences.size() < 5 ? "<5" : world.fences.size() < 15 ? "5-14" : ">=15");
    }

    /** Runs {@code body} on a thread of its own; fails (with that thread's stack) if it takes longer than {@code limit}. */
    private static void runWithin(Duration limit, Body body) throws Throwable {
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().daemon().name("fence-guarantee-try").start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        if (!t.join(limit)) {
            AssertionError hang = new AssertionError("try did not finish within " + limit + " (hang?)");
            hang.setStackTrace(t.getStackTrace());
            t.interrupt();
            throw hang;
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** A try's body. */
    interface Body {
        void run() throws Throwable;
    }

    // ---------------------------------------------------------------- the model

    /** A fence as the model knows it. */
    static final class MFence {
        final int serial;
        final MObject obj;
        final boolean write;
        final long deadline;
        long signalledAt = -1;

        MFence(int serial, MObject obj, boolean write, long deadline) {
            this.serial = serial;
            this.obj = obj;
            this.write = write;
            this.deadline = deadline;
        }

        boolean pending() {
            return signalledAt < 0;
        }

        void signal(long at) {
            if (pending()) {
                signalledAt = at;
            }
        }

        FenceStatus expected() {
            return pending() ? new FenceStatus(0, 0) : new FenceStatus(1, signalledAt);
        }

        @Override
        public String toString() {
            return "fence#" + serial + (write ? "w" : "r") + "@obj" + obj.serial + "(deadline " + deadline
                    + (pending() ? ", pending)" : ", signalled " + signalledAt + ")");
        }
    }

    /** A GEM object (and its one dma-buf). */
    static final class MObject {
        final int serial;
        final long size;
        final List<MFence> fences = new ArrayList<>();

        MObject(int serial, long size) {
            this.serial = serial;
            this.size = size;
        }

        /** Whether an attach would conflict: a writer with any pending fence, a reader with a pending writer. */
        boolean conflicts(boolean write) {
            return fences.stream().anyMatch(f -> f.pending() && (write || f.write));
        }

        /** The fences a sync file exported with {@code write} holds: pending writers, or every pending fence. */
        List<MFence> snapshot(boolean write) {
            return fences.stream()
                    .filter(f -> f.pending() && (write || f.write))
                    .toList();
        }
    }

    /** An open vgem device file. */
    static final class MDevFile {
        final int serial;
        int refs = 1;
        final List<MFence> ids = new ArrayList<>(); // id - 1 → fence
        final List<Boolean> consumed = new ArrayList<>();
        final Map<Integer, MObject> handles = new HashMap<>();

        MDevFile(int serial) {
            this.serial = serial;
        }
    }

    record DevFd(int fd, MDevFile file) {}

    record BufFd(int fd, MObject obj) {}

    /** A mapping; one made through a device fd holds that device file open, as the vma holds its file. */
    record Mapped(MappedMemory memory, MDevFile through) {}

    /** A sync file the observer holds, and the fences the model says it snapshotted (empty: the stub). */
    record Tracked(int fd, List<MFence> fences, String origin) {}

    static final class Proc {
        final Uvgem uvgem;
        final Syscalls sys;
        final List<DevFd> devs = new ArrayList<>();
        final List<BufFd> bufs = new ArrayList<>();
        final List<Mapped> maps = new ArrayList<>();

        Proc(Uvgem uvgem) {
            this.uvgem = uvgem;
            this.sys = uvgem.syscalls();
        }
    }

    /** Once every process is gone: no GEM object, device file, dma-buf or timer is left behind. */
    static void assertNothingLeft(Boot.Devices d, VirtualClock clock) {
        assertThat(d.vgem().liveObjects()).as("GEM objects left").isZero();
        assertThat(d.vgem().openFiles()).as("device files left").isZero();
        assertThat(d.dmaBufs().count()).as("dma-bufs left").isZero();
        assertThat(clock.pendingTimers()).as("timers left").isZero();
    }

    private static <T> T pick(List<T> list, int idx) {
        return list.isEmpty() ? null : list.get(Math.floorMod(idx, list.size()));
    }

    /** One try: a kernel, its processes, and the model of everything in it. */
    static final class World {
        private final VirtualClock clock = new VirtualClock();
        private final Boot.Booted booted =
                Boot.kernelWithDevices(KernelConfig.defaults(clock).withDebugfs(true));
        private final Proc[] workers = new Proc[WORKERS];
        private final Proc observer;
        final List<MFence> fences = new ArrayList<>();
        final List<String> endings = new ArrayList<>();
        private final List<MDevFile> files = new ArrayList<>();
        private final List<Tracked> tracked = new ArrayList<>();
        private final List<String> trace = new ArrayList<>();
        private int spawned;
        private int objects;

        World() {
            for (int i = 0; i < WORKERS; i++) {
                workers[i] = spawn();
            }
            observer = new Proc(Uvgem.process(booted.kernel(), "observer", true));
        }

        /** A fresh worker, with the primary node open as IGT's fixture has it, and a buffer on it. */
        private Proc spawn() {
            Proc p = new Proc(Uvgem.process(booted.kernel(), "worker-" + spawned++, false));
            openDevice(p, false);
            create(p, 0, 1);
            return p;
        }

        void play(List<Op> ops) {
            try {
                for (Op op : ops) {
                    trace.add(op.toString());
                    apply(op);
                    assertThat(booted.devices().vgem().openFiles())
                            .as("open device files")
                            .isEqualTo(files.stream().filter(f -> f.refs > 0).count());
                }
                finish();
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nafter: " + String.join("\n  ", tailOfTrace()), e);
            } finally {
                booted.kernel().close();
            }
        }

        private List<String> tailOfTrace() {
            return trace.subList(Math.max(0, trace.size() - 40), trace.size());
        }

        /** Every worker exits; then every fence must have signalled, on time, as observed; then nothing is left. */
        private void finish() {
            for (int i = 0; i < WORKERS; i++) {
                exit(i, false);
            }
            for (MFence f : fences) {
                assertThat(f.pending()).as("%s after every owner exited", f).isFalse();
                assertThat(f.signalledAt).as("%s signalled by its deadline", f).isLessThanOrEqualTo(f.deadline);
            }
            observe();
            for (MFence f : fences) {
                assertThat(tracked.stream().anyMatch(t -> t.fences.contains(f)))
                        .as("%s was observed", f)
                        .isTrue();
            }
            observer.uvgem.close();
            assertNothingLeft(booted.devices(), clock);
        }

        private void apply(Op op) {
            switch (op) {
                case OpenDevice o -> openDevice(workers[o.proc()], o.render());
                case DupDevice o -> dupDevice(workers[o.proc()], o.dev());
                case SendDevice o -> sendDevice(workers[o.from()], o.dev(), workers[o.to()]);
                case CloseDevice o -> closeDevice(workers[o.proc()], o.dev());
                case Create o -> create(workers[o.proc()], o.dev(), o.rows());
                case Export o -> export(workers[o.proc()], o.handle(), o.rdwr());
                case SendDmaBuf o -> sendDmaBuf(workers[o.from()], o.buf(), workers[o.to()]);
                case CloseDmaBuf o -> closeDmaBuf(workers[o.proc()], o.buf());
                case Import o -> importBuf(workers[o.proc()], o.buf(), o.dev());
                case CloseHandle o -> closeHandle(workers[o.proc()], o.handle());
                case Attach o -> attach(workers[o.proc()], o.handle(), o.write());
                case Signal o -> signal(workers[o.proc()], o.id(), o.stray());
                case Share o -> share(workers[o.from()], o.handle(), workers[o.to()]);
                case MapDmaBuf o -> mapDmaBuf(workers[o.proc()], o.buf());
                case MapHandle o -> mapHandle(workers[o.proc()], o.handle());
                case Unmap o -> unmap(workers[o.proc()], o.map());
                case ExportSyncFile o -> exportSyncFile(workers[o.proc()], o.buf(), o.write());
                case Poll o -> poll(workers[o.proc()], o.buf());
                case Observe o -> observe();
                case Advance o -> advance(o.nanos());
                case AdvanceToDeadline o -> advanceToDeadline(o.fence(), o.offset());
                case Exit o -> exit(o.proc(), true);
            }
        }

        // ---- device files

        private void openDevice(Proc p, boolean render) {
            // Dumb buffers need the primary node; the render node is for attaching, signalling and PRIME.
            int fd = (int) IgtVgem.ok(p.sys.open(render ? Uvgem.RENDER_D128 : Uvgem.CARD0, IgtVgem.O_RDWR));
            MDevFile f = new MDevFile(files.size());
            files.add(f);
            p.devs.add(new DevFd(fd, f));
        }

        private void dupDevice(Proc p, int dev) {
            DevFd d = pick(p.devs, dev);
            if (d == null) {
                return;
            }
            int fd = (int) IgtVgem.ok(p.sys.dup(d.fd()));
            d.file().refs++;
            p.devs.add(new DevFd(fd, d.file()));
        }

        private void sendDevice(Proc from, int dev, Proc to) {
            DevFd d = pick(from.devs, dev);
            if (d == null) {
                return;
            }
            int fd = pass(from, d.fd(), to);
            d.file().refs++;
            to.devs.add(new DevFd(fd, d.file()));
        }

        private void closeDevice(Proc p, int dev) {
            DevFd d = pick(p.devs, dev);
            if (d == null) {
                return;
            }
            IgtVgem.ok(p.sys.close(d.fd()));
            p.devs.remove(d);
            drop(d.file());
        }

        /** One fd of {@code f} is gone; the last one releases the file, which signals its unconsumed fences now. */
        private void drop(MDevFile f) {
            if (--f.refs > 0) {
                return;
            }
            for (int i = 0; i < f.ids.size(); i++) {
                if (!f.consumed.get(i) && f.ids.get(i).pending()) {
                    f.ids.get(i).signal(clock.nanoTime());
                    endings.add("release of its device file");
                }
            }
            f.handles.clear();
        }

        private static int pass(Proc from, int fd, Proc to) {
            return FdPassing.receive(to.sys, FdPassing.send(from.sys, fd));
        }

        // ---- buffers

        private void create(Proc p, int dev, int rows) {
            DevFd d = pick(p.devs, dev);
            if (d == null) {
                return;
            }
            VgemBo bo = new VgemBo(1024, rows, 32);
            long r = IgtVgem.tryVgemCreate(p.sys, d.fd(), bo);
            if (r == Errno.EACCES.negative()) {
                return; // a render node: no dumb buffers there
            }
            IgtVgem.ok(r);
            assertThat(bo.size).isEqualTo(4096L * rows);
            assertThat(d.file().handles).as("a new handle").doesNotContainKey(bo.handle);
            d.file().handles.put(bo.handle, new MObject(objects++, bo.size));
        }

        /** A GEM handle a process can name: through one of its device fds. */
        record Held(DevFd dev, int handle, MObject obj) {}

        /** Picks among every handle of every device file {@code p} has an fd of. */
        private static Held pickHandle(Proc p, int idx) {
            List<Held> all = new ArrayList<>();
            for (DevFd d : p.devs) {
                d.file().handles.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .forEach(e -> all.add(new Held(d, e.getKey(), e.getValue())));
            }
            return pick(all, idx);
        }

        private void export(Proc p, int handle, boolean rdwr) {
            Held h = pickHandle(p, handle);
            if (h == null) {
                return;
            }
            int fd = (int) IgtVgem.ok(
                    IgtVgem.tryPrimeHandleToFd(p.sys, h.dev().fd(), h.handle(), Drm.CLOEXEC | (rdwr ? Drm.RDWR : 0)));
            p.bufs.add(new BufFd(fd, h.obj()));
        }

        private void sendDmaBuf(Proc from, int buf, Proc to) {
            BufFd b = pick(from.bufs, buf);
            if (b == null) {
                return;
            }
            to.bufs.add(new BufFd(pass(from, b.fd(), to), b.obj()));
        }

        private void closeDmaBuf(Proc p, int buf) {
            BufFd b = pick(p.bufs, buf);
            if (b == null) {
                return;
            }
            IgtVgem.ok(p.sys.close(b.fd()));
            p.bufs.remove(b);
        }

        private void importBuf(Proc p, int buf, int dev) {
            BufFd b = pick(p.bufs, buf);
            DevFd d = pick(p.devs, dev);
            if (b == null || d == null) {
                return;
            }
            int handle = IgtVgem.primeFdToHandle(p.sys, d.fd(), b.fd());
            MObject before = d.file().handles.putIfAbsent(handle, b.obj());
            if (before != null) {
                assertThat(before)
                        .as("re-import gives the handle of the same object")
                        .isSameAs(b.obj());
            }
        }

        private void closeHandle(Proc p, int handle) {
            Held h = pickHandle(p, handle);
            if (h == null) {
                return;
            }
            IgtVgem.gemClose(p.sys, h.dev().fd(), h.handle());
            h.dev().file().handles.remove(h.handle());
        }

        private void mapDmaBuf(Proc p, int buf) {
            BufFd b = pick(p.bufs, buf);
            if (b == null) {
                return;
            }
            p.maps.add(new Mapped(p.sys.mmap(b.fd(), 0, b.obj().size, Mman.PROT_READ), null));
        }

        private void mapHandle(Proc p, int handle) {
            Held h = pickHandle(p, handle);
            if (h == null) {
                return;
            }
            long offset = IgtVgem.tryMapDumb(p.sys, h.dev().fd(), h.handle());
            if (offset == Errno.EACCES.negative()) {
                return; // MAP_DUMB is not for render nodes
            }
            p.maps.add(new Mapped(
                    p.sys.mmap(h.dev().fd(), IgtVgem.ok(offset), h.obj().size, Mman.PROT_READ),
                    h.dev().file()));
            h.dev().file().refs++;
        }

        private void unmap(Proc p, int map) {
            Mapped m = pick(p.maps, map);
            if (m == null) {
                return;
            }
            m.memory().close();
            p.maps.remove(m);
            if (m.through() != null) {
                drop(m.through());
            }
        }

        // ---- fences

        private void attach(Proc p, int handle, boolean write) {
            Held h = pickHandle(p, handle);
            if (h == null) {
                return;
            }
            MObject obj = h.obj();
            DevFd d = h.dev();
            MDevFile f = d.file();
            long r = IgtVgem.tryVgemFenceAttach(p.sys, d.fd(), h.handle(), write ? Vgem.VGEM_FENCE_WRITE : 0, 0);
            if (obj.conflicts(write)) {
                IgtVgem.assertErrno(r, Errno.EBUSY);
                endings.add("never attached: EBUSY");
                return;
            }
            assertThat(r).as("ids count up from 1, never reused").isEqualTo(f.ids.size() + 1);
            MFence fence = new MFence(fences.size(), obj, write, clock.nanoTime() + EXPIRY.toNanos());
            fences.add(fence);
            obj.fences.add(fence);
            f.ids.add(fence);
            f.consumed.add(false);

            // Observe it: a snapshot of every pending fence of the buffer, which now includes this one.
            int dmabuf = (int) IgtVgem.ok(IgtVgem.tryPrimeHandleToFd(p.sys, d.fd(), h.handle(), Drm.CLOEXEC));
            track(p, dmabuf, obj, true, "attach of " + fence);
            IgtVgem.ok(p.sys.close(dmabuf));
        }

        private void signal(Proc p, int id, boolean stray) {
            int fd;
            MDevFile f;
            int fenceId;
            if (stray) {
                DevFd d = pick(p.devs, id);
                if (d == null) {
                    return;
                }
                fd = d.fd();
                f = d.file();
                fenceId = id % 2 == 0 ? 0 : f.ids.size() + 1;
            } else {
                List<int[]> ids = new ArrayList<>(); // {index into p.devs, id}
                for (int i = 0; i < p.devs.size(); i++) {
                    for (int k = 1; k <= p.devs.get(i).file().ids.size(); k++) {
                        ids.add(new int[] {i, k});
                    }
                }
                int[] choice = pick(ids, id);
                if (choice == null) {
                    return;
                }
                fd = p.devs.get(choice[0]).fd();
                f = p.devs.get(choice[0]).file();
                fenceId = choice[1];
            }
            long r = IgtVgem.tryVgemFenceSignal(p.sys, fd, fenceId);
            if (fenceId < 1 || fenceId > f.ids.size() || f.consumed.get(fenceId - 1)) {
                IgtVgem.assertErrno(r, Errno.ENOENT);
                return;
            }
            MFence fence = f.ids.get(fenceId - 1);
            f.consumed.set(fenceId - 1, true);
            if (fence.pending()) {
                assertThat(r).as("signal of %s", fence).isZero();
                fence.signal(clock.nanoTime());
                endings.add("FENCE_SIGNAL");
            } else {
                IgtVgem.assertErrno(r, Errno.ETIMEDOUT);
            }
        }

        private void share(Proc from, int handle, Proc to) {
            Held h = pickHandle(from, handle);
            if (h == null || to.devs.isEmpty()) {
                return;
            }
            int dmabuf = (int)
                    IgtVgem.ok(IgtVgem.tryPrimeHandleToFd(from.sys, h.dev().fd(), h.handle(), Drm.CLOEXEC));
            int received = pass(from, dmabuf, to);
            IgtVgem.ok(from.sys.close(dmabuf));
            to.bufs.add(new BufFd(received, h.obj()));
            importBuf(to, to.bufs.size() - 1, 0);
        }

        private void exportSyncFile(Proc p, int buf, boolean write) {
            BufFd b = pick(p.bufs, buf);
            if (b == null) {
                return;
            }
            track(p, b.fd(), b.obj(), write, "export " + (write ? "WRITE" : "READ"));
        }

        /** Exports a sync file from {@code dmabuf} in {@code p} and hands it to the observer. */
        private void track(Proc p, int dmabuf, MObject obj, boolean write, String origin) {
            int sf = IgtVgem.dmabufExportSyncFile(
                    p.sys, dmabuf, (int) (write ? DmaBufIoctl.SYNC_WRITE : DmaBufIoctl.SYNC_READ));
            int fd = pass(p, sf, observer);
            IgtVgem.ok(p.sys.close(sf));
            Tracked t = new Tracked(fd, obj.snapshot(write), origin);
            tracked.add(t);
            check(t);
        }

        // ---- observation

        private void poll(Proc p, int buf) {
            BufFd b = pick(p.bufs, buf);
            if (b == null) {
                return;
            }
            short[] revents = new short[1];
            long n = p.sys.poll(new int[] {b.fd()}, new short[] {(short) (POLLIN | POLLOUT)}, revents, 0);
            int expected = (b.obj().conflicts(false) ? 0 : POLLIN) | (b.obj().conflicts(true) ? 0 : POLLOUT);
            assertThat(revents[0] & (POLLIN | POLLOUT))
                    .as("poll of obj%d with %s", b.obj().serial, b.obj().fences)
                    .isEqualTo(expected);
            assertThat(n).isEqualTo(expected == 0 ? 0 : 1);
        }

        private void observe() {
            for (Tracked t : tracked) {
                check(t);
            }
        }

        private static final Comparator<FenceStatus> ORDER =
                Comparator.comparingInt(FenceStatus::status).thenComparingLong(FenceStatus::timestampNanos);

        /** The observer's view of a sync file must be the model's: its status, and each fence's status and time. */
        private void check(Tracked t) {
            SyncInfo info = IgtVgem.syncFileInfo(observer.sys, t.fd());
            boolean busy = IgtVgem.syncFileBusy(observer.sys, t.fd());
            for (FenceStatus f : info.fences()) {
                assertThat(f.timestampNanos())
                        .as("a fence of the sync file from %s signalled in the past (kernel clock)", t.origin())
                        .isLessThanOrEqualTo(clock.nanoTime());
            }
            if (t.fences().isEmpty()) { // the stub: signalled from the start
                assertThat(info.status()).as("stub from %s", t.origin()).isEqualTo(1);
                assertThat(info.fences())
                        .singleElement()
                        .extracting(FenceStatus::status)
                        .isEqualTo(1);
                assertThat(busy).isFalse();
                return;
            }
            boolean all = t.fences().stream().noneMatch(MFence::pending);
            List<FenceStatus> expected =
                    t.fences().stream().map(MFence::expected).sorted(ORDER).toList();
            List<FenceStatus> actual = info.fences().stream().sorted(ORDER).toList();
            assertThat(actual)
                    .as("fences of the sync file from %s: %s", t.origin(), t.fences())
                    .isEqualTo(expected);
            assertThat(info.status())
                    .as("status of the sync file from %s", t.origin())
                    .isEqualTo(all ? 1 : 0);
            assertThat(busy).as("busy sync file from %s", t.origin()).isEqualTo(!all);
        }

        // ---- time and processes

        private void advance(long nanos) {
            long target = clock.nanoTime() + nanos;
            for (MFence f : fences) {
                if (f.pending() && f.deadline <= target) {
                    f.signal(f.deadline);
                    endings.add("expiry");
                }
            }
            clock.advanceNanos(nanos);
        }

        private void advanceToDeadline(int fence, int offset) {
            List<MFence> pending = fences.stream().filter(MFence::pending).toList();
            MFence f = pick(pending, fence);
            if (f == null) {
                return;
            }
            long by = f.deadline + offset - clock.nanoTime();
            if (by >= 0) {
                advance(by);
                assertThat(f.pending())
                        .as("%s at its deadline %+d ns", f, offset)
                        .isEqualTo(offset < 0);
            }
        }

        private void exit(int slot, boolean respawn) {
            Proc p = workers[slot];
            p.uvgem.close(); // unmaps everything, then closes every fd
            for (Mapped m : p.maps) {
                if (m.through() != null) {
                    drop(m.through());
                }
            }
            for (DevFd d : p.devs) {
                drop(d.file());
            }
            workers[slot] = respawn ? spawn() : p;
        }
    }
}
