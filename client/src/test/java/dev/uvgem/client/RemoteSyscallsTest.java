package dev.uvgem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.api.MappedMemory;
import dev.uvgem.client.FakeDaemon.Request;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client against a scripted fake daemon: framing, tag matching, parked calls, interrupts, a lost connection. */
@Timeout(30)
class RemoteSyscallsTest {
    @TempDir
    Path dir;

    FakeDaemon fake;
    RemoteSyscalls sys;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeDaemon(dir);
    }

    @AfterEach
    void stop() throws IOException {
        if (sys != null) {
            sys.close();
        }
        fake.close();
    }

    private RemoteSyscalls connect() throws IOException {
        sys = RemoteSyscalls.connect(fake.path, "probe");
        return sys;
    }

    /** Runs {@code call} on another thread. */
    private static CompletableFuture<Long> async(java.util.function.LongSupplier call) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                f.complete(call.getAsLong());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static long get(CompletableFuture<Long> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void helloIsTheFirstRequestAndTellsPrivilege() throws Exception {
        fake.helloFlags = Wire.FLAG_ADMIN;
        connect();
        Request hello = fake.hello();
        assertThat(hello.op()).isEqualTo(Wire.HELLO);
        assertThat(hello.i32()).isEqualTo(1);
        assertThat(hello.str()).isEqualTo("probe");
        assertThat(sys.isAdmin()).isTrue();
        assertThat(sys.daemonVersion()).isEqualTo(FakeDaemon.VERSION);
        assertThat(sys.protocolVersion()).isEqualTo(1);
        assertThat(sys.isConnected()).isTrue();
    }

    @Test
    void aRefusedHelloIsItsErrnoAndNoDaemonIsAnIoException() {
        fake.helloResult = Errno.EPROTO.negative();
        assertThatThrownBy(this::connect)
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPROTO));
        assertThatThrownBy(() -> RemoteSyscalls.connect(dir.resolve("nobody.sock"), "x"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void everyOpIsFramedAsTheContractSays() throws Exception {
        connect();
        CompletableFuture<Long> open = async(() -> sys.open("/dev/dri/card0", 0x80002));
        Request r = fake.next();
        assertThat(r.op()).isEqualTo(Wire.OPEN);
        assertThat(r.i32()).isEqualTo(0x80002);
        assertThat(r.str()).isEqualTo("/dev/dri/card0");
        fake.reply(r.tag(), 3, new byte[0]);
        assertThat(get(open)).isEqualTo(3);

        CompletableFuture<Long> seek = async(() -> sys.lseek(3, -5, 2));
        r = fake.next();
        assertThat(r.op()).isEqualTo(Wire.LSEEK);
        assertThat(r.i32()).isEqualTo(3);
        assertThat(r.i64()).isEqualTo(-5);
        assertThat(r.i32()).isEqualTo(2);
        fake.reply(r.tag(), Errno.ESPIPE.negative(), new byte[0]);
        assertThat(get(seek)).isEqualTo(Errno.ESPIPE.negative());

        CompletableFuture<Long> efd = async(() -> sys.eventfd(7, 0x800));
        r = fake.next();
        assertThat(r.op()).isEqualTo(Wire.EVENTFD);
        assertThat(r.i32()).isEqualTo(7);
        assertThat(r.i32()).isEqualTo(0x800);
        fake.reply(r.tag(), 4, new byte[0]);
        assertThat(get(efd)).isEqualTo(4);

        for (int op : new int[] {Wire.CLOSE, Wire.DUP}) {
            CompletableFuture<Long> f = async(() -> op == Wire.CLOSE ? sys.close(9) : sys.dup(9));
            r = fake.next();
            assertThat(r.op()).isEqualTo(op);
            assertThat(r.i32()).isEqualTo(9);
            fake.reply(r.tag(), Errno.EBADF.negative(), new byte[0]);
            assertThat(get(f)).isEqualTo(Errno.EBADF.negative());
        }
    }

    @Test
    void ioctlSendsArgAndUserAndReceivesThemBack() throws Exception {
        connect();
        byte[] arg = {1, 2, 3, 4};
        byte[] user = new byte[8];
        CompletableFuture<Long> f = async(() -> sys.ioctl(3, 0xc0044400, arg, user));
        Request r = fake.next();
        assertThat(r.op()).isEqualTo(Wire.IOCTL);
        assertThat(r.i32()).isEqualTo(3);
        assertThat(r.i32()).isEqualTo(0xc0044400);
        assertThat(r.i32()).isEqualTo(4);
        byte[] got = new byte[4];
        r.body().get(got);
        assertThat(got).containsExactly(1, 2, 3, 4);
        assertThat(r.i32()).isEqualTo(8);
        ByteBuffer reply = ByteBuffer.allocate(4 + 4 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        reply.putInt(4).put(new byte[] {9, 8, 7, 6}).putInt(8).putLong(0x1122334455667788L);
        fake.reply(r.tag(), 0, reply.array());
        assertThat(get(f)).isZero();
        assertThat(arg).containsExactly(9, 8, 7, 6);
        assertThat(ByteBuffer.wrap(user).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(0x1122334455667788L);

        CompletableFuture<Long> none = async(() -> sys.ioctl(3, 0x6400, null, null));
        r = fake.next();
        assertThat(r.body().remaining()).isEqualTo(16);
        fake.reply(r.tag(), Errno.ENOTTY.negative(), FakeDaemon.le(0, 0));
        assertThat(get(none)).isEqualTo(Errno.ENOTTY.negative());
    }

    @Test
    void repliesAreMatchedByTagInAnyOrder() throws Exception {
        connect();
        CompletableFuture<Long> a = async(() -> sys.lseek(3, 100, 0));
        Request ra = fake.next();
        CompletableFuture<Long> b = async(() -> sys.dup(4));
        Request rb = fake.next();
        assertThat(ra.tag()).isNotEqualTo(rb.tag());
        fake.reply(rb.tag(), 5, new byte[0]);
        assertThat(get(b)).isEqualTo(5);
        assertThat(a).isNotDone();
        fake.reply(ra.tag(), 100, new byte[0]);
        assertThat(get(a)).isEqualTo(100);
    }

    /** Whichever thread is reading stops when its own reply is in; a waiting thread takes the reading over. */
    @Test
    void theReadingPassesToAThreadStillWaiting() throws Exception {
        connect();
        List<CompletableFuture<Long>> calls = new ArrayList<>();
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int fd = 20 + i;
            calls.add(async(() -> sys.dup(fd)));
            requests.add(fake.next());
        }
        for (int i = 0; i < 4; i++) { // in the order sent: each reader's own reply comes first
            Request r = requests.get(i);
            fake.reply(r.tag(), 100 + r.i32(), new byte[0]);
            assertThat(get(calls.get(i))).isEqualTo(120 + i);
        }
    }

    @Test
    void aParkedPollHoldsUpNoOtherThread() throws Exception {
        connect();
        short[] revents = new short[2];
        CompletableFuture<Long> poll = async(() -> sys.poll(new int[] {5, -1}, new short[] {1, 4}, revents, -1));
        Request rp = fake.next();
        assertThat(rp.op()).isEqualTo(Wire.POLL);
        assertThat(rp.i32()).isEqualTo(2);
        assertThat(rp.i32()).isEqualTo(5);
        assertThat(rp.body().getShort()).isEqualTo((short) 1);
        assertThat(rp.body().getShort()).isZero();
        assertThat(rp.i32()).isEqualTo(-1);
        assertThat(rp.body().getShort()).isEqualTo((short) 4);
        assertThat(rp.body().getShort()).isZero();
        assertThat(rp.i32()).isEqualTo(-1);

        // another thread's ioctl goes out and comes back while the poll stays parked
        byte[] arg = new byte[4];
        CompletableFuture<Long> ioctl = async(() -> sys.ioctl(5, 0x40084401, arg, null));
        Request ri = fake.next();
        fake.reply(ri.tag(), 0, concat(FakeDaemon.le(4, 42), FakeDaemon.le(0)));
        assertThat(get(ioctl)).isZero();
        assertThat(ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(42);
        assertThat(poll).isNotDone();

        fake.reply(rp.tag(), 1, new byte[] {1, 0, 0, 0});
        assertThat(get(poll)).isEqualTo(1);
        assertThat(revents).containsExactly((short) 1, (short) 0);
    }

    /**
     * The hang of a busy connection, made deterministic: the reader (a parked poll) is interrupted and stops
     * reading to send CANCEL, which queues behind a writer whose 8 MiB frame fills the socket; the daemon has
     * stopped reading the connection until its 8 MiB reply to the poll is read (as it pauses a client whose
     * replies back up). Nobody reading while every thread waits to write was a deadlock; the writer must drain
     * the replies itself while it waits.
     */
    @Test
    void aWriterBlockedOnAFullSocketReadsTheRepliesThatUnblockIt() throws Exception {
        connect();
        AtomicReference<Thread> poller = new AtomicReference<>();
        CompletableFuture<Long> poll = async(() -> {
            poller.set(Thread.currentThread());
            return sys.poll(new int[] {5}, new short[] {1}, new short[1], -1);
        });
        Request rp = fake.next();
        fake.pauseReading();
        byte[] big = new byte[8 << 20];
        big[big.length - 1] = 7;
        CompletableFuture<Long> write = async(() -> sys.ioctl(5, 0x40084401, new byte[8], big));
        Thread.sleep(100); // the writer fills the socket and blocks
        poller.get().interrupt(); // the reader leaves to send CANCEL, which waits for the blocked writer
        Thread.sleep(100);
        CompletableFuture<Void> bigReply = CompletableFuture.runAsync(() -> {
            try {
                fake.reply(rp.tag(), 1, new byte[8 << 20]); // returns once the client has read it
                fake.resumeReading();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        bigReply.get(10, TimeUnit.SECONDS);
        assertThat(get(poll)).as("the poll's reply, read by the blocked writer").isEqualTo(1);
        Request ri = fake.next();
        assertThat(ri.op()).isEqualTo(Wire.IOCTL);
        assertThat(fake.next().op()).isEqualTo(Wire.CANCEL);
        fake.reply(ri.tag(), Errno.ENOENT.negative(), concat(concat(FakeDaemon.le(8), new byte[8]), FakeDaemon.le(0)));
        assertThat(get(write)).isEqualTo(Errno.ENOENT.negative());
        assertThat(sys.isConnected()).isTrue();
    }

    @Test
    void closeDoesNotWaitForeverForAWriterStuckOnADaemonThatReadsNothing() throws Exception {
        connect();
        fake.pauseReading();
        CompletableFuture<Long> write = async(() -> sys.ioctl(5, 0x40084401, new byte[8], new byte[8 << 20]));
        Thread.sleep(100); // the writer fills the socket and waits
        long t0 = System.nanoTime();
        sys.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(RemoteSyscalls.CLOSE_GRACE.plusSeconds(3));
        assertThat(get(write)).isEqualTo(Errno.ENOTCONN.negative());
        fake.resumeReading();
    }

    @Test
    void anInterruptCancelsTheParkedCallAndKeepsTheConnection() throws Exception {
        connect();
        AtomicReference<Thread> poller = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        CompletableFuture<Long> poll = async(() -> {
            poller.set(Thread.currentThread());
            long r = sys.poll(new int[] {5}, new short[] {1}, new short[1], -1);
            stillInterrupted.set(Thread.currentThread().isInterrupted());
            return r;
        });
        Request rp = fake.next();
        poller.get().interrupt();
        Request cancel = fake.next();
        assertThat(cancel.op()).isEqualTo(Wire.CANCEL);
        assertThat(cancel.i32()).isEqualTo(rp.tag());
        fake.reply(cancel.tag(), 0, new byte[0]);
        fake.reply(rp.tag(), Errno.EINTR.negative(), new byte[0]);
        assertThat(get(poll)).isEqualTo(Errno.EINTR.negative());
        assertThat(stillInterrupted.get()).isTrue();

        // a thread that is interrupted already neither breaks the (non-blocking) socket nor loses its reply
        CompletableFuture<Long> seek = async(() -> {
            Thread.currentThread().interrupt();
            return sys.lseek(3, 7, 0);
        });
        Request rs = fake.next();
        assertThat(rs.op()).isEqualTo(Wire.LSEEK);
        Request c2 = fake.next();
        assertThat(c2.op()).isEqualTo(Wire.CANCEL);
        fake.reply(c2.tag(), Errno.ENOENT.negative(), new byte[0]);
        fake.reply(rs.tag(), 7, new byte[0]);
        assertThat(get(seek)).isEqualTo(7);
        assertThat(sys.isConnected()).isTrue();

        CompletableFuture<Long> dup = async(() -> sys.dup(3));
        Request rd = fake.next();
        fake.reply(rd.tag(), 4, new byte[0]);
        assertThat(get(dup)).isEqualTo(4);
    }

    @Test
    void aLostConnectionFailsEveryPendingAndLaterCall() throws Exception {
        connect();
        CompletableFuture<Long> poll = async(() -> sys.poll(new int[] {5}, new short[] {1}, new short[1], -1));
        CompletableFuture<Long> read = async(() -> sys.read(5, new byte[8], 0, 8));
        fake.next();
        fake.next();
        fake.disconnect();
        assertThat(get(poll)).isEqualTo(Errno.ENOTCONN.negative());
        assertThat(get(read)).isEqualTo(Errno.ENOTCONN.negative());
        assertThat(sys.isConnected()).isFalse();
        assertThat(sys.lseek(3, 0, 0)).isEqualTo(Errno.ENOTCONN.negative());
        assertThat(sys.ioctl(3, 0, new byte[4], null)).isEqualTo(Errno.ENOTCONN.negative());
        assertThatThrownBy(() -> sys.mmap(3, 0, 4096, Mman.PROT_READ))
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN));
        assertThat(sys.toString()).contains("not connected");
    }

    @Test
    void aGarbledReplyStreamEndsTheConnection() throws Exception {
        connect();
        CompletableFuture<Long> dup = async(() -> sys.dup(3));
        fake.next();
        fake.raw(ByteBuffer.wrap(FakeDaemon.le(3, 0, 0)));
        assertThat(get(dup)).isEqualTo(Errno.ENOTCONN.negative());
        assertThat(sys.dup(3)).isEqualTo(Errno.ENOTCONN.negative());
    }

    @Test
    void closeEndsTheProcessAndLaterCallsAreNotConnected() throws Exception {
        connect();
        sys.close();
        assertThat(fake.sawEof()).isTrue();
        assertThat(sys.dup(3)).isEqualTo(Errno.ENOTCONN.negative());
        sys.close();
    }

    @Test
    void closeLetsRepliesOnTheirWayArrive() throws Exception {
        fake.closeOnEof = false;
        connect();
        CompletableFuture<Long> dup = async(() -> sys.dup(3));
        Request r = fake.next();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(sys::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!fake.sawEof() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(fake.sawEof()).isTrue();
        fake.reply(r.tag(), 4, new byte[0]);
        fake.disconnect();
        closed.get(10, TimeUnit.SECONDS);
        assertThat(get(dup)).isEqualTo(4);
    }

    @Test
    void readFdPassingAndTheirBytes() throws Exception {
        connect();
        byte[] buf = new byte[10];
        CompletableFuture<Long> read = async(() -> sys.read(6, buf, 2, 8));
        Request r = fake.next();
        assertThat(r.op()).isEqualTo(Wire.READ);
        assertThat(r.i32()).isEqualTo(6);
        assertThat(r.i32()).isEqualTo(8);
        fake.reply(r.tag(), 3, "abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(get(read)).isEqualTo(3);
        assertThat(Arrays.copyOfRange(buf, 2, 5)).containsExactly('a', 'b', 'c');
        assertThat(sys.read(6, buf, 4, 8)).isEqualTo(Errno.EFAULT.negative());

        byte[] token = new byte[16];
        CompletableFuture<Long> send = async(() -> sys.fdSend(6, token));
        r = fake.next();
        assertThat(r.op()).isEqualTo(Wire.FD_SEND);
        assertThat(r.i32()).isEqualTo(6);
        byte[] minted = new byte[16];
        Arrays.fill(minted, (byte) 0x5a);
        fake.reply(r.tag(), 0, minted);
        assertThat(get(send)).isZero();
        assertThat(token).isEqualTo(minted);

        CompletableFuture<Long> recv = async(() -> sys.fdRecv(token));
        r = fake.next();
        assertThat(r.op()).isEqualTo(Wire.FD_RECV);
        assertThat(r.body().remaining()).isEqualTo(16);
        fake.reply(r.tag(), 7, new byte[0]);
        assertThat(get(recv)).isEqualTo(7);
        assertThat(sys.fdRecv(new byte[3])).isEqualTo(Errno.EFAULT.negative());
    }

    @Test
    void mmapMapsTheNamedFileSharedAtItsOffset() throws Exception {
        connect();
        Path file = dir.resolve("buffer");
        Files.write(file, new byte[3 * 4096]);
        CompletableFuture<MappedMemory> map =
                CompletableFuture.supplyAsync(() -> sys.mmap(3, 0x100000L, 4096, Mman.PROT_READ | Mman.PROT_WRITE));
        Request r = fake.next();
        assertThat(r.op()).isEqualTo(Wire.MMAP);
        assertThat(r.i32()).isEqualTo(3);
        assertThat(r.i64()).isEqualTo(0x100000L);
        assertThat(r.i64()).isEqualTo(4096);
        assertThat(r.i32()).isEqualTo(Mman.PROT_READ | Mman.PROT_WRITE);
        byte[] p = file.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(2 + p.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        body.putShort((short) p.length).put(p).putLong(4096);
        fake.reply(r.tag(), 0, body.array());
        try (MappedMemory m = map.get(10, TimeUnit.SECONDS)) {
            assertThat(m.segment().byteSize()).isEqualTo(4096);
            m.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x01020304);
            m.close();
        }
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(3 * 4096);
        assertThat(Arrays.copyOfRange(bytes, 4096, 4100)).containsExactly(4, 3, 2, 1);

        CompletableFuture<MappedMemory> refused =
                CompletableFuture.supplyAsync(() -> sys.mmap(3, 0, 1L << 40, Mman.PROT_READ));
        r = fake.next();
        fake.reply(r.tag(), Errno.EINVAL.negative(), new byte[0]);
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));

        // a file shorter than the range the daemon named is never grown
        CompletableFuture<MappedMemory> shortFile =
                CompletableFuture.supplyAsync(() -> sys.mmap(3, 0, 8 * 4096, Mman.PROT_READ | Mman.PROT_WRITE));
        r = fake.next();
        body.rewind();
        fake.reply(r.tag(), 0, body.array());
        assertThatThrownBy(() -> shortFile.get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
        assertThat(Files.size(file)).isEqualTo(3 * 4096);
    }

    @Test
    void manyThreadsShareTheConnection() throws Exception {
        connect();
        int threads = 8;
        int calls = 300;
        List<CompletableFuture<Long>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int fd = 10 + t;
            workers.add(async(() -> {
                for (int i = 0; i < calls; i++) {
                    long r = sys.lseek(fd, fd * 100_000L + i, 0);
                    if (r != fd * 100_000L + i) {
                        return (long) i;
                    }
                }
                return -1L;
            }));
        }
        // answer in shuffled batches: replies come back in an order unrelated to the requests'
        int answered = 0;
        List<Request> batch = new ArrayList<>();
        while (answered < threads * calls) {
            Request r = batch.isEmpty() ? fake.next() : fake.next(1);
            if (r != null) {
                batch.add(r);
            }
            if (r == null || batch.size() == threads) {
                Collections.shuffle(batch);
                for (Request q : batch) {
                    q.i32();
                    fake.reply(q.tag(), q.i64(), new byte[0]);
                }
                answered += batch.size();
                batch.clear();
            }
        }
        for (CompletableFuture<Long> w : workers) {
            assertThat(get(w)).as("the first call whose reply went astray").isEqualTo(-1L);
        }
    }

    @Test
    void tooBigAnIoctlIsRefusedHereAndTheConnectionKept() throws Exception {
        connect();
        assertThat(sys.ioctl(3, 0, new byte[8], new byte[Wire.MAX_FRAME])).isEqualTo(Errno.EMSGSIZE.negative());
        assertThat(sys.isConnected()).isTrue();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
