package dev.uvgem.core.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.container.FenceArray;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The promises that the lock-free add-callback and signal paths must keep under races, beyond {@link
 * FenceRaceTest}: a node moved from fence to fence while they signal never runs for the wrong fence or twice,
 * a rejected registration always sees the fence signalled with its error, an error is never set after the
 * signal, readers never see a stale timestamp, and a signal racing a driver's enableSignaling hook waits for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FenceLockFreeTest {
    private static final int ROUNDS = 2000;
    private final VirtualClock clock = new VirtualClock();

    private Fence fence() {
        return Fence.create(clock, "lf", "lf", FenceContext.allocate(), 1);
    }

    /** Runs {@code a} and {@code b} on two threads released together, {@code rounds} times. */
    private static void race(int rounds, Runnable setUp, Runnable a, Runnable b, Runnable check) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < rounds && failure.get() == null; i++) {
            setUp.run();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    b.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            start.await();
            try {
                a.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
            t.join();
            if (failure.get() == null) {
                check.run();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("racing thread failed", failure.get());
        }
    }

    /** A node that records every fence it ran for. */
    private static final class Recorder extends FenceCallback {
        final List<Fence> ranFor = new ArrayList<>();

        @Override
        protected synchronized void onSignal(Fence fence) {
            ranFor.add(fence);
        }

        synchronized List<Fence> runs() {
            return new ArrayList<>(ranFor);
        }
    }

    @Test
    void aNodeMovedBetweenFencesWhileTheySignalRunsOncePerRegistrationForTheRightFence() throws Exception {
        AtomicReference<Fence[]> fences = new AtomicReference<>();
        Recorder moving = new Recorder();
        Recorder[] others = new Recorder[8];
        AtomicInteger registrations = new AtomicInteger();
        List<Fence> registeredOn = new ArrayList<>();
        race(
                ROUNDS,
                () -> {
                    fences.set(new Fence[] {fence(), fence()});
                    moving.ranFor.clear();
                    registeredOn.clear();
                    registrations.set(0);
                    for (int i = 0; i < others.length; i++) {
                        others[i] = new Recorder();
                        fences.get()[i % 2].addCallback(others[i]);
                    }
                },
                () -> {
                    // Move the node back and forth: add, remove (or see it run), re-add on the other fence.
                    Fence[] fs = fences.get();
                    for (int i = 0; i < 6; i++) {
                        Fence f = fs[i % 2];
                        if (moving.isPending()) {
                            continue;
                        }
                        if (f.addCallback(moving) == 0) {
                            registrations.incrementAndGet();
                            registeredOn.add(f);
                            if (f.removeCallback(moving)) {
                                registrations.decrementAndGet();
                                registeredOn.remove(registeredOn.size() - 1);
                            }
                        }
                    }
                },
                () -> {
                    Fence[] fs = fences.get();
                    fs[1].signal();
                    fs[0].signal();
                },
                () -> {
                    Fence[] fs = fences.get();
                    assertThat(moving.isPending()).isFalse();
                    assertThat(moving.runs()).containsExactlyElementsOf(registeredOn);
                    for (int i = 0; i < others.length; i++) {
                        assertThat(others[i].runs()).containsExactly(fs[i % 2]);
                    }
                });
    }

    @Test
    void aRejectedRegistrationAlwaysSeesTheSignalAndItsError() throws Exception {
        AtomicReference<Fence> fence = new AtomicReference<>();
        race(
                ROUNDS,
                () -> fence.set(fence()),
                () -> {
                    Fence f = fence.get();
                    for (int i = 0; i < 32; i++) {
                        Recorder r = new Recorder();
                        if (f.addCallback(r) != 0) {
                            assertThat(f.isSignaledFlag()).isTrue();
                            assertThat(f.error()).isEqualTo(Errno.ETIME.negative());
                            assertThat(f.timestamp()).isEqualTo(77);
                            return;
                        }
                    }
                },
                () -> {
                    Fence f = fence.get();
                    f.setError(Errno.ETIME);
                    f.signalTimestamp(77);
                },
                () -> assertThat(fence.get().status()).isEqualTo(Errno.ETIME.negative()));
    }

    @Test
    void anErrorIsNeverSetAfterTheSignal() throws Exception {
        AtomicReference<Fence> fence = new AtomicReference<>();
        AtomicBoolean setFirst = new AtomicBoolean();
        AtomicInteger seenAtSignal = new AtomicInteger();
        race(
                ROUNDS,
                () -> {
                    fence.set(fence());
                    fence.get().addCallback(FenceCallback.of(f -> seenAtSignal.set(f.status())));
                    setFirst.set(false);
                },
                () -> {
                    try {
                        fence.get().setError(Errno.EIO);
                        setFirst.set(true);
                    } catch (IllegalStateException e) {
                        assertThat(fence.get().isSignaledFlag()).isTrue();
                    }
                },
                () -> fence.get().signal(),
                () -> {
                    int expected = setFirst.get() ? Errno.EIO.negative() : 1;
                    assertThat(fence.get().status()).isEqualTo(expected);
                    assertThat(seenAtSignal).hasValue(expected);
                });
    }

    @Test
    void aReaderThatSeesTheSignalSeesItsTimestamp() throws Exception {
        AtomicReference<Fence> fence = new AtomicReference<>();
        race(
                ROUNDS,
                () -> fence.set(fence()),
                () -> {
                    Fence f = fence.get();
                    while (!f.isSignaledFlag()) {
                        Thread.yield(); // two cores: leave the signaller room
                    }
                    assertThat(f.timestamp()).isEqualTo(12345);
                },
                () -> fence.get().signalTimestamp(12345),
                () -> {});
    }

    @Test
    void aSignalRacingTheEnableSignalingHookWaitsForIt() throws Exception {
        CountDownLatch inHook = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean hookDone = new AtomicBoolean();
        Fence f = new Fence(
                new FenceOps() {
                    @Override
                    public String driverName(Fence fence) {
                        return "hooked";
                    }

                    @Override
                    public String timelineName(Fence fence) {
                        return "hooked";
                    }

                    @Override
                    public boolean enableSignaling(Fence fence) {
                        inHook.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        hookDone.set(true);
                        return true;
                    }
                },
                clock,
                FenceContext.allocate(),
                1) {};
        AtomicBoolean ranAfterHook = new AtomicBoolean();
        Thread adder =
                Thread.ofPlatform().start(() -> f.addCallback(FenceCallback.of(x -> ranAfterHook.set(hookDone.get()))));
        inHook.await();
        Thread signaller = Thread.ofPlatform().start(f::signal);
        Thread.sleep(50);
        assertThat(f.isSignaledFlag()).as("signal held back by the hook").isFalse();
        release.countDown();
        adder.join();
        signaller.join();
        assertThat(f.isSignaledFlag()).isTrue();
        assertThat(ranAfterHook)
                .as("the callback registered by the hooked call ran")
                .isTrue();
    }

    @Test
    void arrayMembersFailingTogetherRecordOneErrorWithoutThrowing() throws Exception {
        AtomicReference<Fence[]> members = new AtomicReference<>();
        AtomicReference<FenceArray> array = new AtomicReference<>();
        race(
                ROUNDS,
                () -> {
                    members.set(new Fence[] {fence(), fence()});
                    array.set(FenceArray.create(members.get(), FenceContext.allocate(), 1, true));
                    array.get().enableSwSignaling();
                },
                () -> members.get()[0].signalWithError(Errno.EIO.negative()),
                () -> members.get()[1].signalWithError(Errno.ETIME.negative()),
                () -> {
                    assertThat(array.get().isSignaledFlag()).isTrue();
                    assertThat(array.get().error()).isIn(Errno.EIO.negative(), Errno.ETIME.negative());
                });
    }
}
