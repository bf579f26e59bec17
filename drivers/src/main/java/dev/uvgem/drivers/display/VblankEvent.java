package dev.uvgem.drivers.display;

import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmPendingEvent;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;

/**
 * A VBLANK event queued by WAIT_VBLANK with {@code _DRM_VBLANK_EVENT}, as {@code struct drm_pending_vblank_event}:
 * sent when the CRTC's counter reaches its target sequence.
 *
 * <p>Thread-safety: immutable; sent once, by the vblank handler or at once when the target has passed.
 *
 * @param file the file that asked for it
 * @param event the reserved event
 * @param target the vblank sequence it waits for
 * @param userData the request's {@code signal} field
 * @param crtcId the CRTC's id
 */
record VblankEvent(DrmFile file, DrmPendingEvent event, long target, long userData, int crtcId) {
    /**
     * Sends the event for vblank {@code sequence} at {@code timestamp}.
     *
     * <p>Context: any thread. Locking: takes the file's event-queue lock briefly.
     */
    void send(long sequence, long timestamp) {
        event.send(
                DrmEventVblank.of(DrmMode.EVENT_VBLANK, userData, timestamp, sequence, crtcId)
                        .toBytes(),
                timestamp);
    }
}
