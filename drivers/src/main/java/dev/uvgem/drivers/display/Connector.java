package dev.uvgem.drivers.display;

import dev.uvgem.uapi.DrmMode;
import java.util.List;

/**
 * The virtual connector, as vkms's {@code drm_connector} of type virtual: always connected, with the one mode of
 * the CRTC (preferred), routed through the encoder to the CRTC.
 *
 * <p>Thread-safety: immutable once the device is built.
 */
public final class Connector extends ModeObject {
    private final ModeConfig config;
    private final Encoder encoder;

    Connector(int id, ModeConfig config, Encoder encoder) {
        super(id, DrmMode.OBJECT_CONNECTOR);
        this.config = config;
        this.encoder = encoder;
    }

    /** Returns its encoder. */
    public Encoder encoder() {
        return encoder;
    }

    /** Returns the modes it offers: the CRTC's one mode. */
    public List<DisplayMode> modes() {
        return List.of(encoder.crtc().mode());
    }

    @Override
    public List<Property> properties() {
        return List.of(config.edid, config.dpms, config.crtcId);
    }

    /** No EDID (0), DPMS on (0), on the CRTC. */
    @Override
    public long propertyValue(Property property) {
        if (property == config.edid || property == config.dpms) {
            return 0;
        }
        if (property == config.crtcId) {
            return encoder.crtc().id();
        }
        return super.propertyValue(property);
    }
}
