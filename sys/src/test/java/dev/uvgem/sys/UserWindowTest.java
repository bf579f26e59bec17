package dev.uvgem.sys;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static dev.uvgem.sys.UserWindow.USER_BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Errno;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class UserWindowTest {
    private static void assertFault(ThrowingCallable call) {
        assertErrno(Errno.EFAULT, call);
    }

    @Test
    void readsAndWritesInsideTheWindow() {
        byte[] mem = {1, 2, 3, 4, 5, 6, 7, 8};
        UserWindow w = new UserWindow(mem);
        assertThat(w.read(USER_BASE, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(w.read(USER_BASE + 6, 2)).containsExactly(7, 8);
        w.write(USER_BASE + 2, new byte[] {9, 9});
        assertThat(mem).containsExactly(1, 2, 9, 9, 5, 6, 7, 8);
        assertThat(w.bytes()).isSameAs(mem);
        assertThat(w.length()).isEqualTo(8);
    }

    @Test
    void anyByteOutsideFaults() {
        UserWindow w = new UserWindow(new byte[8]);
        assertFault(() -> w.read(0, 1)); // NULL
        assertFault(() -> w.read(USER_BASE - 1, 1));
        assertFault(() -> w.read(USER_BASE - 1, 2));
        assertFault(() -> w.read(USER_BASE + 7, 2));
        assertFault(() -> w.read(USER_BASE + 8, 1));
        assertFault(() -> w.read(USER_BASE, 9));
        assertFault(() -> w.read(USER_BASE, -1));
        assertFault(() -> w.read(Long.MAX_VALUE, 1));
        assertFault(() -> w.read(Long.MIN_VALUE, 1));
        assertFault(() -> w.read(-1L, 1));
        assertFault(() -> w.write(0, new byte[1]));
        assertFault(() -> w.write(USER_BASE + 7, new byte[2]));
        assertFault(() -> w.write(USER_BASE + Integer.MAX_VALUE, new byte[1]));
        assertFault(() -> w.write(USER_BASE, null));
    }

    @Test
    void emptyAccessesTouchNothing() {
        UserWindow w = UserWindow.empty();
        assertThat(w.read(0, 0)).isEmpty();
        w.write(0, new byte[0]);
        assertFault(() -> w.read(USER_BASE, 1));
        assertFault(() -> w.write(USER_BASE, new byte[1]));
    }
}
