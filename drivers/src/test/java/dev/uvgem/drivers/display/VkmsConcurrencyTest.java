package dev.uvgem.drivers.display;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Vgem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flippers on several threads race for the one pending flip (nonblocking page flips behind vgem write fences),
 * while a signaller thread signals the fences, a vblank thread advances the clock and a reader drains the events:
 * every accepted flip is shown exactly once, its event delivered once, in vblank order, and nothing is left.
 */
class VkmsConcurrencyTest {
    private static final int FLIPPERS = 3;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racingFlippersFencesVblanksAndReaders() throws Exception {
        race(60);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void racingFlippersFencesVblanksAndReadersFull() throws Exception {
        race(3000);
    }

    private static void race(int flips) throws Exception {
        VkmsTestKit t = new VkmsTestKit();
        List<VkmsTestKit.Frame> frames = List.of(t.frame(1), t.frame(2), t.frame(3));
        t.setUp(frames.getFirst());
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger nextId = new AtomicInteger(1);
        AtomicBoolean done = new AtomicBoolean();
        BlockingQueue<Integer> toSignal = new LinkedBlockingQueue<>();
        Set<Long> acceptedIds = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        // One platform thread each: the common pool may have a single worker on a small machine.
        ExecutorService pool = Executors.newFixedThreadPool(FLIPPERS + 2);
        for (int i = 0; i < FLIPPERS; i++) {
            workers.add(CompletableFuture.runAsync(
                    () -> {
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        while (accepted.get() < flips) {
                            VkmsTestKit.Frame f = frames.get(rnd.nextInt(frames.size()));
                            long fence = t.k.attach(t.vgem, f.vgemHandle(), Vgem.VGEM_FENCE_WRITE);
                            long id = nextId.getAndIncrement();
                            long r = accepted.get() < flips
                                    ? t.pageFlip(t.card, f.fbId(), DrmMode.PAGE_FLIP_EVENT, id)
                                    : -1;
                            if (r == 0) {
                                acceptedIds.add(id);
                                accepted.incrementAndGet();
                            } else {
                                assertThat(r).isIn((long) Errno.EBUSY.negative(), -1L);
                            }
                            if (fence > 0) {
                                toSignal.add((int) fence);
                            } else {
                                assertThat(fence).isEqualTo(Errno.EBUSY.negative());
                            }
                            Thread.onSpinWait();
                        }
                    },
                    pool));
        }
        workers.add(CompletableFuture.runAsync(
                () -> {
                    try {
                        while (!done.get()) {
                            Integer fence = toSignal.poll(1, TimeUnit.MILLISECONDS);
                            if (fence != null) {
                                t.k.signal(t.vgem, fence);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                pool));
        workers.add(CompletableFuture.runAsync(
                () -> {
                    while (!done.get()) {
                        t.nextVblank();
                        Thread.onSpinWait();
                    }
                },
                pool));
        CompletableFuture<Void> flippers =
                CompletableFuture.allOf(workers.subList(0, FLIPPERS).toArray(new CompletableFuture[0]));
        List<DrmEventVblank> events = new ArrayList<>();
        while (!flippers.isDone() || events.size() < accepted.get()) {
            if ((t.k.poll(t.card) & PollTable.POLLIN) != 0) {
                events.addAll(t.read(t.card, 4096));
            } else {
                Thread.onSpinWait();
            }
        }
        done.set(true);
        try {
            CompletableFuture.allOf(workers.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        while (!toSignal.isEmpty()) {
            t.k.signal(t.vgem, toSignal.remove());
        }

        assertThat(accepted.get()).isGreaterThanOrEqualTo(flips);
        Set<Long> eventIds = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            DrmEventVblank e = events.get(i);
            assertThat(e.type()).isEqualTo(DrmMode.EVENT_FLIP_COMPLETE);
            assertThat(eventIds.add(e.userData())).as("each flip's event once").isTrue();
            if (i > 0) {
                assertThat(Integer.compareUnsigned(
                                e.sequence(), events.get(i - 1).sequence()))
                        .as("one flip per vblank at most, in order")
                        .isPositive();
            }
        }
        assertThat(eventIds).isEqualTo(acceptedIds);
        List<FrameCapture> shown = t.frames();
        assertThat(shown).hasSize(accepted.get() + 1);
        for (int i = 1; i < shown.size(); i++) {
            assertThat(shown.get(i).sequence()).isEqualTo(events.get(i - 1).sequence() & 0xFFFF_FFFFL);
        }
        assertThat(t.vkms.crtc().hasPendingCommit()).isFalse();
        assertThat(t.file(t.card).events().space()).isEqualTo(4096);
    }
}
