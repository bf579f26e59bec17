/** The DRM core and the vGEM driver, on top of the dma-buf fence machinery. */
module dev.uvgem.drivers {
    requires transitive dev.uvgem.core;

    exports dev.uvgem.drivers.display;
    exports dev.uvgem.drivers.drm;
    exports dev.uvgem.drivers.gpu;
    exports dev.uvgem.drivers.sched;
    exports dev.uvgem.drivers.vgem;
}
