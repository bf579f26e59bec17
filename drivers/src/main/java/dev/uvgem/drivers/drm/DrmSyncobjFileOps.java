package dev.uvgem.drivers.drm;

import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;

/**
 * The operations of an opaque syncobj fd, as {@code drm_syncobj_file_fops}: the file only carries a reference to
 * its syncobj between processes (HANDLE_TO_FD, then FD_TO_HANDLE elsewhere); every other operation is the
 * default of a file that lacks it.
 *
 * <p>Thread-safety: stateless.
 */
final class DrmSyncobjFileOps implements FileOps {
    static final DrmSyncobjFileOps INSTANCE = new DrmSyncobjFileOps();

    private DrmSyncobjFileOps() {}

    /** Opens an anonymous file holding a new reference to {@code syncobj}, as {@code drm_syncobj_get_fd}. */
    static OpenFile open(DrmSyncobj syncobj) {
        return new OpenFile(INSTANCE, syncobj.get(), OpenFile.O_RDONLY);
    }

    /** Returns the syncobj behind {@code file}, or null if it is not a syncobj file. */
    static DrmSyncobj syncobj(OpenFile file) {
        return file.ops() == INSTANCE ? (DrmSyncobj) file.privateData() : null;
    }

    /** Drops the file's reference. Context: whoever dropped the file's last reference. */
    @Override
    public void release(OpenFile file) {
        ((DrmSyncobj) file.privateData()).put();
    }
}
