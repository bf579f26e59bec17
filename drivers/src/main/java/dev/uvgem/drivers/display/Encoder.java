package dev.uvgem.drivers.display;

import dev.uvgem.uapi.DrmMode;

/**
 * The virtual encoder between the CRTC and the connector, as vkms's {@code drm_encoder} of type virtual.
 *
 * <p>Thread-safety: immutable once the device is built.
 */
public final class Encoder extends ModeObject {
    private final Crtc crtc;

    Encoder(int id, Crtc crtc) {
        super(id, DrmMode.OBJECT_ENCODER);
        this.crtc = crtc;
    }

    /** Returns the CRTC it is driven by. */
    public Crtc crtc() {
        return crtc;
    }

    /** Returns the mask of CRTC indices it can be driven by. */
    public int possibleCrtcs() {
        return 1 << crtc.index();
    }
}
