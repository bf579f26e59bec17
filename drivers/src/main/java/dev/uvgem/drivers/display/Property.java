package dev.uvgem.drivers.display;

import dev.uvgem.uapi.DrmMode;
import java.util.List;

/**
 * A KMS property, as {@code struct drm_property}: a named, typed knob of mode objects (range, signed range, enum,
 * blob or object id) with its flags. The values of a range are its bounds, of an object property the object
 * type; an enum lists its entries.
 *
 * <p>Thread-safety: immutable.
 */
public final class Property {
    /**
     * One entry of an enum property, as {@code struct drm_property_enum}.
     *
     * <p>Thread-safety: immutable.
     *
     * @param value the value userspace sets
     * @param name the entry's name, e.g. "Primary"
     */
    public record EnumEntry(long value, String name) {}

    private final int id;
    private final String name;
    private final int flags;
    private final long[] values;
    private final List<EnumEntry> enums;

    Property(int id, String name, int flags, long[] values, List<EnumEntry> enums) {
        this.id = id;
        this.name = name;
        this.flags = flags;
        this.values = values.clone();
        this.enums = List.copyOf(enums);
    }

    /** Returns the property's object id. */
    public int id() {
        return id;
    }

    /** Returns the name, e.g. "FB_ID". */
    public String name() {
        return name;
    }

    /** Returns the DRM_MODE_PROP_* flags and type. */
    public int flags() {
        return flags;
    }

    /** Returns the values userspace sees: range bounds, enum values or the object type. */
    public long[] values() {
        return values.clone();
    }

    /** Returns the enum entries (empty unless an enum). */
    public List<EnumEntry> enums() {
        return enums;
    }

    /** Returns whether only atomic clients see it. */
    public boolean isAtomic() {
        return (flags & DrmMode.PROP_ATOMIC) != 0;
    }

    private boolean isType(int type) {
        int legacy = flags & (DrmMode.PROP_RANGE | DrmMode.PROP_ENUM | DrmMode.PROP_BLOB | DrmMode.PROP_BITMASK);
        return legacy == type || (flags & DrmMode.PROP_EXTENDED_TYPE) == type;
    }

    /** Returns whether it is an enum. */
    public boolean isEnum() {
        return isType(DrmMode.PROP_ENUM);
    }

    /** Returns whether it is a blob property. */
    public boolean isBlob() {
        return isType(DrmMode.PROP_BLOB);
    }

    /** Returns whether it names a mode object. */
    public boolean isObject() {
        return isType(DrmMode.PROP_OBJECT);
    }

    /**
     * Returns whether userspace may set {@code value}, as the value part of {@code drm_property_change_valid_get}:
     * never for an immutable property; within the bounds of a range (unsigned) or signed range; one of an enum's
     * values. Object and blob ids are checked by the caller against the objects that exist.
     */
    public boolean acceptsValue(long value) {
        if ((flags & DrmMode.PROP_IMMUTABLE) != 0) {
            return false;
        }
        if (isType(DrmMode.PROP_RANGE)) {
            return Long.compareUnsigned(value, values[0]) >= 0 && Long.compareUnsigned(value, values[1]) <= 0;
        }
        if (isType(DrmMode.PROP_SIGNED_RANGE)) {
            return value >= values[0] && value <= values[1];
        }
        if (isEnum()) {
            return enums.stream().anyMatch(e -> e.value() == value);
        }
        return true;
    }

    @Override
    public String toString() {
        return "property[" + id + ":" + name + "]";
    }
}
