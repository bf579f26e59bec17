package dev.uvgem.core.fence;

/**
 * Ops that only name the driver and the timeline: plain software fences and stubs.
 *
 * <p>Thread-safety: immutable.
 */
record NamedFenceOps(String driver, String timeline) implements FenceOps {
    @Override
    public String driverName(Fence fence) {
        return driver;
    }

    @Override
    public String timelineName(Fence fence) {
        return timeline;
    }
}
