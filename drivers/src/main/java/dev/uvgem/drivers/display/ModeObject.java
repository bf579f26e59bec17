package dev.uvgem.drivers.display;

import java.util.List;

/**
 * A KMS mode object, as {@code struct drm_mode_object}: an id in the device's one id space and a type; objects
 * userspace can set properties on (CRTC, connector, plane) list them with their current values.
 *
 * <p>Thread-safety: the id and type are immutable; subclasses say how their state is guarded.
 */
public abstract class ModeObject {
    private final int id;
    private final int type;

    ModeObject(int id, int type) {
        this.id = id;
        this.type = type;
    }

    /** Returns the object id. */
    public final int id() {
        return id;
    }

    /** Returns the DRM_MODE_OBJECT_* type. */
    public final int type() {
        return type;
    }

    /** Returns the properties attached to the object, in attachment order; empty for objects without any. */
    public List<Property> properties() {
        return List.of();
    }

    /**
     * Returns the current value of {@code property} of this object.
     *
     * <p>Context: any thread. Locking: whatever guards the object's current state, briefly.
     */
    public long propertyValue(Property property) {
        throw new IllegalArgumentException(property + " is not a property of " + this);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + id + "]";
    }
}
