package dev.uvgem.uapi;

/**
 * The DRM sync object uAPI ({@code include/uapi/drm/drm.h}): core ioctl numbers and request codes, flags and the
 * submit-wait limit. The structs are the {@code DrmSyncobj*} records.
 *
 * <p>Four structs grew a trailing field: {@code drm_syncobj_handle} (point, 16 to 24 bytes), {@code
 * drm_syncobj_wait} (deadline, 32 to 40) and {@code drm_syncobj_timeline_wait} (deadline, 40 to 48). The DRM core
 * dispatches on the number alone and zero-extends a shorter argument, so both encodings are accepted; the {@code
 * *_V1} codes are the older ones.
 *
 * <p>Thread-safety: constants only.
 */
public final class DrmSyncobj {
    /** Core ioctl number of SYNCOBJ_CREATE. */
    public static final int NR_CREATE = 0xBF;
    /** Core ioctl number of SYNCOBJ_DESTROY. */
    public static final int NR_DESTROY = 0xC0;
    /** Core ioctl number of SYNCOBJ_HANDLE_TO_FD. */
    public static final int NR_HANDLE_TO_FD = 0xC1;
    /** Core ioctl number of SYNCOBJ_FD_TO_HANDLE. */
    public static final int NR_FD_TO_HANDLE = 0xC2;
    /** Core ioctl number of SYNCOBJ_WAIT. */
    public static final int NR_WAIT = 0xC3;
    /** Core ioctl number of SYNCOBJ_RESET. */
    public static final int NR_RESET = 0xC4;
    /** Core ioctl number of SYNCOBJ_SIGNAL. */
    public static final int NR_SIGNAL = 0xC5;
    /** Core ioctl number of SYNCOBJ_TIMELINE_WAIT. */
    public static final int NR_TIMELINE_WAIT = 0xCA;
    /** Core ioctl number of SYNCOBJ_QUERY. */
    public static final int NR_QUERY = 0xCB;
    /** Core ioctl number of SYNCOBJ_TRANSFER. */
    public static final int NR_TRANSFER = 0xCC;
    /** Core ioctl number of SYNCOBJ_TIMELINE_SIGNAL. */
    public static final int NR_TIMELINE_SIGNAL = 0xCD;
    /** Core ioctl number of SYNCOBJ_EVENTFD (0xCE is MODE_GETFB2). */
    public static final int NR_EVENTFD = 0xCF;

