package dev.uvgem.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;

/**
 * Fd passing between the processes of one kernel, the suites' model of SCM_RIGHTS over a unix socket (and of
 * the fd table a forked child inherits): the sender puts the open file in flight under a token, the receiver
 * redeems it for an fd of its own referring to the same open file.
 *
 * <p>Thread-safety: stateless; safe wherever the {@link Syscalls} it is given are.
 */
final class FdPassing {
    private FdPassing() {}

    /** Puts {@code fd} of {@code from} in flight, asserting success; returns the token to redeem. */
    static byte[] send(Syscalls from, int fd) {
        byte[] token = new byte[16];
        assertThat(from.fdSend(fd, token)).as("send fd %d", fd).isZero();
        return token;
    }

    /** Receives the file sent under {@code token} onto a new fd of {@code to}, asserting success. */
    static int receive(Syscalls to, byte[] token) {
        long fd = to.fdRecv(token);
        assertThat(fd).as("receive").isNotNegative();
        return (int) fd;
    }
}
