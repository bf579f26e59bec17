package dev.uvgem.core.dmabuf;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.DmaBufSync;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;
import dev.uvgem.uapi.Seek;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A shared buffer, as {@code struct dma_buf}: an anonymous file with a size, the exporter's operations and
 * object, an optional user-set name, the reservation object whose fences order access to it, and its memory.
 *
 * <p>Lifetime: the buffer lives as long as its {@link OpenFile} does — every fd, every mapping and every importer
 * holds a file reference ({@link #get()} / {@link #put()}). When the last one
 * goes the buffer leaves its registry's list, the exporter's {@link DmaBufOps#release} drops the exporter's
 * object and the buffer's memory reference is dropped.
 *
 * <p>File operations: poll (implicit-fence readiness), lseek (size discovery), mmap and the dma-buf ioctls
 * SYNC, SET_NAME, EXPORT_SYNC_FILE and IMPORT_SYNC_FILE.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the name and the poll slots are guarded by the buffer's
 * monitor; attachments by the reservation lock; nothing is signalled or released while a lock is held, except
 * where noted.
 */
public final class DmaBuf {
    private static final FileOps FILE_OPS = new DmaBufFileOps();

    private final DmaBufRegistry registry;
    private final DmaBufOps ops;
    private final Object priv;
    private final long size;
    private final String exporterName;
    private final Reservation resv;
    private final BufferMemory memory;
    private final long inode;
    private final OpenFile file;
    private final WaitQueue pollQueue = new WaitQueue();
    private final PollCallback cbIn = new PollCallback(PollTable.POLLIN);
    private final PollCallback cbOut = new PollCallback(PollTable.POLLOUT);
    private final List<DmaBufAttachment> attachments = new ArrayList<>();
    private String name;
    private boolean released;

    private DmaBuf(DmaBufRegistry registry, DmaBufExportInfo info) {
        this.registry = registry;
        this.ops = info.ops();
        this.priv = info.priv();
        this.size = info.size();
        this.exporterName = info.exporterName();
        this.resv = info.resv() != null ? info.resv() : new Reservation();
        this.memory = info.memory().get();
        this.inode = registry.nextInode();
        this.file = new OpenFile(FILE_OPS, this, info.flags());
    }

    /**
     * Creates a dma-buf, as {@code dma_buf_export}, and lists it in {@code registry}. The buffer's file holds one
     * reference, owned by the caller (to be installed as an fd with {@link Task#install}, or dropped with {@link
     * #put()}).
     *
     * <p>Context: any thread, never blocks. Locking: takes the registry lock.
     */
    public static DmaBuf export(DmaBufRegistry registry, DmaBufExportInfo info) {
        DmaBuf buf = new DmaBuf(registry, info);
        registry.add(buf);
        return buf;
    }

    /** Returns whether {@code file} is a dma-buf. */
    public static boolean isDmaBufFile(OpenFile file) {
        return file.ops() == FILE_OPS;
    }

    /**
     * Returns the dma-buf behind {@code file}, without taking a reference.
     *
     * @throws ErrnoException EINVAL if the file is not a dma-buf
     */
    public static DmaBuf fromFile(OpenFile file) {
        if (!isDmaBufFile(file)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return (DmaBuf) file.privateData();
    }

    /**
     * Returns the dma-buf behind {@code fd} with a new reference the caller must {@link #put()}, as {@code
     * dma_buf_get}.
     *
     * <p>Context: the task's syscall, never blocks. Locking: none.
     *
     * @throws ErrnoException EBADF if {@code fd} is not open; EINVAL if it is not a dma-buf
     */
    public static DmaBuf get(Task task, int fd) {
        OpenFile f = task.file(fd);
        DmaBuf buf = fromFile(f);
        buf.get();
        return buf;
    }

    /**
     * Takes a reference to the buffer's file, as {@code get_dma_buf}. The caller must hold one already.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public DmaBuf get() {
        file.get();
        return this;
    }

    /**
     * Drops a reference, as {@code dma_buf_put}; the last one releases the buffer (unlists it, calls the
     * exporter's release, drops the memory).
     *
     * <p>Context: any thread; the release runs on it, so never from a fence callback. Locking: must not hold a
     * lock the release takes: reservation locks (releasing an importer detaches under them).
     */
    public void put() {
        file.put();
    }

    /**
     * Installs a new fd for the buffer in {@code task}, taking a new reference, as {@code dma_buf_fd}.
     *
     * <p>Context: the task's syscall. Locking: whatever the task's fd table takes.
     *
     * @param fdFlags O_CLOEXEC or 0
     * @throws ErrnoException EMFILE if the fd table is full
     */
    public int fd(Task task, int fdFlags) {
        return task.install(get().file, fdFlags);
    }

    /** Returns the buffer's file. */
    public OpenFile file() {
        return file;
    }

    /** Returns the size in bytes. */
    public long size() {
        return size;
    }

    /** Returns the exporter's name ({@code exp_name}). */
    public String exporterName() {
        return exporterName;
    }

    /** Returns the exporter's operations. */
    public DmaBufOps ops() {
        return ops;
    }

    /** Returns the exporter's object behind the buffer. */
    public Object priv() {
        return priv;
    }

    /** Returns the reservation object (shared with the exporter's object). */
    public Reservation resv() {
        return resv;
    }

    /** Returns the buffer's memory. */
    public BufferMemory memory() {
        return memory;
    }

    /** Returns the buffer's inode number, unique within its registry. */
    public long inode() {
        return inode;
    }

    /** Returns the registry listing the buffer. */
    public DmaBufRegistry registry() {
        return registry;
    }

    /** Returns the user-set name, or null if none. */
    public synchronized String name() {
        return name;
    }

    /**
     * Sets the name, replacing any previous one, as {@code dma_buf_set_name}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the buffer's monitor.
     *
     * @throws ErrnoException EINVAL if longer than {@code DMA_BUF_NAME_LEN - 1} bytes in UTF-8
     */
    public void setName(String newName) {
        if (newName.getBytes(StandardCharsets.UTF_8).length >= DmaBufIoctl.NAME_LEN) {
            throw new ErrnoException(Errno.EINVAL);
        }
        synchronized (this) {
            name = newName;
        }
    }

    /** Returns the file's path name, {@code "/dmabuf:<name>"}, as the dmabuf pseudo-filesystem reports it. */
    public String pathName() {
        String n = name();
        return "/dmabuf:" + (n == null ? "" : n);
    }

    /**
     * Attaches {@code device} as an importer, as {@code dma_buf_attach}.
     *
     * <p>Context: process context, may sleep. Locking: takes the reservation lock.
     */
    public DmaBufAttachment attach(String device) {
        DmaBufAttachment a = new DmaBufAttachment(this, device);
        resv.lock(null);
        try {
            attachments.add(a);
        } finally {
            resv.unlock();
        }
        return a;
    }

    /**
     * Ends an attachment, as {@code dma_buf_detach}.
     *
     * <p>Context: process context, may sleep. Locking: takes the reservation lock.
     */
    public void detach(DmaBufAttachment attachment) {
        if (attachment.buf() != this) {
            throw new IllegalArgumentException(attachment + " is not attached to " + this);
        }
        resv.lock(null);
        try {
            attachments.remove(attachment);
        } finally {
            resv.unlock();
        }
    }

    /**
     * Returns the attached devices' names, newest first. Locking: must hold the reservation lock.
     */
    List<String> attachedDevicesLocked() {
        List<String> out = new ArrayList<>(attachments.size());
        for (int i = attachments.size() - 1; i >= 0; i--) {
            out.add(attachments.get(i).device());
        }
        return out;
    }

    /** Returns the number of attachments (racy; for tests and diagnostics). */
    public int attachmentCount() {
        resv.lock(null);
        try {
            return attachments.size();
        } finally {
            resv.unlock();
        }
    }

    /** Returns the file's {@code f_mode} bits as debugfs prints them: access bits, FMODE_LSEEK, FMODE_OPENED. */
    int fmode() {
        int acc = ((file.flags() & OpenFile.O_ACCMODE) + 1) & OpenFile.O_ACCMODE;
        return acc | 0x4 | 0x80000;
    }

    @Override
    public String toString() {
        return "dmabuf[ino " + inode + ", " + size + " bytes, " + exporterName + "]";
    }

    // ---------------------------------------------------------------- file operations

    /**
     * Reports readiness, as {@code dma_buf_poll}: POLLIN once no fence of usage WRITE or stronger is pending,
     * POLLOUT once none of usage READ or stronger is. For each direction one callback slot is armed on the first
     * pending fence; while it is armed that direction reads as not ready; when it fires every poller is woken
     * and the slot is free to be armed again. Both directions are evaluated (a {@link PollTable} carries no
     * requested-event mask). An armed slot holds no file reference (see {@link #disarmPoll}).
     *
     * <p>Context: any thread; never sleeps on fences. Locking: takes the reservation lock briefly.
     */
    int poll(PollTable table) {
        if (table != null) {
            table.wait(pollQueue);
        }
        int events = PollTable.POLLIN | PollTable.POLLOUT;
        resv.lock(null);
        try {
            if (!armOrReady(cbOut, true)) {
                events &= ~PollTable.POLLOUT;
            }
            if (!armOrReady(cbIn, false)) {
                events &= ~PollTable.POLLIN;
            }
        } finally {
            resv.unlock();
        }
        return events;
    }

    // Returns true if the direction is ready. Locking: caller holds the reservation lock.
    private boolean armOrReady(PollCallback cb, boolean write) {
        synchronized (this) {
            if (cb.armedOn != null || released) {
                return cb.armedOn == null;
            }
            cb.armedOn = cb;
        }
        for (Fence f : resv.getFences(ResvUsage.rw(write))) {
            synchronized (this) {
                cb.armedOn = f;
            }
            if (f.addCallback(cb) == 0) {
                return false;
            }
        }
        // Nothing pending: free the slot and wake anyone waiting on it now.
        cb.onSignal(null);
        return true;
    }

    /**
     * Disarms the poll slots of a released buffer, so pending fences do not keep it reachable. Unlike the kernel,
     * an armed slot holds no file reference: the garbage collector already keeps the wait queue alive, and a
     * callback must never drop the last reference (that would release the buffer inside the signaller's locks).
     */
    private void disarmPoll() {
        for (PollCallback cb : new PollCallback[] {cbIn, cbOut}) {
            Object on;
            synchronized (this) {
                on = cb.armedOn;
            }
            if (on instanceof Fence f) {
                f.removeCallback(cb);
            }
        }
    }

    /** One direction's poll slot: a fence callback that wakes the pollers and frees the slot. */
    private final class PollCallback extends FenceCallback {
        private final int event;
        // null: free; this: being armed; a fence: armed on it. Guarded by the buffer's monitor.
        private Object armedOn;

        PollCallback(int event) {
            this.event = event;
        }

        @Override
        protected void onSignal(Fence fence) {
            synchronized (DmaBuf.this) {
                armedOn = null;
            }
            pollQueue.wakeUp(event); // keyed, as dma_buf_poll_cb: a poller of the other direction sleeps on
        }

        @Override
        public String toString() {
            return "dmabuf-poll-" + (event == PollTable.POLLIN ? "in" : "out");
        }

        @Override
        public String describe() {
            return "poll(" + (event == PollTable.POLLIN ? "POLLIN" : "POLLOUT") + ") on dma-buf " + DmaBuf.this.inode;
        }
    }

    long lseek(long offset, int whence) {
        long base;
        if (whence == Seek.SEEK_END) {
            base = size;
        } else if (whence == Seek.SEEK_SET) {
            base = 0;
        } else {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (offset != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return base;
    }

    Mapping mmap(OpenFile f, long offset, long length, int prot) {
        checkMmapAccess(f, prot);
        if (length <= 0 || offset < 0 || (offset & (Mman.PAGE_SIZE - 1)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long pages = Mman.pageAlign(length) >>> Mman.PAGE_SHIFT;
        long pgoff = offset >>> Mman.PAGE_SHIFT;
        if (Mman.pageAlign(length) < 0 || pgoff + pages > (size >>> Mman.PAGE_SHIFT)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        // The mapping keeps the file (and so the buffer and the exporter's object) alive, as vma->vm_file.
        file.get();
        try {
            return ops.mmap(this, offset, pages << Mman.PAGE_SHIFT, prot, file::put);
        } catch (RuntimeException | Error e) {
            file.put();
            throw e;
        }
    }

    /**
     * The access check mmap(2) makes for a shared mapping before asking the file: the file must be readable, and
     * writable for PROT_WRITE.
     *
     * @throws ErrnoException EACCES if not
     */
    public static void checkMmapAccess(OpenFile f, int prot) {
        int acc = f.flags() & OpenFile.O_ACCMODE;
        if (acc == OpenFile.O_WRONLY) {
            throw new ErrnoException(Errno.EACCES);
        }
        if ((prot & Mman.PROT_WRITE) != 0 && acc != OpenFile.O_RDWR) {
            throw new ErrnoException(Errno.EACCES);
        }
    }

    long ioctl(int cmd, ByteBuffer arg, Task task) {
        if (cmd == DmaBufIoctl.IOCTL_SYNC) {
            sync(DmaBufSync.read(arg).flags());
            return 0;
        }
        if (cmd == DmaBufIoctl.SET_NAME_A || cmd == DmaBufIoctl.SET_NAME_B) {
            setNameFromUser(arg);
            return 0;
        }
        if (cmd == DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE) {
            return DmaBufSyncFiles.exportSyncFile(this, arg, task);
        }
        if (cmd == DmaBufIoctl.IOCTL_IMPORT_SYNC_FILE) {
            return DmaBufSyncFiles.importSyncFile(this, arg, task);
        }
        throw new ErrnoException(Errno.ENOTTY);
    }

    /**
     * Brackets CPU access, as DMA_BUF_IOCTL_SYNC: END calls the exporter's end hook; START calls the begin hook
     * and then waits, interruptibly and without time limit, for the implicit fences a CPU access in that
     * direction must wait for (writers for a read, everything for a write).
     *
     * <p>Context: process context, sleeps.
     *
     * @throws ErrnoException EINVAL for unknown bits or no direction; EINTR if interrupted; the exporter's errors
     */
    public void sync(long flags) {
        if ((flags & ~DmaBufIoctl.SYNC_VALID_FLAGS_MASK) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long direction = flags & DmaBufIoctl.SYNC_RW;
        if (direction == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if ((flags & DmaBufIoctl.SYNC_END) != 0) {
            ops.endCpuAccess(this, direction);
            return;
        }
        ops.beginCpuAccess(this, direction);
        boolean write = (direction & DmaBufIoctl.SYNC_WRITE) != 0;
        long ret = resv.waitTimeout(ResvUsage.rw(write), true, Fence.MAX_SCHEDULE_TIMEOUT);
        if (ret < 0) {
            throw new ErrnoException(Errno.of((int) ret));
        }
    }

    // The syscall layer passes the bytes at the ioctl's pointer: up to DMA_BUF_NAME_LEN of them, fewer only
    // where the caller's memory ends.
    private void setNameFromUser(ByteBuffer arg) {
        int n = Math.min(arg.limit(), DmaBufIoctl.NAME_LEN);
        int len = -1;
        for (int i = 0; i < n; i++) {
            if (arg.get(i) == 0) {
                len = i;
                break;
            }
        }
        if (len < 0) {
            throw new ErrnoException(n == DmaBufIoctl.NAME_LEN ? Errno.EINVAL : Errno.EFAULT);
        }
        byte[] bytes = new byte[len];
        arg.get(0, bytes);
        String s = new String(bytes, StandardCharsets.UTF_8);
        synchronized (this) {
            name = s;
        }
    }

    void release() {
        synchronized (this) {
            released = true;
        }
        disarmPoll();
        registry.remove(this);
        try {
            ops.release(this);
        } finally {
            memory.put();
        }
    }

    /** The file operations of every dma-buf. */
    private static final class DmaBufFileOps implements FileOps {
        @Override
        public long ioctl(OpenFile file, int cmd, ByteBuffer arg, Task task) {
            return fromFile(file).ioctl(cmd, arg, task);
        }

        @Override
        public int poll(OpenFile file, PollTable table) {
            return fromFile(file).poll(table);
        }

        @Override
        public long lseek(OpenFile file, long offset, int whence) {
            if (!isDmaBufFile(file)) {
                throw new ErrnoException(Errno.EBADF);
            }
            return fromFile(file).lseek(offset, whence);
        }

        @Override
        public Mapping mmap(OpenFile file, long offset, long length, int prot, Task task) {
            return fromFile(file).mmap(file, offset, length, prot);
        }

        @Override
        public void release(OpenFile file) {
            fromFile(file).release();
        }
    }
}
