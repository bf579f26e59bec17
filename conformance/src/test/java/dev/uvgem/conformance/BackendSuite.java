package dev.uvgem.conformance;

import dev.uvgem.api.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

/**
 * The fixture every conformance suite shares: the backend under test, injected by the suite's {@code
 * @ParameterizedClass} over {@link Backend#selected}; a fresh environment booted on it before each test, with the
 * test process's syscalls; and the environment closed after each test (after the suite's own {@code @AfterEach}
 * checks, which JUnit runs first).
 *
 * <p>Thread-safety: a JUnit test instance; the fields are set on the test thread before each test and read by the
 * test's own threads, which the test joins before it returns.
 */
abstract class BackendSuite {
    /** The backend this run of the suite goes through. */
    @Parameter
    Backend backend;

    /** The environment booted for the current test. */
    Env env;
    /** The test process's syscalls. */
    Syscalls sys;

    @BeforeEach
    final void bootBackend() {
        env = backend.boot();
        sys = env.sys();
    }

    @AfterEach
    final void closeBackend() {
        env.close();
    }
}
