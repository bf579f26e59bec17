/**
 * The dma-buf fence machinery of uvgem, the in-JVM equivalent of the kernel's {@code drivers/dma-buf}: clocks
 * and timers, fences and their containers, reservation objects, dma-bufs, sync files, sw_sync timelines and the
 * file abstractions they are reached through.
 */
module dev.uvgem.core {
    requires transitive dev.uvgem.uapi;

    exports dev.uvgem.core.time;
    exports dev.uvgem.core.trace;
    exports dev.uvgem.core.fence;
    exports dev.uvgem.core.fence.container;
    exports dev.uvgem.core.resv;
    exports dev.uvgem.core.dmabuf;
    exports dev.uvgem.core.syncfile;
    exports dev.uvgem.core.swsync;
    exports dev.uvgem.core.vfs;
    exports dev.uvgem.core.cgroup;
}
