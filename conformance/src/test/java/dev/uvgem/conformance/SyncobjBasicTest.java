package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSyncobj.create;
import static dev.uvgem.conformance.IgtSyncobj.destroy;
import static dev.uvgem.conformance.IgtSyncobj.fdToHandle;
import static dev.uvgem.conformance.IgtSyncobj.handleToFd;
import static dev.uvgem.conformance.IgtSyncobj.hasSyncobj;
import static dev.uvgem.conformance.IgtSyncobj.tryCreate;
import static dev.uvgem.conformance.IgtSyncobj.tryDestroy;
import static dev.uvgem.conformance.IgtSyncobj.tryFdToHandle;
import static dev.uvgem.conformance.IgtSyncobj.tryHandleToFd;
import static dev.uvgem.conformance.IgtSyncobj.waitErr;
import static dev.uvgem.conformance.IgtVgem.assertErrno;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjHandle;
import dev.uvgem.uapi.Errno;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/syncobj_basic.c}, all 12 subtests: the argument checks of CREATE, DESTROY, HANDLE_TO_FD and
 * FD_TO_HANDLE (an unknown handle is EINVAL for DESTROY and opaque export, not ENOENT), a syncobj created
 * signalled, and the opaque fd round trip (each import is a new handle). The fixture is IGT's: one open vgem
 * primary node, which must report DRM_CAP_SYNCOBJ.
 *
 * <p>Where IGT leaves struct fields uninitialised ({@code bad-handle-to-fd}, {@code bad-fd-to-handle}), these
 * tests put garbage there, which a conforming kernel must not look at. After each subtest the device file is
 * closed and no sync object may be left.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class SyncobjBasicTest {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    private static final int DEADBEEF = 0xdeadbeef;

    private Env env;
    private Syscalls sys;
    private int fd;

    @BeforeEach
    void fixture() {
        env = backend.boot();
        sys = env.sys();
        fd = drmOpenDriver(sys);
        assertThat(hasSyncobj(sys, fd)).as("DRM_CAP_SYNCOBJ").isTrue();
    }

    @AfterEach
    void teardown() {
        try {
            assertThat(sys.close(fd)).isZero();
            assertThat(env.devices().vgem().liveSyncobjs())
                    .as("sync objects left")
                    .isZero();
        } finally {
            env.close();
        }
    }

    @Test
    void badDestroy() {
        assertErrno(tryDestroy(sys, fd, DEADBEEF, 0), Errno.EINVAL);
    }

    @Test
    void badCreateFlags() {
        assertErrno(tryCreate(sys, fd, DEADBEEF).ret(), Errno.EINVAL);
    }

    @Test
    void badHandleToFd() {
        assertErrno(
                tryHandleToFd(sys, fd, new DrmSyncobjHandle(DEADBEEF, 0, 0x5a5a5a5a, 0, 0))
                        .ret(),
                Errno.EINVAL);
    }

    @Test
    void badFdToHandle() {
        assertErrno(
                tryFdToHandle(sys, fd, new DrmSyncobjHandle(0x5a5a5a5a, 0, -1, 0, 0))
                        .ret(),
                Errno.EINVAL);
    }

    @Test
    void badFlagsHandleToFd() {
        assertErrno(
                tryHandleToFd(sys, fd, new DrmSyncobjHandle(0, DEADBEEF, 0, 0, 0))
                        .ret(),
                Errno.EINVAL);
    }

    @Test
    void badFlagsFdToHandle() {
        assertErrno(
                tryFdToHandle(sys, fd, new DrmSyncobjHandle(0, DEADBEEF, 0, 0, 0))
                        .ret(),
                Errno.EINVAL);
    }

    @Test
    void badPadHandleToFd() {
        assertErrno(
                tryHandleToFd(sys, fd, new DrmSyncobjHandle(0, 0, 0, DEADBEEF, 0))
                        .ret(),
                Errno.EINVAL);
    }

    @Test
    void badPadFdToHandle() {
        assertErrno(
                tryFdToHandle(sys, fd, new DrmSyncobjHandle(0, 0, 0, DEADBEEF, 0))
                        .ret(),
                Errno.EINVAL);
    }

    @Test
    void illegalFdToHandle() {
        assertErrno(tryFdToHandle(sys, fd, new DrmSyncobjHandle(0, 0, fd, 0, 0)).ret(), Errno.EINVAL);
    }

    @Test
    void badDestroyPad() {
        int handle = create(sys, fd, 0);
        assertErrno(tryDestroy(sys, fd, handle, DEADBEEF), Errno.EINVAL);
        destroy(sys, fd, handle);
    }

    @Test
    void createSignaled() {
        int handle = create(sys, fd, DrmSyncobj.CREATE_SIGNALED);
        assertThat(waitErr(sys, fd, new int[] {handle}, 0, 0)).isZero();
        destroy(sys, fd, handle);
    }

    @Test
    void testValidCycle() {
        int first = create(sys, fd, 0);
        int syncobjFd = handleToFd(sys, fd, first, 0);
        int second = fdToHandle(sys, fd, syncobjFd, 0);
        assertThat(sys.close(syncobjFd)).isZero();
        assertThat(second).as("no de-duplication").isNotEqualTo(first);
        destroy(sys, fd, first);
        destroy(sys, fd, second);
    }
}
