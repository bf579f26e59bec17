package dev.uvgem.api;

import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuCmd;
import dev.uvgem.uapi.UvGpuSubmitBo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job for the virtual GPU, built command by command and submitted with {@link GpuContext#submit}. Every buffer
 * a command touches is listed with the usage it needs (a destination is written, a source read), which decides
 * the implicit sync: the job waits for the buffer's writers (and, if it writes, its readers), and its finished
 * fence joins the buffer's reservation. {@link #reads} and {@link #writes} list buffers no command touches.
 *
 * <pre>{@code
 * GpuJob post = new GpuJob()
 *         .waitFor(rendered)                        // an in-fence sync_file
 *         .blend(overlay, 0, frame, 0, frame.size(), 255)
 *         .duration(Duration.ofMillis(2))           // the GPU is busy 2 ms of kernel-clock time
 *         .outFence();                              // ask for a sync_file of the finished fence
 * }</pre>
 *
 * <p>Thread-safety: not thread-safe; build on one thread.
 */
public final class GpuJob {
    private final Map<GpuBuffer, Integer> buffers = new LinkedHashMap<>();
    private final List<UvGpuCmd> commands = new ArrayList<>();
    private SyncFileFd inFence;
    private boolean outFence;

    /** Creates an empty job (it completes at once, after its dependencies). */
    public GpuJob() {}

    /** Lists {@code buffer} as read by the job (waits for its writers). */
    public GpuJob reads(GpuBuffer buffer) {
        index(buffer, UvGpu.BO_READ);
        return this;
    }

    /** Lists {@code buffer} as written by the job (waits for its readers and writers). */
    public GpuJob writes(GpuBuffer buffer) {
        index(buffer, UvGpu.BO_WRITE);
        return this;
    }

    /** Fills {@code length} bytes of {@code dst} at {@code offset} with the 32-bit {@code value} (4-byte units). */
    public GpuJob fill(GpuBuffer dst, long offset, long length, int value) {
        commands.add(new UvGpuCmd(UvGpu.CMD_FILL, index(dst, UvGpu.BO_WRITE), 0, value, offset, 0, length));
        return this;
    }

    /** Copies {@code length} bytes from {@code src} at {@code srcOffset} to {@code dst} at {@code dstOffset}. */
    public GpuJob copy(GpuBuffer src, long srcOffset, GpuBuffer dst, long dstOffset, long length) {
        int s = index(src, UvGpu.BO_READ);
        int d = index(dst, UvGpu.BO_WRITE);
        commands.add(new UvGpuCmd(UvGpu.CMD_COPY, d, s, 0, dstOffset, srcOffset, length));
        return this;
    }

    /**
     * Blends {@code length} bytes of ARGB8888 pixels of {@code src} over {@code dst} (source-over with the
     * source's alpha scaled by {@code alpha}, 0..255).
     */
    public GpuJob blend(GpuBuffer src, long srcOffset, GpuBuffer dst, long dstOffset, long length, int alpha) {
        int s = index(src, UvGpu.BO_READ);
        int d = index(dst, UvGpu.BO_WRITE);
        commands.add(new UvGpuCmd(UvGpu.CMD_BLEND, d, s, alpha, dstOffset, srcOffset, length));
        return this;
    }

    /** Keeps the GPU busy for {@code time} of the kernel clock (a timer, not a sleep). */
    public GpuJob duration(Duration time) {
        commands.add(new UvGpuCmd(UvGpu.CMD_DURATION, 0, 0, 0, 0, 0, time.toNanos()));
        return this;
    }

    /** Never completes: the context's hang timeout kills the job (for testing recovery). */
    public GpuJob hang() {
        commands.add(new UvGpuCmd(UvGpu.CMD_HANG, 0, 0, 0, 0, 0, 0));
        return this;
    }

    /** Makes the job wait for {@code fence} (a sync_file in-fence) before it runs. */
    public GpuJob waitFor(SyncFileFd fence) {
        this.inFence = fence;
        return this;
    }

    /** Asks for an out-fence: a sync_file of the job's finished fence, in {@link GpuContext.Submission}. */
    public GpuJob outFence() {
        this.outFence = true;
        return this;
    }

    private int index(GpuBuffer buffer, int usage) {
        buffers.merge(buffer, usage, (a, b) -> a | b);
        int i = 0;
        for (GpuBuffer b : buffers.keySet()) {
            if (b == buffer) {
                return i;
            }
            i++;
        }
        throw new AssertionError("buffer just listed");
    }

    int flags() {
        return (inFence != null ? UvGpu.SUBMIT_IN_FENCE : 0) | (outFence ? UvGpu.SUBMIT_OUT_FENCE : 0);
    }

    int inFenceFd() {
        return inFence != null ? inFence.fd() : -1;
    }

    int bufferCount() {
        return buffers.size();
    }

    int commandCount() {
        return commands.size();
    }

    /** Writes the buffer list then the commands into {@code user} from offset 0; returns the commands' offset. */
    int writeTo(byte[] user) {
        int off = 0;
        for (Map.Entry<GpuBuffer, Integer> e : buffers.entrySet()) {
            new UvGpuSubmitBo(e.getKey().handle(), e.getValue()).write(Check.le(user, off, UvGpuSubmitBo.SIZE));
            off += UvGpuSubmitBo.SIZE;
        }
        int cmds = off;
        for (UvGpuCmd c : commands) {
            c.write(Check.le(user, off, UvGpuCmd.SIZE));
            off += UvGpuCmd.SIZE;
        }
        return cmds;
    }

    int userBytes() {
        return buffers.size() * UvGpuSubmitBo.SIZE + commands.size() * UvGpuCmd.SIZE;
    }
}
