package dev.uvgem.api;

import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A uvgem process: the entry point of the Java API. Open devices and timelines through it, receive fds other
 * processes sent, read debugfs. Closing it ends the process: every fd it holds is released as at process exit
 * (outstanding vgem fences signalled, handles closed, buffers freed once nothing refers to them).
 *
 * <pre>{@code
 * try (Uvgem uvgem = Uvgem.embedded();
 *         VgemDevice vgem = uvgem.openVgem();
 *         BufferObject bo = vgem.createDumb(1920, 1080, 32);
 *         DmaBufFd dmabuf = bo.export(true)) {
 *     VgemFence fence = bo.attachFence(true);
 *     // ... render into bo.map() ...
 *     fence.signal();
 *     dmabuf.poll(UvgemFile.POLLIN, Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p>Thread-safety: safe for concurrent use by many threads.
 */
public final class Uvgem implements AutoCloseable {
    // The paths are the boot path table's (sys Boot), named here so API users need not reach below the API.
    /** The vGEM primary node. */
    public static final String CARD0 = Boot.CARD0;
    /** The vGEM render node. */
    public static final String RENDER_D128 = Boot.RENDER_D128;
    /** The virtual display (vkms), primary node. */
    public static final String CARD1 = Boot.CARD1;
    /** The null device. */
    public static final String DEV_NULL = Boot.DEV_NULL;
    /** The sw_sync timeline file (privileged; debugfs). */
    public static final String SW_SYNC = Boot.SW_SYNC;
    /** The dma-buf debug listing (privileged; debugfs). */
    public static final String BUFINFO = Boot.BUFINFO;
    /** The sync debug listing (privileged; debugfs). */
    public static final String SYNC_INFO = Boot.SYNC_INFO;
    /** uvgem's buffer listing: size, owner, holders and fences of every vgem buffer (privileged; debugfs). */
    public static final String UVGEM_BUFFERS = Boot.UVGEM_BUFFERS;
    /** uvgem's fence listing: state, age and owner of every vgem fence and sw_sync point (privileged; debugfs). */
    public static final String UVGEM_FENCES = Boot.UVGEM_FENCES;
    /** The uvgpu (virtual GPU) primary node. */
    public static final String CARD2 = Boot.CARD2;
    /** The uvgpu render node. */
    public static final String RENDER_D130 = Boot.RENDER_D130;
    /** The stuck-fence watchdog's report (privileged; debugfs). */
    public static final String STUCK_FENCES = Boot.STUCK_FENCES;

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;

    private final Syscalls sys;
    private final Kernel ownedKernel;

    private Uvgem(Syscalls sys, Kernel ownedKernel) {
        this.sys = sys;
        this.ownedKernel = ownedKernel;
    }

    /**
     * Boots a private embedded kernel with {@code config} and runs one privileged process on it; closing the
     * result shuts the kernel down.
     */
    public static Uvgem embedded(KernelConfig config) {
        Kernel kernel = Boot.kernel(config);
        return new Uvgem(new EmbeddedSyscalls(kernel.spawn("java", true)), kernel);
    }

    /** Boots a private embedded kernel with the defaults (real clock, 10 s vgem expiry, debugfs on). */
    public static Uvgem embedded() {
        return embedded(KernelConfig.defaults().withDebugfs(true));
    }

    /**
     * Starts a process named {@code comm} on an existing kernel (several processes sharing buffers and fences in
     * one JVM); closing the result ends that process only.
     */
    public static Uvgem process(Kernel kernel, String comm, boolean admin) {
        return new Uvgem(new EmbeddedSyscalls(kernel.spawn(comm, admin)), null);
    }

    /**
     * Wraps any backend (a daemon connection, a test double). The remote client's {@code UvgemClient.connect(socket)}
     * is this over a daemon connection.
     */
    public static Uvgem over(Syscalls syscalls) {
        return new Uvgem(syscalls, null);
    }

    /** Returns the raw system calls of this process, for code that speaks the uAPI directly. */
    public Syscalls syscalls() {
        return sys;
    }

    /** Opens the vGEM primary node. */
    public VgemDevice openVgem() {
        return new VgemDevice(sys, Check.fd(sys.open(CARD0, O_RDWR | O_CLOEXEC)));
    }

    /** Opens the vGEM render node (no dumb-buffer ioctls there, as on Linux). */
    public VgemDevice openVgemRender() {
        return new VgemDevice(sys, Check.fd(sys.open(RENDER_D128, O_RDWR | O_CLOEXEC)));
    }

    /** Opens the uvgpu (virtual GPU) primary node. */
    public GpuDevice openGpu() {
        return new GpuDevice(sys, Check.fd(sys.open(CARD2, O_RDWR | O_CLOEXEC)));
    }

    /** Opens the uvgpu render node. */
    public GpuDevice openGpuRender() {
        return new GpuDevice(sys, Check.fd(sys.open(RENDER_D130, O_RDWR | O_CLOEXEC)));
    }

    /**
     * Opens the virtual display ({@link #CARD1}); the first process to open it is its master, the one that may
     * flip.
     */
    public KmsDisplay openDisplay() {
        int fd = Check.fd(sys.open(CARD1, O_RDWR | O_CLOEXEC));
        try {
            return new KmsDisplay(sys, fd);
        } catch (RuntimeException | Error e) {
            sys.close(fd);
            throw e;
        }
    }

    /**
     * Creates a sw_sync timeline.
     *
     * @throws ErrnoException EACCES unless this process is privileged and debugfs is enabled
     */
    public SwSyncTimelineFd createTimeline() {
        return new SwSyncTimelineFd(sys, Check.fd(sys.open(SW_SYNC, O_RDWR | O_CLOEXEC)));
    }

    /**
     * Reads a debugfs text file whole ({@link #BUFINFO}, {@link #SYNC_INFO}).
     *
     * <p>Context: the calling thread; rendering {@link #BUFINFO} may sleep on buffers' reservation locks. Locking:
     * none of its own; the kernel takes the dma-buf registry's monitor and each reservation lock while rendering.
     *
     * @throws ErrnoException EACCES unless privileged with debugfs enabled; ENOENT for an unknown path
     */
    public String readDebugfs(String path) {
        int fd = Check.fd(sys.open(path, O_CLOEXEC));
        try {
            byte[] buf = new byte[4096];
            int len = 0;
            while (true) {
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int n = (int) Check.ok(sys.read(fd, buf, len, buf.length - len));
                if (n == 0) {
                    return new String(buf, 0, len, StandardCharsets.UTF_8);
                }
                len += n;
            }
        } finally {
            sys.close(fd);
        }
    }

    /**
     * Receives an fd another process sent with {@link UvgemFile#send()}.
     *
     * @throws ErrnoException ENOENT for an unknown, used or expired token
     */
    public RawFile receive(byte[] token) {
        return new RawFile(sys, Check.fd(sys.fdRecv(token)));
    }

    /**
     * Ends the process (and shuts down the kernel if this object booted it).
     *
     * <p>Context: any thread but one blocked in this process's call; file releases run on it. Locking: none of its
     * own.
     */
    @Override
    public void close() {
        sys.close();
        if (ownedKernel != null) {
            ownedKernel.close();
        }
    }
}
