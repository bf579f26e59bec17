package dev.uvgem.bench;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import dev.uvgem.uapi.VgemFenceSignal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the uAPI layer costs: a VGEM_FENCE_ATTACH + VGEM_FENCE_SIGNAL cycle through the syscall layer (struct
 * packing, fd lookup, DRM ioctl dispatch and permission checks, the per-file fence id table, the reservation
 * object with its conflict check and lock, the expiry timer armed and cancelled), against the bare fence cycle
 * it wraps (create and signal on the same clock).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VgemCycleBenchmark {
    private final SystemClock clock = new SystemClock();
    private final FenceOps ops = FenceOps.named("bench", "bench");
    private final long context = FenceContext.allocate();
    private long seqno;

    private Uvgem uvgem;
    private VgemDevice vgem;
    private BufferObject bo;
    private Syscalls sys;
    private final byte[] attach = new byte[VgemFenceAttach.SIZE];
    private final byte[] signal = new byte[VgemFenceSignal.SIZE];

    /** Boots a kernel and creates the buffer; a fresh device file per iteration keeps the id table small. */
    @Setup(Level.Iteration)
    public void setUp() {
        uvgem = Uvgem.embedded(KernelConfig.defaults(clock));
        vgem = uvgem.openVgem();
        bo = vgem.createDumb(64, 64, 32);
        sys = uvgem.syscalls();
    }

    /** Closes everything the iteration made. */
    @TearDown(Level.Iteration)
    public void tearDown() {
        bo.close();
        vgem.close();
        uvgem.close();
    }

    /** One attach + signal through the syscall layer. */
    @Benchmark
    public long syscallAttachSignal() {
        ByteBuffer a = ByteBuffer.wrap(attach).order(ByteOrder.LITTLE_ENDIAN);
        new VgemFenceAttach(bo.handle(), Vgem.VGEM_FENCE_WRITE, 0, 0).write(a);
        long r = sys.ioctl(vgem.fd(), Vgem.IOCTL_FENCE_ATTACH, attach, null);
        new VgemFenceSignal(VgemFenceAttach.read(a).outFence(), 0)
                .write(ByteBuffer.wrap(signal).order(ByteOrder.LITTLE_ENDIAN));
        return r + sys.ioctl(vgem.fd(), Vgem.IOCTL_FENCE_SIGNAL, signal, null);
    }

    /** The bare fence cycle: create and signal. */
    @Benchmark
    public boolean bareFenceCreateSignal() {
        return Fence.create(clock, ops, context, ++seqno).signal();
    }
}
