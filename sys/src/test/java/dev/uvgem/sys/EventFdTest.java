package dev.uvgem.sys;

import static dev.uvgem.core.vfs.PollTable.POLLERR;
import static dev.uvgem.core.vfs.PollTable.POLLIN;
import static dev.uvgem.core.vfs.PollTable.POLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.EventFdContext;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EventFdTest {
    final Kernel kernel = new Kernel(KernelConfig.defaults(new VirtualClock()));
    final Process p = kernel.spawn("test", false);

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    EventFd eventFd(long fd) {
        return p.file((int) fd).privateData(EventFd.class, Errno.EINVAL);
    }

    /** Reads the counter: the value, or a negative errno. */
    long read(long fd) {
        byte[] b = new byte[8];
        long r = p.read((int) fd, b);
        if (r < 0) {
            return r;
        }
        assertThat(r).isEqualTo(8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    int poll(long fd) {
        PollFd[] fds = {new PollFd((int) fd, POLLIN | POLLOUT)};
        p.poll(fds, 0);
        return fds[0].revents();
    }

    @Test
    void readReturnsTheCounterAndResetsIt() {
        long fd = p.eventfd(5, EventFd.EFD_NONBLOCK);
        assertThat(read(fd)).isEqualTo(5);
        assertThat(read(fd)).isEqualTo(Errno.EAGAIN.negative());
        eventFd(fd).signal(3);
        eventFd(fd).signal();
        assertThat(read(fd)).isEqualTo(4);
        assertThat(eventFd(fd).count()).isZero();
    }

    @Test
    void semaphoreReadsTakeOne() {
        long fd = p.eventfd(2, EventFd.EFD_SEMAPHORE | EventFd.EFD_NONBLOCK);
        assertThat(eventFd(fd).isSemaphore()).isTrue();
        assertThat(read(fd)).isEqualTo(1);
        assertThat(read(fd)).isEqualTo(1);
        assertThat(read(fd)).isEqualTo(Errno.EAGAIN.negative());
    }

    @Test
    void initvalIsUnsigned32() {
        long fd = p.eventfd(-1, EventFd.EFD_NONBLOCK);
        assertThat(read(fd)).isEqualTo(0xffff_ffffL);
    }

    @Test
    void shortReadsAreEinval() {
        long fd = p.eventfd(1, 0);
        assertThat(p.read((int) fd, new byte[7])).isEqualTo(Errno.EINVAL.negative());
        assertThat(p.read((int) fd, new byte[0])).isEqualTo(Errno.EINVAL.negative());
        assertThat(p.read((int) fd, new byte[16])).isEqualTo(8);
    }

    @Test
    void flags() {
        assertThat(p.eventfd(0, 0x2)).isEqualTo(Errno.EINVAL.negative());
        assertThat(p.eventfd(0, 0xdeadbeef)).isEqualTo(Errno.EINVAL.negative());
        long fd = p.eventfd(0, EventFd.EFD_CLOEXEC);
        OpenFile f = p.file((int) fd);
        assertThat(f.isNonBlocking()).isFalse();
        assertThat(f.flags() & OpenFile.O_ACCMODE).isEqualTo(OpenFile.O_RDWR);
        assertThat(f.privateData(EventFdContext.class, Errno.EINVAL)).isSameAs(f.ops());
        assertThat(p.file((int) p.eventfd(0, EventFd.EFD_NONBLOCK)).isNonBlocking())
                .isTrue();
    }

    @Test
    void pollReportsInWhileNonzeroAndErrWhenSaturated() {
        long fd = p.eventfd(0, EventFd.EFD_NONBLOCK);
        assertThat(poll(fd)).isEqualTo(POLLOUT);
        eventFd(fd).signal(1);
        assertThat(poll(fd)).isEqualTo(POLLIN | POLLOUT);
        assertThat(eventFd(fd).signal(-1L)).as("saturates at 2^64-1").isEqualTo(-2L);
        assertThat(eventFd(fd).count()).isEqualTo(-1L);
        assertThat(eventFd(fd).signal(1)).isZero();
        PollFd[] fds = {new PollFd((int) fd, POLLIN)};
        p.poll(fds, 0);
        assertThat(fds[0].revents()).isEqualTo(POLLIN | POLLERR);
        assertThat(read(fd)).isEqualTo(-1L);
        assertThat(poll(fd)).isEqualTo(POLLOUT);
    }

    @Test
    void blockingReadIsWokenByKernelSignal() throws Exception {
        long fd = p.eventfd(0, 0);
        EventFd e = eventFd(fd);
        CompletableFuture<Long> r = Threads.supply(() -> read(fd));
        Threads.await(() -> !e.waitQueue().isEmpty());
        assertThat(r).isNotDone();
        e.signal(7);
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(e.waitQueue().isEmpty()).isTrue();
    }

    @Test
    void pollIsWokenByKernelSignal() throws Exception {
        long fd = p.eventfd(0, EventFd.EFD_NONBLOCK);
        EventFd e = eventFd(fd);
        PollFd[] fds = {new PollFd((int) fd, POLLIN)};
        CompletableFuture<Long> r = Threads.supply(() -> p.poll(fds, -1));
        Threads.await(() -> !e.waitQueue().isEmpty());
        e.signal();
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(fds[0].revents()).isEqualTo(POLLIN);
    }

    @Test
    void blockedReadIsInterruptible() throws Exception {
        long fd = p.eventfd(0, 0);
        EventFd e = eventFd(fd);
        CompletableFuture<Long> r = new CompletableFuture<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            r.complete(read(fd));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Threads.await(() -> !e.waitQueue().isEmpty());
        t.interrupt();
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(Errno.EINTR.negative());
        t.join(5000);
        assertThat(stillInterrupted).isTrue();
        assertThat(e.waitQueue().isEmpty()).isTrue();
        e.signal(1);
        assertThat(read(fd)).as("the counter was not consumed").isEqualTo(1);
    }

    @Test
    void concurrentReadersEachGetASignal() throws Exception {
        long fd = p.eventfd(0, EventFd.EFD_SEMAPHORE);
        EventFd e = eventFd(fd);
        CompletableFuture<Long> a = Threads.supply(() -> read(fd));
        CompletableFuture<Long> b = Threads.supply(() -> read(fd));
        e.signal(2);
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void theContextOutlivesItsFd() {
        long fd = p.eventfd(0, 0);
        EventFdContext ctx = p.file((int) fd).privateData(EventFdContext.class, Errno.EINVAL);
        assertThat(p.close((int) fd)).isZero();
        assertThat(ctx.signal(1)).isEqualTo(1);
    }
}
