package dev.uvgem.uapi;

/**
 * The dma-buf uAPI ({@code include/uapi/linux/dma-buf.h}): ioctl codes of type {@code 'b'} on a dma-buf fd and
 * their flags.
 *
 * <p>Thread-safety: constants only.
 */
public final class DmaBufIoctl {
    /** The dma-buf ioctl type byte, {@code DMA_BUF_BASE} = 'b'. */
    public static final int BASE = 'b';

    /** SYNC flag: the CPU reads. */
    public static final long SYNC_READ = 1 << 0;
    /** SYNC flag: the CPU writes. */
    public static final long SYNC_WRITE = 2 << 0;
    /** SYNC flag: the CPU reads and writes. */
    public static final long SYNC_RW = SYNC_READ | SYNC_WRITE;
    /** SYNC flag: start of CPU access (the zero value). */
    public static final long SYNC_START = 0 << 2;
    /** SYNC flag: end of CPU access. */
    public static final long SYNC_END = 1 << 2;
    /** Every valid SYNC flag bit. */
    public static final long SYNC_VALID_FLAGS_MASK = SYNC_RW | SYNC_END;

    /** Longest name including its NUL, {@code DMA_BUF_NAME_LEN}. */
    public static final int NAME_LEN = 32;

    /** {@code DMA_BUF_IOCTL_SYNC} = 0x40086200. */
    public static final int IOCTL_SYNC = Ioc.iow(BASE, 0, DmaBufSync.SIZE);
    /** {@code DMA_BUF_SET_NAME_A} = 0x40046201 (the 32-bit pointer encoding). */
    public static final int SET_NAME_A = Ioc.iow(BASE, 1, 4);
    /** {@code DMA_BUF_SET_NAME_B} = 0x40086201 (the 64-bit pointer encoding, = DMA_BUF_SET_NAME on x86-64). */
    public static final int SET_NAME_B = Ioc.iow(BASE, 1, 8);
    /** {@code DMA_BUF_SET_NAME} on x86-64. */
    public static final int SET_NAME = SET_NAME_B;
    /** {@code DMA_BUF_IOCTL_EXPORT_SYNC_FILE} = 0xC0086202. */
    public static final int IOCTL_EXPORT_SYNC_FILE = Ioc.iowr(BASE, 2, DmaBufExportSyncFile.SIZE);
    /** {@code DMA_BUF_IOCTL_IMPORT_SYNC_FILE} = 0x40086203. */
    public static final int IOCTL_IMPORT_SYNC_FILE = Ioc.iow(BASE, 3, DmaBufImportSyncFile.SIZE);

    private DmaBufIoctl() {}
}
