package dev.uvgem.drivers.display;

import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.uapi.DrmMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device's mode configuration, as {@code struct drm_mode_config}: the one id space of every mode object (the
 * kernel's object idr: properties first, then the plane, CRTC, encoder and connector, then blobs and framebuffers
 * as they come), the standard properties, the framebuffer size limits, and each file's framebuffers.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the monitor guards the id space and the framebuffer lists
 * (the kernel's {@code idr_mutex} and {@code fbs_lock}).
 */
final class ModeConfig {
    /** Smallest framebuffer width and height, as vkms's {@code XRES_MIN}/{@code YRES_MIN}. */
    static final int MIN_SIZE = 20;
    /** Largest framebuffer width and height, as vkms's {@code XRES_MAX}/{@code YRES_MAX}. */
    static final int MAX_SIZE = 8192;

    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final long INT_MAX = Integer.MAX_VALUE;

    private final Map<Integer, ModeObject> objects = new LinkedHashMap<>();
    private final Map<DrmFile, List<Framebuffer>> fbs = new LinkedHashMap<>();
    private int nextId = 1;

    final Property planeType = enumProperty(
            "type",
            DrmMode.PROP_IMMUTABLE,
            List.of(
                    new Property.EnumEntry(0, "Overlay"),
                    new Property.EnumEntry(DrmMode.PLANE_TYPE_PRIMARY, "Primary"),
                    new Property.EnumEntry(2, "Cursor")));
    final Property srcX = range("SRC_X", DrmMode.PROP_ATOMIC, 0, U32_MAX);
    final Property srcY = range("SRC_Y", DrmMode.PROP_ATOMIC, 0, U32_MAX);
    final Property srcW = range("SRC_W", DrmMode.PROP_ATOMIC, 0, U32_MAX);
    final Property srcH = range("SRC_H", DrmMode.PROP_ATOMIC, 0, U32_MAX);
    final Property crtcX = signedRange("CRTC_X", Integer.MIN_VALUE, INT_MAX);
    final Property crtcY = signedRange("CRTC_Y", Integer.MIN_VALUE, INT_MAX);
    final Property crtcW = range("CRTC_W", DrmMode.PROP_ATOMIC, 0, INT_MAX);
    final Property crtcH = range("CRTC_H", DrmMode.PROP_ATOMIC, 0, INT_MAX);
    final Property fbId = objectProperty("FB_ID", DrmMode.OBJECT_FB);
    final Property inFenceFd = signedRange("IN_FENCE_FD", -1, INT_MAX);
    final Property crtcId = objectProperty("CRTC_ID", DrmMode.OBJECT_CRTC);
    final Property outFencePtr = range("OUT_FENCE_PTR", DrmMode.PROP_ATOMIC, 0, -1L);
    final Property active = range("ACTIVE", DrmMode.PROP_ATOMIC, 0, 1);
    final Property modeId =
            add(new Property(allocateId(), "MODE_ID", DrmMode.PROP_ATOMIC | DrmMode.PROP_BLOB, new long[0], List.of()));
    final Property edid =
            add(new Property(allocateId(), "EDID", DrmMode.PROP_BLOB | DrmMode.PROP_IMMUTABLE, new long[0], List.of()));
    final Property dpms = enumProperty(
            "DPMS",
            0,
            List.of(
                    new Property.EnumEntry(0, "On"),
                    new Property.EnumEntry(1, "Standby"),
                    new Property.EnumEntry(2, "Suspend"),
                    new Property.EnumEntry(3, "Off")));

    private synchronized int allocateId() {
        return nextId++;
    }

    private synchronized <T extends ModeObject> T register(T object) {
        objects.put(object.id(), object);
        return object;
    }

    private Property add(Property p) {
        synchronized (this) {
            objects.put(p.id(), new PropertyObject(p));
        }
        return p;
    }

    private Property range(String name, int flags, long min, long max) {
        return add(new Property(allocateId(), name, flags | DrmMode.PROP_RANGE, new long[] {min, max}, List.of()));
    }

    private Property signedRange(String name, long min, long max) {
        return add(new Property(
                allocateId(), name, DrmMode.PROP_ATOMIC | DrmMode.PROP_SIGNED_RANGE, new long[] {min, max}, List.of()));
    }

    private Property objectProperty(String name, int type) {
        return add(new Property(
                allocateId(), name, DrmMode.PROP_ATOMIC | DrmMode.PROP_OBJECT, new long[] {type & U32_MAX}, List.of()));
    }

    private Property enumProperty(String name, int flags, List<Property.EnumEntry> entries) {
        long[] values = entries.stream().mapToLong(Property.EnumEntry::value).toArray();
        return add(new Property(allocateId(), name, flags | DrmMode.PROP_ENUM, values, entries));
    }

    /** A property as an entry of the id space. */
    static final class PropertyObject extends ModeObject {
        final Property property;

        PropertyObject(Property property) {
            super(property.id(), DrmMode.OBJECT_PROPERTY);
            this.property = property;
        }
    }

    /** Creates the plane and registers it. */
    Plane newPlane() {
        return register(new Plane(allocateId(), this));
    }

    /** Creates the CRTC for {@code mode} and registers it with its mode blob. */
    Crtc newCrtc(dev.uvgem.core.time.Clock clock, DisplayMode mode, Plane primary) {
        int id = allocateId();
        PropertyBlob blob =
                register(new PropertyBlob(allocateId(), mode.toModeInfo().toBytes()));
        Crtc crtc = register(new Crtc(id, clock, mode, blob, this, primary));
        primary.attach(crtc);
        return crtc;
    }

    /** Creates the encoder and registers it. */
    Encoder newEncoder(Crtc crtc) {
        return register(new Encoder(allocateId(), crtc));
    }

    /** Creates the connector and registers it. */
    Connector newConnector(Encoder encoder) {
        return register(new Connector(allocateId(), this, encoder));
    }

    /**
     * Returns the object {@code id} if it exists and has {@code type} ({@link DrmMode#OBJECT_ANY} for any), else
     * null, as {@code drm_mode_object_find}.
     *
     * <p>Context: any thread. Locking: takes the monitor briefly.
     */
    synchronized ModeObject find(int id, int type) {
        ModeObject o = objects.get(id);
        if (o == null || (type != DrmMode.OBJECT_ANY && o.type() != type)) {
            return null;
        }
        return o;
    }

    /** Returns property {@code id}, or null, as {@code drm_property_find}. */
    Property findProperty(int id) {
        return find(id, DrmMode.OBJECT_PROPERTY) instanceof PropertyObject po ? po.property : null;
    }

    /**
     * Returns framebuffer {@code id} with a user reference the caller must release, or null, as {@code
     * drm_framebuffer_lookup}.
     *
     * <p>Context: any thread. Locking: takes the monitor briefly, then the framebuffer's.
     */
    synchronized Framebuffer lookupFb(int id) {
        return find(id, DrmMode.OBJECT_FB) instanceof Framebuffer fb ? fb.get() : null;
    }

    /**
     * Registers a new framebuffer made by {@code factory} with the next id, on its file's list, as the end of
     * {@code drm_mode_addfb2}. The registry holds the framebuffer's first user reference.
     *
     * <p>Context: any thread. Locking: takes the monitor.
     */
    synchronized Framebuffer addFb(DrmFile file, java.util.function.IntFunction<Framebuffer> factory) {
        Framebuffer fb = register(factory.apply(allocateId()));
        fbs.computeIfAbsent(file, f -> new ArrayList<>()).add(fb);
        return fb;
    }

    /**
     * Unregisters {@code file}'s framebuffer {@code id}, as RMFB: returns it (the registry's reference now the
     * caller's), or null if it is not a framebuffer of that file.
     *
     * <p>Context: any thread. Locking: takes the monitor.
     */
    synchronized Framebuffer removeFb(DrmFile file, int id) {
        List<Framebuffer> list = fbs.get(file);
        if (!(find(id, DrmMode.OBJECT_FB) instanceof Framebuffer fb) || list == null || !list.remove(fb)) {
            return null;
        }
        objects.remove(id);
        return fb;
    }

    /**
     * Unregisters every framebuffer of {@code file}, as {@code drm_fb_release}, and returns them (the registry's
     * references now the caller's).
     *
     * <p>Context: any thread. Locking: takes the monitor.
     */
    synchronized List<Framebuffer> removeAllFbs(DrmFile file) {
        List<Framebuffer> list = fbs.remove(file);
        if (list == null) {
            return List.of();
        }
        for (Framebuffer fb : list) {
            objects.remove(fb.id());
        }
        return list;
    }

    /**
     * Returns the ids of {@code file}'s framebuffers in creation order.
     *
     * <p>Context: any thread. Locking: takes the monitor briefly.
     */
    synchronized List<Integer> fbIds(DrmFile file) {
        return fbs.getOrDefault(file, List.of()).stream().map(ModeObject::id).toList();
    }
}
