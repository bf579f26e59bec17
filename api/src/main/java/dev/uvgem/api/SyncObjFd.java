package dev.uvgem.api;

/**
 * An opaque fd of a DRM sync object (SYNCOBJ_HANDLE_TO_FD without flags): it only carries the object, holding
 * it alive, to another process, which turns it into a handle of its own with {@link VgemDevice#importSyncObj} or
 * {@link VgemDevice#importTimelineSyncObj}. Each import is a new handle of the same object.
 *
 * <p>Thread-safety: as {@link UvgemFile}.
 */
public final class SyncObjFd extends UvgemFile {
    SyncObjFd(Syscalls sys, int fd) {
        super(sys, fd);
    }
}
