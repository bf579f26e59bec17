package dev.uvgem.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads of two processes open, dup, close, poll, map and pass files while one process exits under them: every
 * file must still be released exactly once and no call may report anything but a value or a known -errno.
 */
class ConcurrentExitTest {
    @Test
    @Timeout(20)
    void exitUnderConcurrentCalls() throws Exception {
        rounds(40, 300);
    }

    @Test
    @Tag("stress")
    @Timeout(600)
    void exitUnderConcurrentCallsStress() throws Exception {
        rounds(2000, 2000);
    }

    private static void rounds(int rounds, int callsPerThread) throws Exception {
        for (int round = 0; round < rounds; round++) {
            round(round, callsPerThread);
        }
    }

    private static void round(long seed, int callsPerThread) throws Exception {
        VirtualClock clock = new VirtualClock();
        Kernel kernel = new Kernel(KernelConfig.defaults(clock).withLimits(new KernelConfig.ProcessLimits(16)));
        FakeDevice card = new FakeDevice();
        card.ops.mask = PollTable.POLLOUT;
        kernel.register("/dev/dri/card0", card, PathAccess.EVERYONE);
        Process victim = kernel.spawn("victim", false);
        Process peer = kernel.spawn("peer", false);
        AtomicReference<String> bad = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<byte[]> tokens = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 3; t++) {
            SplittableRandom random = new SplittableRandom(seed * 31 + t);
            Process p = t == 2 ? peer : victim;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < callsPerThread; i++) {
                    long r = call(p, random, tokens);
                    if (r < 0 && Errno.lookup((int) r) == null) {
                        bad.set("call returned " + r);
                    }
                    if (r == Errno.EIO.negative()) {
                        bad.set("a bug: EIO");
                    }
                }
            }));
        }
        start.countDown();
        Thread.sleep(0, new SplittableRandom(seed).nextInt(200_000));
        victim.exit();
        for (Thread t : threads) {
            t.join();
        }
        kernel.close();
        clock.advance(Duration.ofMinutes(2));
        assertThat(bad.get()).isNull();
        assertThat(card.ops.doubleReleases).hasValue(0);
        assertThat(card.ops.releases).hasValue(card.opens());
        assertThat(card.ops.mappings).allSatisfy(m -> assertThat(m.closes).hasValue(1));
    }

    private static long call(Process p, SplittableRandom random, List<byte[]> tokens) {
        int fd = 3 + random.nextInt(13);
        switch (random.nextInt(8)) {
            case 0, 1:
                return p.open("/dev/dri/card0", Process.O_RDWR);
            case 2:
                return p.close(fd);
            case 3:
                return p.dup(fd);
            case 4:
                return p.poll(new PollFd[] {new PollFd(fd, PollTable.POLLOUT)}, 0);
            case 5:
                return p.mmap(fd, 0, 4096, Process.PROT_READ);
            case 6: {
                byte[] token = new byte[16];
                long r = p.fdSend(fd, token);
                if (r == 0) {
                    tokens.add(token);
                }
                return r;
            }
            default: {
                byte[] token;
                synchronized (tokens) {
                    token = tokens.isEmpty() ? new byte[16] : tokens.remove(tokens.size() - 1);
                }
                return p.fdRecv(token);
            }
        }
    }
}
