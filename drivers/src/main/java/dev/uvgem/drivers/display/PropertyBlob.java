package dev.uvgem.drivers.display;

import dev.uvgem.uapi.DrmMode;

/**
 * A property blob, as {@code struct drm_property_blob}: immutable bytes with an id, here the CRTC's mode (the
 * value of its MODE_ID property).
 *
 * <p>Thread-safety: immutable.
 */
public final class PropertyBlob extends ModeObject {
    private final byte[] data;

    PropertyBlob(int id, byte[] data) {
        super(id, DrmMode.OBJECT_BLOB);
        this.data = data.clone();
    }

    /** Returns a copy of the bytes. */
    public byte[] data() {
        return data.clone();
    }
}
