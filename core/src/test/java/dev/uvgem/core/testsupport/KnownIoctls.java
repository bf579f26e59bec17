package dev.uvgem.core.testsupport;

import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.SyncIoctl;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.Vgem;
import java.util.stream.Stream;

/**
 * Every ioctl request code uvgem's devices implement, grouped by device, for the fuzzers that throw real codes
 * with garbage arguments at the syscall layer and at the daemon.
 *
 * <p>Thread-safety: constants; callers must not write into the arrays.
 */
public final class KnownIoctls {
    /** DRM core (GEM, PRIME, dumb buffers), vgem, dma-buf and sync_file. */
    public static final Integer[] FENCE_UAPI = {
        Drm.IOCTL_VERSION,
        Drm.IOCTL_GET_CAP,
        Drm.IOCTL_MODE_CREATE_DUMB,
        Drm.IOCTL_MODE_MAP_DUMB,
        Drm.IOCTL_MODE_DESTROY_DUMB,
        Drm.IOCTL_GEM_CLOSE,
        Drm.IOCTL_PRIME_HANDLE_TO_FD,
        Drm.IOCTL_PRIME_FD_TO_HANDLE,
        Vgem.IOCTL_FENCE_ATTACH,
        Vgem.IOCTL_FENCE_SIGNAL,
        DmaBufIoctl.IOCTL_SYNC,
        DmaBufIoctl.SET_NAME_A,
        DmaBufIoctl.SET_NAME_B,
        DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE,
        DmaBufIoctl.IOCTL_IMPORT_SYNC_FILE,
        SyncIoctl.MERGE,
        SyncIoctl.FILE_INFO
    };

    /** The virtual display's KMS subset. */
    public static final Integer[] KMS = {
        DrmMode.IOCTL_GETRESOURCES, DrmMode.IOCTL_GETCRTC, DrmMode.IOCTL_GETENCODER, DrmMode.IOCTL_GETCONNECTOR,
        DrmMode.IOCTL_GETPROPERTY, DrmMode.IOCTL_GETPROPBLOB, DrmMode.IOCTL_GETPLANERESOURCES, DrmMode.IOCTL_GETPLANE,
        DrmMode.IOCTL_OBJ_GETPROPERTIES, DrmMode.IOCTL_ADDFB2, DrmMode.IOCTL_RMFB, DrmMode.IOCTL_PAGE_FLIP,
        DrmMode.IOCTL_WAIT_VBLANK, DrmMode.IOCTL_ATOMIC, DrmMode.IOCTL_SET_CLIENT_CAP
    };

    /** DRM sync objects. */
    public static final Integer[] SYNCOBJ = {
        DrmSyncobj.IOCTL_CREATE, DrmSyncobj.IOCTL_DESTROY, DrmSyncobj.IOCTL_HANDLE_TO_FD, DrmSyncobj.IOCTL_FD_TO_HANDLE,
        DrmSyncobj.IOCTL_WAIT, DrmSyncobj.IOCTL_RESET, DrmSyncobj.IOCTL_SIGNAL, DrmSyncobj.IOCTL_TIMELINE_WAIT,
        DrmSyncobj.IOCTL_QUERY, DrmSyncobj.IOCTL_TRANSFER, DrmSyncobj.IOCTL_TIMELINE_SIGNAL, DrmSyncobj.IOCTL_EVENTFD
    };

    /** The virtual GPU's driver ioctls. */
    public static final Integer[] UVGPU = {
        UvGpu.IOCTL_CTX_CREATE,
        UvGpu.IOCTL_CTX_DESTROY,
        UvGpu.IOCTL_SUBMIT,
        UvGpu.IOCTL_RESET_STATS,
        UvGpu.IOCTL_BO_CREATE
    };

    /** All of the above. */
    public static final Integer[] ALL =
            Stream.of(FENCE_UAPI, KMS, SYNCOBJ, UVGPU).flatMap(Stream::of).toArray(Integer[]::new);

    private KnownIoctls() {}
}
