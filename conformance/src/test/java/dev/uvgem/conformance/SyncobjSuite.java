package dev.uvgem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

/**
 * The fixture every IGT syncobj suite shares: a fresh kernel of the backend under test, one open vgem primary
 * node ({@code drm_open_driver}) whose capabilities the suite asserts where IGT would skip ({@link #require}), and
 * a teardown that closes the device file, after which no sync object may be left (every object the subtest made,
 * and every reference a wait, import or transfer took, is gone).
 *
 * <p>Subclasses are {@code @ParameterizedClass} suites over {@link Backend#selected}; the backend is injected here.
 *
 * <p>Thread-safety: a JUnit test instance; the fields are set on the test thread before each test and read by the
 * test's own threads, which the test joins before it returns.
 */
abstract class SyncobjSuite {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    /** The environment booted for the current test. */
    Env env;
    /** The test process's syscalls. */
    Syscalls sys;
    /** The vgem primary node opened for the current test. */
    int fd;

    @BeforeEach
    final void openDevice() {
        env = backend.boot();
        sys = env.sys();
        fd = IgtVgem.drmOpenDriver(sys);
        require();
    }

    /** Asserts the suite's requirements on {@link #fd} (IGT's {@code igt_require}s; uvgem claims them all). */
    abstract void require();

    @AfterEach
    final void closeAndCheckNoLeak() {
        try {
            assertThat(sys.close(fd)).as("close the DRM fd").isZero();
            assertThat(env.devices().vgem().liveSyncobjs())
                    .as("sync objects left")
                    .isZero();
        } finally {
            env.close();
        }
    }
}
