package dev.uvgem.uapi;

/**
 * The Linux ioctl request encoding on x86-64: {@code dir << 30 | size << 16 | type << 8 | nr}, with the
 * direction bits as seen from user space (write = user to kernel, read = kernel to user).
 *
 * <p>Thread-safety: stateless.
 */
public final class Ioc {
    /** No data transfer. */
    public static final int NONE = 0;
    /** User writes, kernel reads ({@code _IOW}). */
    public static final int WRITE = 1;
    /** Kernel writes, user reads ({@code _IOR}). */
    public static final int READ = 2;

    private Ioc() {}

    /** Encodes a request code, as {@code _IOC}. */
    public static int ioc(int dir, int type, int nr, int size) {
        return (dir << 30) | (size << 16) | (type << 8) | nr;
    }

    /** {@code _IO(type, nr)}. */
    public static int io(int type, int nr) {
        return ioc(NONE, type, nr, 0);
    }

    /** {@code _IOR(type, nr, size)}. */
    public static int ior(int type, int nr, int size) {
        return ioc(READ, type, nr, size);
    }

    /** {@code _IOW(type, nr, size)}. */
    public static int iow(int type, int nr, int size) {
        return ioc(WRITE, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}. */
    public static int iowr(int type, int nr, int size) {
        return ioc(READ | WRITE, type, nr, size);
    }

    /** {@code _IOC_DIR}: the direction bits. */
    public static int dir(int cmd) {
        return (cmd >>> 30) & 3;
    }

    /** {@code _IOC_TYPE}: the type (magic) byte. */
    public static int type(int cmd) {
        return (cmd >>> 8) & 0xff;
    }

    /** {@code _IOC_NR}: the number within the type. */
    public static int nr(int cmd) {
        return cmd & 0xff;
    }

    /** {@code _IOC_SIZE}: the argument size in bytes. */
    public static int size(int cmd) {
        return (cmd >>> 16) & 0x3fff;
    }
}
