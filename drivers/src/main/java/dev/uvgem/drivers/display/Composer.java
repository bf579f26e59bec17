package dev.uvgem.drivers.display;

import dev.uvgem.uapi.DrmMode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32;

/**
 * The composer, as {@code vkms_composer.c}: blends the primary plane's framebuffer over a black CRTC-sized
 * output and computes its CRC.
 *
 * <p>Thread-safety: stateless.
 */
final class Composer {
    private static final int BPP = 4;

    private Composer() {}

    /**
     * Composes the output of {@code state} for {@code mode} and captures it as frame {@code sequence}.
     *
     * <p>Context: the vblank handler; reads the framebuffer's memory without any lock (a producer writing into a
     * buffer it is showing races, as on hardware). Locking: none.
     */
    static FrameCapture capture(PlaneState state, DisplayMode mode, long sequence, long timestamp, int fenceError) {
        Scanout out = compose(state, mode);
        CRC32 crc = new CRC32();
        crc.update(out.rawBytes());
        int fbId = state.fb() == null ? 0 : state.fb().id();
        return new FrameCapture(sequence, timestamp, fbId, crc.getValue(), fenceError, out);
    }

    /** The primary plane covers the CRTC one to one (checked at commit); black where there is no plane. */
    static Scanout compose(PlaneState state, DisplayMode mode) {
        int w = mode.hdisplay();
        int h = mode.vdisplay();
        byte[] out = new byte[w * h * BPP];
        Framebuffer fb = state.fb();
        if (fb != null) {
            MemorySegment pixels = fb.pixels();
            long sx = state.srcX() >>> 16;
            long sy = state.srcY() >>> 16;
            int rowBytes = w * BPP;
            for (int y = 0; y < h; y++) {
                long from = fb.offset() + (sy + y) * fb.pitch() + sx * BPP;
                MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, from, out, y * rowBytes, rowBytes);
            }
            boolean alpha = fb.format() == DrmMode.FORMAT_ARGB8888;
            for (int i = 0; i < out.length; i += BPP) {
                if (alpha) {
                    int a = out[i + 3] & 0xff;
                    out[i] = (byte) ((out[i] & 0xff) * a / 255);
                    out[i + 1] = (byte) ((out[i + 1] & 0xff) * a / 255);
                    out[i + 2] = (byte) ((out[i + 2] & 0xff) * a / 255);
                }
                out[i + 3] = (byte) 0xff;
            }
        } else {
            for (int i = 3; i < out.length; i += BPP) {
                out[i] = (byte) 0xff;
            }
        }
        return new Scanout(w, h, out);
    }
}
