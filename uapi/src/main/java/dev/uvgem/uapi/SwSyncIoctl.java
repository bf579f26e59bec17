package dev.uvgem.uapi;

/**
 * The sw_sync uAPI: the ioctls of a {@code /sys/kernel/debug/sync/sw_sync} timeline fd. The kernel declares them
 * inside {@code drivers/dma-buf/sw_sync.c}, not in a uAPI header; test suites copy the definitions.
 *
 * <p>Thread-safety: constants only.
 */
public final class SwSyncIoctl {
    /** The ioctl type byte, {@code SW_SYNC_IOC_MAGIC}. */
    public static final int MAGIC = 'W';
    /** {@code SW_SYNC_IOC_CREATE_FENCE} = 0xC0285700: a sync_file for a point ({@link SwSyncCreateFenceData}). */
    public static final int CREATE_FENCE = Ioc.iowr(MAGIC, 0, SwSyncCreateFenceData.SIZE);
    /** {@code SW_SYNC_IOC_INC} = 0x40045701: advance the timeline by a u32. */
    public static final int INC = Ioc.iow(MAGIC, 1, 4);
    /** {@code SW_SYNC_GET_DEADLINE} = 0xC0105702: a point's earliest deadline ({@link SwSyncGetDeadline}). */
    public static final int GET_DEADLINE = Ioc.iowr(MAGIC, 2, SwSyncGetDeadline.SIZE);

    private SwSyncIoctl() {}
}
