package dev.uvgem.drivers.display;

import dev.uvgem.core.trace.TraceEvent;
import dev.uvgem.core.trace.TraceSink;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import java.util.Map;

/**
 * The tracepoints of one CRTC, as the vblank and flip events of {@code drm_vblank} and vkms: an instant per
 * vblank the handler runs for ({@code crtc-N vblank}), a slice per commit from its queueing to its flip-complete
 * ({@code crtc-N flips}), and a slice per presented frame from its flip until the next flip or the plane's
 * disabling replaces it ({@code crtc-N scanout}), all in the {@code display} group.
 *
 * <p>Each method checks {@link Tracepoints#sink()} first and builds its event only if a sink is attached: tracing
 * off costs one volatile read and allocates nothing.
 *
 * <p>Thread-safety: immutable; callable from any thread, never blocks (the sink's brief locking aside).
 */
final class DisplayTrace {
    private final Track vblank;
    private final Track flips;
    private final Track scanout;

    DisplayTrace(int crtcId) {
        this.vblank = new Track("display", "crtc-" + crtcId + " vblank");
        this.flips = new Track("display", "crtc-" + crtcId + " flips");
        this.scanout = new Track("display", "crtc-" + crtcId + " scanout");
    }

    /** Vblank {@code sequence} at {@code timestamp}. Context: the vblank handler. */
    void vblank(long sequence, long timestamp) {
        TraceSink sink = Tracepoints.sink();
        if (sink != null) {
            sink.emit(new TraceEvent.Instant(
                    timestamp, vblank, "vblank " + sequence, Map.of("vblank", Long.toString(sequence))));
        }
    }

    /**
     * A commit of framebuffer {@code fbId} (0: the plane off or left alone) queued at {@code queued} that flipped
     * at vblank {@code sequence}, {@code timestamp}, scanning out a frame of CRC {@code crc}.
     *
     * <p>Context: the vblank handler, after the flip.
     */
    void flip(long queued, long timestamp, int fbId, long userData, long sequence, long crc) {
        TraceSink sink = Tracepoints.sink();
        if (sink != null) {
            sink.emit(new TraceEvent.Slice(
                    queued,
                    timestamp,
                    flips,
                    "flip fb " + fbId,
                    Map.of(
                            "fb", Integer.toString(fbId),
                            "user_data", Long.toString(userData),
                            "vblank", Long.toString(sequence),
                            "crc", Long.toHexString(crc))));
        }
    }

    /**
     * Framebuffer {@code fbId}, flipped by a commit with {@code userData} at vblank {@code sequence}, was scanned
     * out from {@code since} until {@code until}.
     *
     * <p>Context: the vblank handler or the caller that disabled the plane.
     */
    void scanout(long since, long until, int fbId, long userData, long sequence) {
        TraceSink sink = Tracepoints.sink();
        if (sink != null) {
            sink.emit(new TraceEvent.Slice(
                    since,
                    until,
                    scanout,
                    "fb " + fbId,
                    Map.of(
                            "fb", Integer.toString(fbId),
                            "user_data", Long.toString(userData),
                            "vblank", Long.toString(sequence))));
        }
    }
}
