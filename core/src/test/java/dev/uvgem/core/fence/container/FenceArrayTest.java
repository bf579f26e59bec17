package dev.uvgem.core.fence.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.testsupport.CountingCallback;
import dev.uvgem.core.testsupport.TestFences;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** dma_fence_array semantics: all/any, first error wins, the poll hook and its edge, deadlines, validation. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FenceArrayTest {
    private final VirtualClock clock = new VirtualClock();

    private Fence fence() {
        return Fence.create(clock, "mock", "mock", FenceContext.allocate(), 1);
    }

    private Fence[] fences(int n) {
        Fence[] out = new Fence[n];
        for (int i = 0; i < n; i++) {
            out[i] = fence();
        }
        return out;
    }

    private static FenceArray array(Fence[] members, boolean signalOnAny) {
        return FenceArray.create(members, FenceContext.allocate(), 1, signalOnAny);
    }

    @Test
    void signalOnAllWaitsForTheLastMember() {
        Fence[] m = fences(3);
        FenceArray a = array(m, false);
        CountingCallback cb = new CountingCallback();
        assertThat(a.addCallback(cb)).isZero();
        m[2].signal();
        m[0].signal();
        assertThat(a.isSignaled()).isFalse();
        clock.advanceNanos(10);
        m[1].signal();
        assertThat(a.isSignaledFlag())
                .as("signalled by the last member's callback")
                .isTrue();
        assertThat(cb.runs).hasValue(1);
        assertThat(a.status()).isEqualTo(1);
        assertThat(a.timestamp()).isEqualTo(clock.nanoTime());
    }

    @Test
    void signalOnAnySignalsWithTheFirstMember() {
        Fence[] m = fences(3);
        FenceArray a = array(m, true);
        a.enableSwSignaling();
        m[1].signal();
        assertThat(a.isSignaledFlag()).isTrue();
        m[0].signal();
        m[2].signal();
        assertThat(a.status()).isEqualTo(1);
    }

    @Test
    void membersAlreadySignalledAtEnablingCountAtOnce() {
        Fence[] m = fences(2);
        m[0].signal();
        m[1].signal();
        FenceArray a = array(m, false);
        CountingCallback cb = new CountingCallback();
        assertThat(a.addCallback(cb)).as("complete during enabling").isEqualTo(Errno.ENOENT.negative());
        assertThat(a.isSignaledFlag()).isTrue();
        assertThat(cb.runs).hasValue(0);

        Fence[] any = fences(3);
        any[2].signal();
        FenceArray b = array(any, true);
        b.enableSwSignaling();
        assertThat(b.isSignaledFlag()).isTrue();
    }

    @Test
    void firstMemberErrorWins() {
        Fence[] m = fences(3);
        FenceArray a = array(m, false);
        a.enableSwSignaling();
        m[1].signalWithError(Errno.ENODATA.negative());
        m[0].signalWithError(Errno.EIO.negative());
        assertThat(a.status()).as("not visible before the array signals").isZero();
        m[2].signal();
        assertThat(a.status()).isEqualTo(Errno.ENODATA.negative());
    }

    @Test
    void errorOfAMemberSignalledBeforeEnablingIsCarried() {
        Fence[] m = fences(2);
        m[0].signalWithError(Errno.ETIME.negative());
        FenceArray a = array(m, false);
        a.enableSwSignaling();
        m[1].signalWithError(Errno.EIO.negative());
        assertThat(a.status()).isEqualTo(Errno.ETIME.negative());

        Fence[] all = fences(2);
        all[0].signal();
        all[1].signalWithError(Errno.ECANCELED.negative());
        FenceArray b = array(all, false);
        b.enableSwSignaling();
        assertThat(b.status()).as("complete during enabling, error kept").isEqualTo(Errno.ECANCELED.negative());
    }

    @Test
    void signalOnAnyIgnoresErrorsAfterItSignalled() {
        Fence[] m = fences(2);
        FenceArray a = array(m, true);
        a.enableSwSignaling();
        m[0].signal();
        m[1].signalWithError(Errno.EIO.negative());
        assertThat(a.status()).isEqualTo(1);
    }

    /** The edge: found complete by counting before anything was armed, the array drops member errors. */
    @Test
    void pollHookWithoutEnablingCountsMembersAndDropsErrors() {
        Fence[] m = fences(2);
        FenceArray a = array(m, false);
        m[0].signalWithError(Errno.EIO.negative());
        assertThat(a.isSignaled()).isFalse();
        m[1].signal();
        assertThat(a.isSignalingEnabled()).isFalse();
        assertThat(a.isSignaled()).isTrue();
        assertThat(a.status())
                .as("member error not propagated on the poll path")
                .isEqualTo(1);

        // The same members seen through enabling do carry the error.
        FenceArray enabled = array(m, false);
        enabled.enableSwSignaling();
        assertThat(enabled.status()).isEqualTo(Errno.EIO.negative());
    }

    @Test
    void pollHookWithoutEnablingForSignalOnAny() {
        Fence[] m = fences(3);
        FenceArray a = array(m, true);
        assertThat(a.isSignaled()).isFalse();
        m[2].signal();
        assertThat(a.isSignaled()).isTrue();
        assertThat(a.isSignalingEnabled()).isFalse();
    }

    @Test
    void pollHookAfterEnablingTrustsTheCount() {
        Fence[] m = fences(2);
        FenceArray a = array(m, false);
        a.enableSwSignaling();
        m[0].signal();
        assertThat(a.isSignaled()).isFalse();
        m[1].signal();
        assertThat(a.isSignaled()).isTrue();
    }

    @Test
    void waitersWakeWhenTheArrayCompletes() throws Exception {
        SystemClock real = new SystemClock();
        Fence[] m = new Fence[4];
        for (int i = 0; i < m.length; i++) {
            m[i] = Fence.create(real, "mock", "mock", FenceContext.allocate(), 1);
        }
        FenceArray a = array(m, false);
        assertThat(a.clock()).isSameAs(real);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Integer> waiter = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            started.countDown();
            waiter.complete(a.await(false));
        });
        started.await();
        for (Fence f : m) {
            Thread.ofPlatform().start(f::signal);
        }
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(a.status()).isEqualTo(1);
    }

    @Test
    void concurrentMembersSignalTheArrayExactlyOnce() throws Exception {
        SystemClock real = new SystemClock();
        for (int round = 0; round < 200; round++) {
            Fence[] m = new Fence[3];
            for (int i = 0; i < m.length; i++) {
                m[i] = Fence.create(real, "mock", "mock", FenceContext.allocate(), 1);
            }
            FenceArray a = array(m, round % 2 == 0);
            CountingCallback cb = new CountingCallback();
            a.addCallback(cb);
            Thread[] ts = new Thread[m.length];
            for (int i = 0; i < m.length; i++) {
                Fence f = m[i];
                int err = i == 1 ? Errno.EIO.negative() : 0;
                ts[i] = Thread.ofPlatform().start(() -> {
                    if (err != 0) {
                        f.signalWithError(err);
                    } else {
                        f.signal();
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(a.isSignaledFlag()).isTrue();
            assertThat(cb.runs).hasValue(1);
            if (!a.signalOnAny()) {
                assertThat(a.status()).isEqualTo(Errno.EIO.negative());
            }
        }
    }

    @Test
    void deadlineIsForwardedToAllMembers() {
        List<Long> seen = new ArrayList<>();
        FenceOps ops = TestFences.deadlines("d", "d", (fence, deadlineNanos) -> seen.add(deadlineNanos));
        Fence[] m = {TestFences.fence(clock, ops), TestFences.fence(clock, ops), TestFences.fence(clock, ops)};
        FenceArray a = array(m, false);
        m[0].signal();
        a.setDeadline(77);
        assertThat(seen).as("signalled members ignore it").containsExactly(77L, 77L);
    }

    @Test
    void accessorsAndNames() {
        long ctx = FenceContext.allocate();
        Fence[] m = {
            Fence.create(clock, "a", "a", ctx, 1), Fence.create(clock, "a", "a", ctx, 2),
        };
        FenceArray a = FenceArray.create(m, FenceContext.allocate(), 9, false);
        m[0] = fence(); // the array copied its input
        assertThat(a.members()).hasSize(2).doesNotContain(m[0]);
        assertThatThrownBy(() -> a.members().add(fence())).isInstanceOf(UnsupportedOperationException.class);
        assertThat(a.size()).isEqualTo(2);
        assertThat(a.member(1)).isSameAs(a.members().get(1));
        assertThat(a.member(2)).isNull();
        assertThat(a.seqno()).isEqualTo(9);
        assertThat(a.isSeqno64()).isFalse();
        assertThat(a.driverName()).isEqualTo("dma_fence_array");
        assertThat(a.timelineName()).isEqualTo("unbound");
        assertThat(FenceArray.asArray(a)).isSameAs(a);
        assertThat(FenceArray.asArray(m[1])).isNull();
        assertThat(a.matchContext(ctx)).isTrue();
        assertThat(a.matchContext(ctx + 1)).isFalse();
        assertThat(FenceArray.matchContext(a, ctx)).isTrue();
        assertThat(FenceArray.matchContext(m[1], ctx)).isTrue();
        assertThat(FenceArray.matchContext(m[0], ctx)).isFalse();
    }

    @Test
    void containersEmptyAndNullMembersAreRejected() {
        Fence f = fence();
        FenceArray inner = array(new Fence[] {f}, false);
        FenceChain chain = FenceChain.create(null, fence(), 1);
        assertThatThrownBy(() -> array(new Fence[] {f, inner}, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> array(new Fence[] {chain}, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> array(new Fence[0], false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> array(null, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> array(new Fence[] {f, null}, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void arrayOfClocklessStubsStillWorks() {
        FenceArray a = array(new Fence[] {Fence.stub(), Fence.privateStub(5)}, false);
        assertThat(a.clock()).isNotNull();
        assertThat(a.waitTimeout(false, 1000)).isEqualTo(1000);
        assertThat(a.status()).isEqualTo(1);
    }
}