    /** {@code DRM_IOCTL_SYNCOBJ_CREATE} = 0xC00864BF. */
    public static final int IOCTL_CREATE = Ioc.iowr(Drm.IOCTL_BASE, NR_CREATE, DrmSyncobjCreate.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_DESTROY} = 0xC00864C0. */
    public static final int IOCTL_DESTROY = Ioc.iowr(Drm.IOCTL_BASE, NR_DESTROY, DrmSyncobjDestroy.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD} with the point field = 0xC01864C1. */
    public static final int IOCTL_HANDLE_TO_FD = Ioc.iowr(Drm.IOCTL_BASE, NR_HANDLE_TO_FD, DrmSyncobjHandle.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD} without the point field = 0xC01064C1. */
    public static final int IOCTL_HANDLE_TO_FD_V1 = Ioc.iowr(Drm.IOCTL_BASE, NR_HANDLE_TO_FD, DrmSyncobjHandle.SIZE_V1);
    /** {@code DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE} with the point field = 0xC01864C2. */
    public static final int IOCTL_FD_TO_HANDLE = Ioc.iowr(Drm.IOCTL_BASE, NR_FD_TO_HANDLE, DrmSyncobjHandle.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE} without the point field = 0xC01064C2. */
    public static final int IOCTL_FD_TO_HANDLE_V1 = Ioc.iowr(Drm.IOCTL_BASE, NR_FD_TO_HANDLE, DrmSyncobjHandle.SIZE_V1);
    /** {@code DRM_IOCTL_SYNCOBJ_WAIT} with the deadline field = 0xC02864C3. */
    public static final int IOCTL_WAIT = Ioc.iowr(Drm.IOCTL_BASE, NR_WAIT, DrmSyncobjWait.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_WAIT} without the deadline field = 0xC02064C3. */
    public static final int IOCTL_WAIT_V1 = Ioc.iowr(Drm.IOCTL_BASE, NR_WAIT, DrmSyncobjWait.SIZE_V1);
    /** {@code DRM_IOCTL_SYNCOBJ_RESET} = 0xC01064C4. */
    public static final int IOCTL_RESET = Ioc.iowr(Drm.IOCTL_BASE, NR_RESET, DrmSyncobjArray.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_SIGNAL} = 0xC01064C5. */
    public static final int IOCTL_SIGNAL = Ioc.iowr(Drm.IOCTL_BASE, NR_SIGNAL, DrmSyncobjArray.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT} with the deadline field = 0xC03064CA. */
    public static final int IOCTL_TIMELINE_WAIT =
            Ioc.iowr(Drm.IOCTL_BASE, NR_TIMELINE_WAIT, DrmSyncobjTimelineWait.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT} without the deadline field = 0xC02864CA. */
    public static final int IOCTL_TIMELINE_WAIT_V1 =
            Ioc.iowr(Drm.IOCTL_BASE, NR_TIMELINE_WAIT, DrmSyncobjTimelineWait.SIZE_V1);
    /** {@code DRM_IOCTL_SYNCOBJ_QUERY} = 0xC01864CB. */
    public static final int IOCTL_QUERY = Ioc.iowr(Drm.IOCTL_BASE, NR_QUERY, DrmSyncobjTimelineArray.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_TRANSFER} = 0xC02064CC. */
    public static final int IOCTL_TRANSFER = Ioc.iowr(Drm.IOCTL_BASE, NR_TRANSFER, DrmSyncobjTransfer.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL} = 0xC01864CD. */
    public static final int IOCTL_TIMELINE_SIGNAL =
            Ioc.iowr(Drm.IOCTL_BASE, NR_TIMELINE_SIGNAL, DrmSyncobjTimelineArray.SIZE);
    /** {@code DRM_IOCTL_SYNCOBJ_EVENTFD} = 0xC01864CF. */
    public static final int IOCTL_EVENTFD = Ioc.iowr(Drm.IOCTL_BASE, NR_EVENTFD, DrmSyncobjEventfd.SIZE);

    /** CREATE: start signalled (with a signalled stub fence). */
    public static final int CREATE_SIGNALED = 1;

    /** FD_TO_HANDLE: import a sync_file's fence into an existing handle. */
    public static final int FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE = 1;
    /** FD_TO_HANDLE: use the point field (import as a timeline point). */
    public static final int FD_TO_HANDLE_FLAGS_TIMELINE = 1 << 1;
    /** HANDLE_TO_FD: export the fence as a sync_file. */
    public static final int HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE = 1;
    /** HANDLE_TO_FD: use the point field (export a timeline point). */
    public static final int HANDLE_TO_FD_FLAGS_TIMELINE = 1 << 1;

    /** WAIT: wait for every handle instead of any. */
    public static final int WAIT_FLAGS_WAIT_ALL = 1;
    /** WAIT: an unsubmitted handle is waited for instead of refused with EINVAL. */
    public static final int WAIT_FLAGS_WAIT_FOR_SUBMIT = 1 << 1;
    /** TIMELINE_WAIT, EVENTFD: a point that materialised counts as done, signalled or not. */
    public static final int WAIT_FLAGS_WAIT_AVAILABLE = 1 << 2;
    /** WAIT, TIMELINE_WAIT: pass {@code deadline_nsec} to the fences as a deadline hint. */
    public static final int WAIT_FLAGS_WAIT_DEADLINE = 1 << 3;

    /** QUERY: report the last submitted point instead of the last signalled one. */
    public static final int QUERY_FLAGS_LAST_SUBMITTED = 1;

    /** How long a kernel-internal lookup with WAIT_FOR_SUBMIT waits for a fence, in ns (5 s). */
    public static final long WAIT_FOR_SUBMIT_TIMEOUT_NS = 5_000_000_000L;

    private DrmSyncobj() {}
}
