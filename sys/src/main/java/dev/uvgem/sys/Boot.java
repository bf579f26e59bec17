package dev.uvgem.sys;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.dmabuf.DmaBufRegistry;
import dev.uvgem.core.swsync.SwSyncDevice;
import dev.uvgem.core.swsync.SyncDebug;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.vgem.VgemDriver;
import java.util.Objects;

/**
 * Boots a uvgem kernel with the contract's path table: the vGEM device's primary and render nodes, the sw_sync
 * debugfs file and the three debugfs texts.
 *
 * <table>
 * <caption>Paths</caption>
 * <tr><th>path</th><th>what</th><th>who may open</th></tr>
 * <tr><td>/dev/dri/card0</td><td>vgem, primary node</td><td>everyone</td></tr>
 * <tr><td>/dev/dri/renderD128</td><td>vgem, render node</td><td>everyone</td></tr>
 * <tr><td>/sys/kernel/debug/sync/sw_sync</td><td>a new sw_sync timeline per open</td><td>admin, with debugfs</td></tr>
 * <tr><td>/sys/kernel/debug/dma_buf/bufinfo</td><td>every dma-buf with its fences</td><td>admin, with debugfs</td></tr>
 * <tr><td>/sys/kernel/debug/sync/info</td><td>every sw_sync timeline with its points</td><td>admin, with debugfs</td></tr>
 * <tr><td>/sys/kernel/debug/uvgem/stuck_fences</td><td>vgem fences unsignalled past the watchdog threshold, with
 * creator and waiters</td><td>admin, with debugfs</td></tr>
 * </table>
 *
 * <p>Thread-safety: stateless.
 */
public final class Boot {
    /** The vGEM primary node. */
    public static final String CARD0 = "/dev/dri/card0";
    /** The vGEM render node. */
    public static final String RENDER_D128 = "/dev/dri/renderD128";
    /** The sw_sync timeline file. */
    public static final String SW_SYNC = "/sys/kernel/debug/sync/sw_sync";
    /** The dma-buf debug text. */
    public static final String BUFINFO = "/sys/kernel/debug/dma_buf/bufinfo";
    /** The sync debug text. */
    public static final String SYNC_INFO = "/sys/kernel/debug/sync/info";
    /** The stuck vgem fences with their creators and waiters (a uvgem file, not in Linux). */
    public static final String STUCK_FENCES = "/sys/kernel/debug/uvgem/stuck_fences";

    private Boot() {}

    /**
     * The devices of a booted kernel, for introspection (leak checks, debug listings).
     *
     * @param vgem the vGEM DRM device
     * @param dmaBufs every live dma-buf
     * @param swSync the sw_sync device
     * @param syncDebug every live sw_sync timeline
     */
    public record Devices(DrmDevice vgem, DmaBufRegistry dmaBufs, SwSyncDevice swSync, SyncDebug syncDebug) {}

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
        Objects.requireNonNull(allocator, "allocator");
        Kernel kernel = new Kernel(config);
        DmaBufRegistry dmaBufs = new DmaBufRegistry(config.clock());
        VgemDriver driver = new VgemDriver(config.clock(), config.vgemFenceTimeout(), config.debugfs());
        DrmDevice vgem = new DrmDevice(driver, allocator, dmaBufs);
        SyncDebug syncDebug = new SyncDebug();
        SwSyncDevice swSync = new SwSyncDevice(config.clock(), syncDebug);
        kernel.register(CARD0, vgem.primary(), PathAccess.EVERYONE);
        kernel.register(RENDER_D128, vgem.render(), PathAccess.EVERYONE);
        kernel.register(SW_SYNC, swSync, PathAccess.ADMIN_DEBUGFS);
        kernel.register(BUFINFO, new DebugfsText(dmaBufs::bufinfo), PathAccess.ADMIN_DEBUGFS);
        kernel.register(SYNC_INFO, new DebugfsText(syncDebug::info), PathAccess.ADMIN_DEBUGFS);
        kernel.register(STUCK_FENCES, new DebugfsText(driver.watchdog()::report), PathAccess.ADMIN_DEBUGFS);
        return new Booted(kernel, new Devices(vgem, dmaBufs, swSync, syncDebug));
    }
}
