package dev.uvgem.uapi;

/**
 * The sync_file uAPI ({@code include/uapi/linux/sync_file.h}): the ioctls of a sync_file fd.
 *
 * <p>Magic {@code '>'}; numbers 0, 1 and 2 were used by an older interface and stay unused.
 *
 * <p>Thread-safety: constants only.
 */
public final class SyncIoctl {
    /** The ioctl type byte, {@code SYNC_IOC_MAGIC}. */
    public static final int MAGIC = '>';
    /** {@code SYNC_IOC_MERGE} = 0xC0303E03: merge two sync_files into a new one ({@link SyncMergeData}). */
    public static final int MERGE = Ioc.iowr(MAGIC, 3, SyncMergeData.SIZE);
    /** {@code SYNC_IOC_FILE_INFO} = 0xC0383E04: describe a sync_file and its fences ({@link SyncFileInfo}). */
    public static final int FILE_INFO = Ioc.iowr(MAGIC, 4, SyncFileInfo.SIZE);
    /** {@code SYNC_IOC_SET_DEADLINE} = 0x40103E05: hint a deadline to the fence ({@link SyncSetDeadline}). */
    public static final int SET_DEADLINE = Ioc.iow(MAGIC, 5, SyncSetDeadline.SIZE);

    /** Size of the fixed name fields ({@code char[32]}). */
    public static final int NAME_LEN = 32;

    /** FILE_INFO status of a signalled fence. */
    public static final int STATUS_SIGNALED = 1;
    /** FILE_INFO status of a fence not yet signalled. */
    public static final int STATUS_ACTIVE = 0;

    private SyncIoctl() {}
}
