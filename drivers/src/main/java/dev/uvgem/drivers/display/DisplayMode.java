package dev.uvgem.drivers.display;

import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.ModeModeInfo;

/**
 * A display mode, as {@code struct drm_display_mode}: the visible size, the totals with blanking, the pixel clock
 * and the refresh rate derived from them; its frame duration is the vblank period.
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param name the mode's name, e.g. "640x480"
 * @param clockKhz pixel clock in kHz
 * @param hdisplay visible pixels per line
 * @param hsyncStart start of horizontal sync
 * @param hsyncEnd end of horizontal sync
 * @param htotal pixels per line with blanking
 * @param vdisplay visible lines
 * @param vsyncStart start of vertical sync
 * @param vsyncEnd end of vertical sync
 * @param vtotal lines per frame with blanking
 */
public record DisplayMode(
        String name,
        int clockKhz,
        int hdisplay,
        int hsyncStart,
        int hsyncEnd,
        int htotal,
        int vdisplay,
        int vsyncStart,
        int vsyncEnd,
        int vtotal) {
    /**
     * The default mode of the virtual display: the DMT 640x480 at 60 Hz (25.175 MHz, 800x525 totals: a frame of
     * 16.683 ms). Small, so that a frame's CRC and a captured picture are cheap.
     */
    public static final DisplayMode VGA_640X480_60 =
            new DisplayMode("640x480", 25_175, 640, 656, 752, 800, 480, 490, 492, 525);

    /** Checks the timings. */
    public DisplayMode {
        if (clockKhz <= 0 || hdisplay <= 0 || vdisplay <= 0 || htotal < hdisplay || vtotal < vdisplay) {
            throw new IllegalArgumentException("bad mode timings: " + name);
        }
    }

    /**
     * Returns a mode of {@code width x height} refreshing at {@code hz}, with no blanking (totals = visible size) and
     * the pixel clock that gives that rate: a way to configure the vblank period.
     */
    public static DisplayMode of(int width, int height, int hz) {
        if (hz <= 0) {
            throw new IllegalArgumentException("refresh must be positive: " + hz);
        }
        int clock = (int) Math.max(1, ((long) width * height * hz + 999) / 1000);
        return new DisplayMode(width + "x" + height, clock, width, width, width, width, height, height, height, height);
    }

    /** Returns the frame duration in nanoseconds, as {@code framedur_ns}: htotal * vtotal / clock. */
    public long frameDurationNanos() {
        return (long) htotal * vtotal * 1_000_000L / clockKhz;
    }

    /** Returns the refresh rate in Hz, rounded, as {@code drm_mode_vrefresh}. */
    public int refreshHz() {
        long num = (long) clockKhz * 1000;
        long den = (long) htotal * vtotal;
        return (int) ((num + den / 2) / den);
    }

    /** Returns the mode as userspace sees it: driver-made and preferred, negative syncs. */
    public ModeModeInfo toModeInfo() {
        return new ModeModeInfo(
                clockKhz,
                hdisplay,
                hsyncStart,
                hsyncEnd,
                htotal,
                0,
                vdisplay,
                vsyncStart,
                vsyncEnd,
                vtotal,
                0,
                refreshHz(),
                DrmMode.MODE_FLAG_NHSYNC | DrmMode.MODE_FLAG_NVSYNC,
                DrmMode.MODE_TYPE_DRIVER | DrmMode.MODE_TYPE_PREFERRED,
                name);
    }
}
