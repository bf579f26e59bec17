package dev.uvgem.core.testsupport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the errno a Java layer throws. Thread-safety: stateless. */
public final class ErrnoAssertions {
    private ErrnoAssertions() {}

    /** Asserts that {@code call} throws an {@link ErrnoException} carrying {@code errno}. */
    public static void assertErrno(Errno errno, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(ErrnoException.class)
                .extracting(e -> ((ErrnoException) e).errno())
                .isEqualTo(errno);
    }
}
