package dev.uvgem.drivers.display;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.dmabuf.DmaBufRegistry;
import dev.uvgem.core.time.Clock;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.drm.DrmFile;
import java.util.Objects;

/**
 * The virtual display device, as {@code struct vkms_device}: a DRM device (primary node only) whose mode objects
 * are one connector, encoder, CRTC and primary plane ({@code vkms_output}), with its vblank timer on the kernel
 * clock and a capture of every presented frame.
 *
 * <p>Clients reach it through its node ({@code /dev/dri/card1} in a booted kernel): they PRIME-import dma-bufs
 * (from vgem) as GEM handles, add framebuffers on them, and flip them with PAGE_FLIP or ATOMIC. Java code watching
 * the screen registers a {@link PresentListener} ({@link #onPresent}) or reads {@link #lastFrame()}.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: see {@link Crtc} and {@link ModeConfig}.
 */
public final class VkmsDevice {
    private final DrmDevice drm;
    private final ModeConfig config = new ModeConfig();
    private final Plane plane;
    private final Crtc crtc;
    private final Encoder encoder;
    private final Connector connector;

    /**
     * Creates the display with {@code mode} (whose frame duration is the vblank period), DRM node {@code
     * card<index>}.
     *
     * @param clock the kernel clock the vblank timer runs on
     * @param allocator where its (imported) GEM objects' memory comes from
     * @param dmaBufs the kernel's dma-buf list
     */
    public VkmsDevice(Clock clock, DisplayMode mode, BufferAllocator allocator, DmaBufRegistry dmaBufs, int index) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(mode, "mode");
        this.plane = config.newPlane();
        this.crtc = config.newCrtc(clock, mode, plane);
        this.encoder = config.newEncoder(crtc);
        this.connector = config.newConnector(encoder);
        this.drm = new DrmDevice(new VkmsDriver(this), allocator, dmaBufs, index);
        KmsIoctls.install(drm);
    }

    /** Returns the DRM device (its primary node is the display's device file). */
    public DrmDevice drm() {
        return drm;
    }

    /** Returns the CRTC. */
    public Crtc crtc() {
        return crtc;
    }

    /** Returns the primary plane. */
    public Plane plane() {
        return plane;
    }

    /** Returns the encoder. */
    public Encoder encoder() {
        return encoder;
    }

    /** Returns the connector. */
    public Connector connector() {
        return connector;
    }

    /** Returns the mode the display runs. */
    public DisplayMode mode() {
        return crtc.mode();
    }

    ModeConfig config() {
        return config;
    }

    /**
     * Registers {@code listener} to be told about every presented frame.
     *
     * <p>Context: any thread. Locking: none.
     *
     * @return {@code listener}, for {@link #removePresentListener}
     */
    public PresentListener onPresent(PresentListener listener) {
        crtc.addListener(Objects.requireNonNull(listener, "listener"));
        return listener;
    }

    /** Unregisters {@code listener}. Context: any thread. Locking: none. */
    public void removePresentListener(PresentListener listener) {
        crtc.removeListener(listener);
    }

    /** Returns the capture of the last presented frame (with its pixels), or null before the first flip. */
    public FrameCapture lastFrame() {
        return crtc.lastFrame();
    }

    /**
     * Composes what the CRTC shows now (the current primary-plane state over black), for a picture between flips.
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock briefly; reads the framebuffer without it.
     */
    public Scanout scanout() {
        return crtc.composeCurrent();
    }

    /** Releases {@code file}'s vblank events and framebuffers at its close. */
    void releaseFile(DrmFile file) {
        crtc.dropVblankEvents(file);
        for (Framebuffer fb : config.removeAllFbs(file)) {
            crtc.disablePlaneUsing(fb);
            fb.release();
        }
    }
}
