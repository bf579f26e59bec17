package dev.uvgem.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.Timer;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FdPassingTest {
    static final long ENOENT = Errno.ENOENT.negative();

    final VirtualClock clock = new VirtualClock();
    final Kernel kernel = new Kernel(KernelConfig.defaults(clock).withLimits(new KernelConfig.ProcessLimits(6)));
    final FakeDevice card = new FakeDevice();
    Process sender;
    Process receiver;
    int fd;

    @BeforeEach
    void setUp() {
        kernel.register("/dev/dri/card0", card, PathAccess.EVERYONE);
        sender = kernel.spawn("sender", false);
        receiver = kernel.spawn("receiver", false);
        fd = (int) sender.open("/dev/dri/card0", Process.O_RDWR);
    }

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    byte[] send(Process p, int fd) {
        byte[] token = new byte[16];
        assertThat(p.fdSend(fd, token)).isZero();
        return token;
    }

    @Test
    void moreFilesInFlightThanTheFdLimitIsEtoomanyrefsUntilOneIsReceivedOrExpires() {
        byte[] first = send(sender, fd);
        for (int i = 1; i <= 6; i++) { // Linux refuses once more than RLIMIT_NOFILE (6) are in flight
            send(sender, fd);
        }
        assertThat(sender.filesInFlight()).isEqualTo(7);
        assertThat(sender.fdSend(fd, new byte[16])).isEqualTo(Errno.ETOOMANYREFS.negative());
        assertThat(sender.filesInFlight()).isEqualTo(7);
        assertThat(kernel.inFlightFileCount()).isEqualTo(7);
        assertThat(sender.file(fd).refCount())
                .as("the refused send holds nothing")
                .isEqualTo(8);

        assertThat(receiver.fdRecv(first)).isEqualTo(3);
        assertThat(sender.filesInFlight()).isEqualTo(6);
        send(sender, fd);

        Process admin = kernel.spawn("root", true);
        int afd = (int) admin.open("/dev/dri/card0", Process.O_RDWR);
        for (int i = 0; i < 10; i++) {
            send(admin, afd); // exempt, as CAP_SYS_ADMIN is
        }
        sender.exit();
        assertThat(kernel.inFlightFileCount())
                .as("in flight after the sender's exit")
                .isEqualTo(17);
        clock.advance(Kernel.FD_TOKEN_LIFETIME);
        assertThat(sender.filesInFlight()).isZero();
        assertThat(admin.filesInFlight()).isZero();
        assertThat(kernel.inFlightFileCount()).isZero();
    }

    @Test
    void receiverGetsTheSameOpenFileOnce() {
        OpenFile file = sender.file(fd);
        byte[] token = send(sender, fd);
        assertThat(token).isNotEqualTo(new byte[16]);
        assertThat(kernel.inFlightFileCount()).isEqualTo(1);
        assertThat(file.refCount()).isEqualTo(2);
        long got = receiver.fdRecv(token);
        assertThat(got).isEqualTo(3);
        assertThat(receiver.file((int) got)).isSameAs(file);
        assertThat(file.refCount()).isEqualTo(2);
        assertThat(receiver.fdRecv(token)).as("single use").isEqualTo(ENOENT);
        assertThat(sender.fdRecv(token)).isEqualTo(ENOENT);
        assertThat(kernel.inFlightFileCount()).isZero();
        assertThat(clock.pendingTimers()).as("expiry timer cancelled").isZero();
    }

    @Test
    void tokensAreDistinct() {
        assertThat(send(sender, fd)).isNotEqualTo(send(sender, fd));
    }

    @Test
    void theSenderMayReceiveItsOwnFile() {
        byte[] token = send(sender, fd);
        long got = sender.fdRecv(token);
        assertThat(got).isEqualTo(4);
        assertThat(sender.file((int) got)).isSameAs(sender.file(fd));
    }

    @Test
    void unknownTokensAreEnoent() {
        send(sender, fd);
        assertThat(receiver.fdRecv(new byte[16])).isEqualTo(ENOENT);
        assertThat(receiver.fdRecv(new byte[15])).isEqualTo(ENOENT);
        assertThat(receiver.fdRecv(new byte[17])).isEqualTo(ENOENT);
        assertThat(receiver.fdRecv(null)).isEqualTo(Errno.EFAULT.negative());
        assertThat(receiver.openFdCount()).isZero();
    }

    @Test
    void aTokenHoldsTheFileUntilItExpires() {
        OpenFile file = sender.file(fd);
        byte[] token = send(sender, fd);
        assertThat(sender.close(fd)).isZero();
        assertThat(card.ops.releases).hasValue(0);
        clock.advance(Duration.ofSeconds(59));
        assertThat(card.ops.releases).hasValue(0);
        assertThat(kernel.inFlightFileCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(card.ops.releases).hasValue(1);
        assertThat(card.ops.released).containsExactly(file);
        assertThat(kernel.inFlightFileCount()).isZero();
        assertThat(receiver.fdRecv(token)).isEqualTo(ENOENT);
        assertThat(card.ops.doubleReleases).hasValue(0);
    }

    @Test
    void receivedJustBeforeExpiryWorks() {
        byte[] token = send(sender, fd);
        clock.advance(Duration.ofSeconds(60).minusNanos(1));
        assertThat(receiver.fdRecv(token)).isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        assertThat(receiver.file(3).refCount()).isEqualTo(2);
    }

    @Test
    void aTokenOutlivesItsSender() {
        byte[] token = send(sender, fd);
        sender.exit();
        assertThat(card.ops.releases).hasValue(0);
        long got = receiver.fdRecv(token);
        assertThat(got).isEqualTo(3);
        assertThat(receiver.close((int) got)).isZero();
        assertThat(card.ops.releases).hasValue(1);
    }

    @Test
    void emfileKeepsTheTokenValid() {
        byte[] token = send(sender, fd);
        for (int i = 0; i < 3; i++) {
            receiver.eventfd(0, 0);
        }
        assertThat(receiver.fdRecv(token)).isEqualTo(Errno.EMFILE.negative());
        receiver.close(4);
        assertThat(receiver.fdRecv(token)).isEqualTo(4);
    }

    @Test
    void badSendArguments() {
        assertThat(sender.fdSend(fd, new byte[15])).isEqualTo(Errno.EFAULT.negative());
        assertThat(sender.fdSend(fd, null)).isEqualTo(Errno.EFAULT.negative());
        assertThat(sender.fdSend(99, new byte[16])).isEqualTo(Errno.EBADF.negative());
        byte[] longer = new byte[20];
        Arrays.fill(longer, (byte) 7);
        assertThat(sender.fdSend(fd, longer)).isZero();
        assertThat(longer[16]).isEqualTo((byte) 7);
        assertThat(receiver.fdRecv(Arrays.copyOf(longer, 16))).isEqualTo(3);
        assertThat(sender.file(fd).refCount()).isEqualTo(2);
    }

    @Test
    void tokensWorkOnlyWithinTheirKernel() {
        byte[] token = send(sender, fd);
        try (Kernel otherKernel = new Kernel(KernelConfig.defaults(clock))) {
            assertThat(otherKernel.spawn("x", false).fdRecv(token)).isEqualTo(ENOENT);
        }
    }

    @Test
    void kernelCloseDropsFilesInFlight() {
        send(sender, fd);
        sender.close(fd);
        kernel.close();
        assertThat(card.ops.releases).hasValue(1);
        assertThat(kernel.inFlightFileCount()).isZero();
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void aTokenWhoseLifetimePassesWhileItIsSentIsDroppedNotLeft() {
        LifetimePassesAtArm racing = new LifetimePassesAtArm();
        try (Kernel k = new Kernel(KernelConfig.defaults(racing))) {
            k.register("/dev/dri/card0", card, PathAccess.EVERYONE);
            Process p = k.spawn("sender", false);
            int cfd = (int) p.open("/dev/dri/card0", Process.O_RDWR);
            OpenFile file = p.file(cfd);
            racing.passOnNextArm = true;
            byte[] token = send(p, cfd);
            assertThat(racing.passOnNextArm)
                    .as("the lifetime passed inside the send")
                    .isFalse();

            assertThat(k.inFlightFileCount())
                    .as("in flight once its lifetime passed")
                    .isZero();
            assertThat(p.filesInFlight()).isZero();
            assertThat(file.refCount())
                    .as("only the sender's fd holds the file")
                    .isEqualTo(1);
            assertThat(k.spawn("receiver", false).fdRecv(token)).isEqualTo(ENOENT);
            assertThat(racing.clock.pendingTimers()).isZero();
        }
    }

    /**
     * A virtual clock on which, once asked, a token's whole lifetime passes right after the next timer is armed: what
     * another thread advancing the clock does to a sender preempted between arming its token and publishing it.
     */
    private static final class LifetimePassesAtArm implements Clock {
        final VirtualClock clock = new VirtualClock();
        boolean passOnNextArm;

        @Override
        public long nanoTime() {
            return clock.nanoTime();
        }

        @Override
        public void arm(Timer timer, long deadline) {
            clock.arm(timer, deadline);
            if (passOnNextArm) {
                passOnNextArm = false;
                clock.advance(Kernel.FD_TOKEN_LIFETIME);
            }
        }

        @Override
        public boolean cancel(Timer timer) {
            return clock.cancel(timer);
        }

        @Override
        public void parkUntil(Object blocker, long deadline) {
            clock.parkUntil(blocker, deadline);
        }
    }
}
