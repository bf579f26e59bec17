package dev.uvgem.drivers.drm;

import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.Task;
import java.nio.ByteBuffer;

/** The file operations of DRM device files, as the DRM GEM file_operations: ioctl, mmap, poll, llseek, release. */
final class DrmFileOps implements FileOps {
    static final DrmFileOps INSTANCE = new DrmFileOps();

    private DrmFileOps() {}

    private static DrmFile drmFile(OpenFile file) {
        return (DrmFile) file.privateData();
    }

    @Override
    public long ioctl(OpenFile file, int cmd, ByteBuffer arg, Task task) {
        DrmFile f = drmFile(file);
        return f.device().ioctl(f, cmd, arg, task);
    }

    @Override
    public Mapping mmap(OpenFile file, long offset, long length, int prot, Task task) {
        DrmFile f = drmFile(file);
        return f.device().mmap(f, offset, length, prot);
    }

    /** No DRM events are generated, so nothing is ever readable. */
    @Override
    public int poll(OpenFile file, PollTable table) {
        if (table != null) {
            table.wait(drmFile(file).eventWait());
        }
        return 0;
    }

    /** As {@code noop_llseek}: the position does not move. */
    @Override
    public long lseek(OpenFile file, long offset, int whence) {
        return file.position();
    }

    @Override
    public void release(OpenFile file) {
        DrmFile f = drmFile(file);
        f.device().release(f);
    }
}
