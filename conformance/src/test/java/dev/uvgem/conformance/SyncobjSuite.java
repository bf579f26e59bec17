package dev.uvgem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture every IGT syncobj suite shares: a fresh kernel of the backend under test, one open vgem primary
 * node ({@code drm_open_driver}) whose capabilities the suite asserts where IGT would skip ({@link #require}), and
 * a teardown that closes the device file, after which no sync object may be left (every object the subtest made,
 * and every reference a wait, import or transfer took, is gone).
 *
 * <p>Subclasses are {@code @ParameterizedClass} suites over {@link Backend#selected}; {@link BackendSuite} boots
 * and closes the environment.
 *
 * <p>Thread-safety: a JUnit test instance; the fields are set on the test thread before each test and read by the
 * test's own threads, which the test joins before it returns.
 */
abstract class SyncobjSuite extends BackendSuite {
    /** The vgem primary node opened for the current test. */
    int fd;

    @BeforeEach
    final void openDevice() {
        fd = IgtVgem.drmOpenDriver(sys);
        require();
    }

    /** Asserts the suite's requirements on {@link #fd} (IGT's {@code igt_require}s; uvgem claims them all). */
    abstract void require();

    @AfterEach
    final void closeAndCheckNoLeak() {
        // BackendSuite closes the environment after this, even when it fails.
        assertThat(sys.close(fd)).as("close the DRM fd").isZero();
        assertThat(env.devices().vgem().liveSyncobjs()).as("sync objects left").isZero();
    }
}
