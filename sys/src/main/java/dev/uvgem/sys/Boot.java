package dev.uvgem.sys;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.dmabuf.DmaBufRegistry;
import dev.uvgem.core.swsync.SwSyncDevice;
import dev.uvgem.core.swsync.SyncDebug;
import dev.uvgem.drivers.display.DisplayMode;
import dev.uvgem.drivers.display.VkmsDevice;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.gpu.UvGpuDriver;
import dev.uvgem.drivers.vgem.VgemDriver;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Boots a uvgem kernel with the contract's path table: the vGEM device's primary and render nodes, the virtual
 * display's node, the sw_sync debugfs file and the two debugfs texts, plus uvgem's own three debugfs listings (the
 * extension paths under {@code /sys/kernel/debug/uvgem/}: {@code buffers} and {@code fences}, which {@code uvgem
 * bufs} and {@code uvgem fences} read, and the watchdog's {@code stuck_fences}), and the uvgpu virtual GPU's nodes.
 *
 * <table>
 * <caption>Paths</caption>
 * <tr><th>path</th><th>what</th><th>who may open</th></tr>
 * <tr><td>/dev/dri/card0</td><td>vgem, primary node</td><td>everyone</td></tr>
 * <tr><td>/dev/dri/renderD128</td><td>vgem, render node</td><td>everyone</td></tr>
 * <tr><td>/dev/dri/card1</td><td>vkms, the virtual display (primary node only)</td><td>everyone</td></tr>
 * <tr><td>/dev/null</td><td>the null device: reads at end of file</td><td>everyone</td></tr>
 * <tr><td>/sys/kernel/debug/sync/sw_sync</td><td>a new sw_sync timeline per open</td><td>admin, with debugfs</td></tr>
 * <tr><td>/sys/kernel/debug/dma_buf/bufinfo</td><td>every dma-buf with its fences</td><td>admin, with debugfs</td></tr>
 * <tr><td>/sys/kernel/debug/sync/info</td><td>every sw_sync timeline with its points</td><td>admin, with debugfs</td></tr>
 * <tr><td>/sys/kernel/debug/uvgem/buffers</td><td>every vgem buffer: size, owner, holders, fences</td><td>admin,
 * with debugfs</td></tr>
 * <tr><td>/sys/kernel/debug/uvgem/fences</td><td>every vgem fence and sw_sync point: state, age, owner</td>
 * <td>admin, with debugfs</td></tr>
 * <tr><td>/sys/kernel/debug/uvgem/stuck_fences</td><td>vgem fences unsignalled past the watchdog threshold, with
 * creator and waiters</td><td>admin, with debugfs</td></tr>
 * <tr><td>/dev/dri/card2</td><td>uvgpu (the virtual GPU), primary node</td><td>everyone</td></tr>
 * <tr><td>/dev/dri/renderD130</td><td>uvgpu, render node</td><td>everyone</td></tr>
 * </table>
 *
 * <p>Thread-safety: stateless.
 */
public final class Boot {
    /** The vGEM primary node. */
    public static final String CARD0 = "/dev/dri/card0";
    /** The vGEM render node. */
    public static final String RENDER_D128 = "/dev/dri/renderD128";
    /** The virtual display's (vkms) primary node. */
    public static final String CARD1 = "/dev/dri/card1";
    /** The null device. */
    public static final String DEV_NULL = "/dev/null";
    /** The sw_sync timeline file. */
    public static final String SW_SYNC = "/sys/kernel/debug/sync/sw_sync";
    /** The dma-buf debug text. */
    public static final String BUFINFO = "/sys/kernel/debug/dma_buf/bufinfo";
    /** The sync debug text. */
    public static final String SYNC_INFO = "/sys/kernel/debug/sync/info";
    /** uvgem's buffer listing ({@link BufferListing}). */
    public static final String UVGEM_BUFFERS = "/sys/kernel/debug/uvgem/buffers";
    /** uvgem's fence listing ({@link FenceListing}). */
    public static final String UVGEM_FENCES = "/sys/kernel/debug/uvgem/fences";
    /** The stuck vgem fences with their creators and waiters (a uvgem file, not in Linux). */
    public static final String STUCK_FENCES = "/sys/kernel/debug/uvgem/stuck_fences";
    /** The uvgpu (virtual GPU) primary node: DRM device index 2. */
    public static final String CARD2 = "/dev/dri/card2";
    /** The uvgpu render node. */
    public static final String RENDER_D130 = "/dev/dri/renderD130";
    /** The DRM device index of uvgpu (card2, renderD130). */
    public static final int UVGPU_INDEX = 2;

    private Boot() {}

    /**
     * The devices of a booted kernel, for introspection (leak checks, debug listings).
     *
     * @param vgem the vGEM DRM device
     * @param dmaBufs every live dma-buf
     * @param swSync the sw_sync device
     * @param syncDebug every live sw_sync timeline
     * @param gpu the uvgpu (virtual GPU) DRM device
     * @param display the virtual display (vkms, {@link #CARD1}), 640x480 at 60 Hz
     */
    public record Devices(
            DrmDevice vgem,
            DmaBufRegistry dmaBufs,
            SwSyncDevice swSync,
            SyncDebug syncDebug,
            DrmDevice gpu,
            VkmsDevice display) {}

    /** Starts a kernel with {@code config} and registers the standard paths. */
    public static Kernel kernel(KernelConfig config) {
        return kernelWithDevices(config).kernel();
    }

    /** A booted kernel and its devices. */
    public record Booted(Kernel kernel, Devices devices) {}

    /**
     * Starts a kernel with {@code config}, registers the standard paths, and returns it with its devices. Buffer
     * memory is anonymous: private to this JVM.
     */
    public static Booted kernelWithDevices(KernelConfig config) {
        return kernelWithDevices(config, BufferAllocator.anonymous());
    }

    /**
     * As {@link #kernelWithDevices(KernelConfig)}, with buffer memory from {@code allocator}: the daemon passes
     * {@link BufferAllocator#files} so that other processes can map buffers through their backing files.
     */
    public static Booted kernelWithDevices(KernelConfig config, BufferAllocator allocator) {
        return kernelWithDevices(config, allocator, new UvGpuDriver(config.clock()));
    }

    /**
     * As {@link #kernelWithDevices(KernelConfig, BufferAllocator)}, with the virtual GPU's scheduler work and
     * commands running on {@code gpuEngine}: tests pass {@code Runnable::run} so that jobs run on the submitting
     * thread and hang timeouts on the thread advancing a virtual clock, deterministically.
     */
    public static Booted kernelWithDevices(KernelConfig config, BufferAllocator allocator, Executor gpuEngine) {
        return kernelWithDevices(config, allocator, new UvGpuDriver(config.clock(), gpuEngine));
    }

    private static Booted kernelWithDevices(KernelConfig config, BufferAllocator allocator, UvGpuDriver gpuDriver) {
        Objects.requireNonNull(allocator, "allocator");
        Kernel kernel = new Kernel(config);
        DmaBufRegistry dmaBufs = new DmaBufRegistry(config.clock());
        VgemDriver driver = new VgemDriver(config.clock(), config.vgemFenceTimeout(), config.debugfs());
        DrmDevice vgem = new DrmDevice(driver, allocator, dmaBufs);
        SyncDebug syncDebug = new SyncDebug();
        SwSyncDevice swSync = new SwSyncDevice(config.clock(), syncDebug);
        kernel.register(CARD0, vgem.primary(), PathAccess.EVERYONE);
        kernel.register(RENDER_D128, vgem.render(), PathAccess.EVERYONE);
        VkmsDevice display = new VkmsDevice(config.clock(), DisplayMode.VGA_640X480_60, allocator, dmaBufs, 1);
        kernel.register(CARD1, display.drm().primary(), PathAccess.EVERYONE);
        kernel.register(DEV_NULL, DevNull.INSTANCE, PathAccess.EVERYONE);
        kernel.register(SW_SYNC, swSync, PathAccess.ADMIN_DEBUGFS);
        kernel.register(BUFINFO, new DebugfsText(dmaBufs::bufinfo), PathAccess.ADMIN_DEBUGFS);
        kernel.register(SYNC_INFO, new DebugfsText(syncDebug::info), PathAccess.ADMIN_DEBUGFS);
        kernel.register(
                UVGEM_BUFFERS,
                new DebugfsText(() -> BufferListing.render(kernel, vgem, dmaBufs)),
                PathAccess.ADMIN_DEBUGFS);
        kernel.register(
                UVGEM_FENCES,
                new DebugfsText(() -> FenceListing.render(kernel, vgem, syncDebug)),
                PathAccess.ADMIN_DEBUGFS);
        kernel.register(STUCK_FENCES, new DebugfsText(driver.watchdog()::report), PathAccess.ADMIN_DEBUGFS);
        DrmDevice gpu = new DrmDevice(gpuDriver, allocator, dmaBufs, UVGPU_INDEX);
        kernel.register(CARD2, gpu.primary(), PathAccess.EVERYONE);
        kernel.register(RENDER_D130, gpu.render(), PathAccess.EVERYONE);
        return new Booted(kernel, new Devices(vgem, dmaBufs, swSync, syncDebug, gpu, display));
    }
}
