package dev.uvgem.core.resv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.fence.container.FenceArray;
import dev.uvgem.core.fence.container.FenceChain;
import dev.uvgem.core.testsupport.TestFences;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.testsupport.Threads.Running;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernel's st-dma-resv KUnit suite (sanitycheck, then four cases for each of the four usages), followed by
 * the replacement rule, growth, queries, waits and debug text of {@code dma_resv}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DmaResvTest {
    private static final long SECOND = 1_000_000_000L;

    private final VirtualClock clock = new VirtualClock();

    private Fence alloc() {
        return Fence.create(clock, "selftest", "selftest", FenceContext.allocate(), 0);
    }

    private Fence fence(long context, long seqno) {
        return Fence.create(clock, "drv", "tl", context, seqno);
    }

    private static List<Object> entries(Reservation resv, ResvUsage usage) {
        List<Object> out = new ArrayList<>();
        resv.forEachLocked(usage, (f, u) -> {
            out.add(f);
            out.add(u);
        });
        return out;
    }

    /** Locks {@code resv} without a context, reserves {@code n} slots and adds {@code fences} with {@code u}. */
    private static void add(Reservation resv, ResvUsage u, Fence... fences) {
        assertThat(resv.lock(null)).isZero();
        try {
            resv.reserveFences(fences.length);
            for (Fence f : fences) {
                resv.addFence(f, u);
            }
        } finally {
            resv.unlock();
        }
    }

    // ---------------------------------------------------------------- st-dma-resv

    @Test
    void sanitycheck() {
        Fence f = alloc();
        f.signal();
        Reservation resv = new Reservation();
        assertThat(resv.lock(null)).as("Resv locking failed").isZero();
        resv.unlock();
        resv.fini();
    }

    @ParameterizedTest
    @EnumSource(ResvUsage.class)
    void testSignaling(ResvUsage usage) {
        Fence f = alloc();
        Reservation resv = new Reservation();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(1);
        resv.addFence(f, usage);
        assertThat(resv.testSignaled(usage)).as("Resv unexpectedly signaled").isFalse();
        f.signal();
        assertThat(resv.testSignaled(usage)).as("Resv not reporting signaled").isTrue();
        resv.unlock();
        resv.fini();
    }

    @ParameterizedTest
    @EnumSource(ResvUsage.class)
    void testForEach(ResvUsage usage) {
        Fence f = alloc();
        Reservation resv = new Reservation();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(1);
        resv.addFence(f, usage);
        List<Fence> seen = new ArrayList<>();
        resv.forEachLocked(usage, (fence, u) -> {
            assertThat(fence).as("Unexpected fence").isSameAs(f);
            assertThat(u).as("Unexpected fence usage").isEqualTo(usage);
            seen.add(fence);
        });
        assertThat(seen).as("exactly one fence").hasSize(1);
        f.signal();
        resv.unlock();
        resv.fini();
    }

    @ParameterizedTest
    @EnumSource(ResvUsage.class)
    void testForEachUnlocked(ResvUsage usage) {
        Fence f = alloc();
        Reservation resv = new Reservation();
        add(resv, usage, f);

        // As the kernel test: r is the state (ENOENT: nothing seen; EINVAL: seen once, restart forced; 0: seen
        // again after the restart).
        int r = Errno.ENOENT.negative();
        ResvCursor cursor = resv.cursor(usage);
        for (Fence fence = cursor.first(); fence != null; fence = cursor.next()) {
            assertThat(r).as("More than one fence found").isNotZero();
            assertThat(cursor.isRestarted()).as("No restart flag").isTrue();
            assertThat(fence).as("Unexpected fence").isSameAs(f);
            assertThat(cursor.usage()).as("Unexpected fence usage").isEqualTo(usage);
            if (r == Errno.ENOENT.negative()) {
                r = Errno.EINVAL.negative();
                cursor.invalidate(); // that should trigger a restart
            } else if (r == Errno.EINVAL.negative()) {
                r = 0;
            }
        }
        assertThat(r).as("No fence found").isZero();
        f.signal();
        resv.fini();
    }

    @ParameterizedTest
    @EnumSource(ResvUsage.class)
    void testGetFences(ResvUsage usage) {
        Fence f = alloc();
        Reservation resv = new Reservation();
        add(resv, usage, f);
        Fence[] fences = resv.getFences(usage);
        assertThat(fences).as("get_fences returned unexpected fence").containsExactly(f);
        f.signal();
        assertThat(resv.getFences(usage)).isEmpty();
        resv.fini();
    }

    // ---------------------------------------------------------------- usage

    @Test
    void usageOrderAndRw() {
        assertThat(ResvUsage.values())
                .containsExactly(ResvUsage.KERNEL, ResvUsage.WRITE, ResvUsage.READ, ResvUsage.BOOKKEEP);
        assertThat(ResvUsage.rw(true)).isEqualTo(ResvUsage.READ);
        assertThat(ResvUsage.rw(false)).isEqualTo(ResvUsage.WRITE);
        assertThat(ResvUsage.READ.includes(ResvUsage.KERNEL)).isTrue();
        assertThat(ResvUsage.READ.includes(ResvUsage.READ)).isTrue();
        assertThat(ResvUsage.READ.includes(ResvUsage.BOOKKEEP)).isFalse();
        assertThat(ResvUsage.KERNEL.includes(ResvUsage.WRITE)).isFalse();
    }

    // ---------------------------------------------------------------- the replacement rule

    @Test
    void reAddWithStrongerUsageUpgradesInPlace() {
        Reservation resv = new Reservation();
        Fence f = alloc();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(1);
        resv.addFence(f, ResvUsage.BOOKKEEP);
        resv.addFence(f, ResvUsage.READ);
        assertThat(entries(resv, ResvUsage.BOOKKEEP)).containsExactly(f, ResvUsage.READ);
        resv.addFence(f, ResvUsage.WRITE);
        resv.addFence(f, ResvUsage.KERNEL);
        assertThat(entries(resv, ResvUsage.BOOKKEEP)).containsExactly(f, ResvUsage.KERNEL);
        resv.addFence(f, ResvUsage.KERNEL); // the very same fence and usage reuses its slot
        assertThat(resv.numFences()).isEqualTo(1);
        resv.unlock();
    }

    @Test
    void reAddWithWeakerUsageAppends() {
        Reservation resv = new Reservation();
        Fence f = alloc();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(2);
        resv.addFence(f, ResvUsage.WRITE);
        resv.addFence(f, ResvUsage.READ); // never downgraded: a second entry
        assertThat(entries(resv, ResvUsage.BOOKKEEP)).containsExactly(f, ResvUsage.WRITE, f, ResvUsage.READ);
        assertThat(entries(resv, ResvUsage.WRITE)).containsExactly(f, ResvUsage.WRITE);
        resv.unlock();
    }

    @Test
    void laterFenceOfSameContextReplacesOnlyWithAtLeastAsStrongUsage() {
        Reservation resv = new Reservation();
        long ctx = FenceContext.allocate();
        Fence f1 = fence(ctx, 1);
        Fence f2 = fence(ctx, 2);
        Fence f3 = fence(ctx, 3);
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(3);
        resv.addFence(f1, ResvUsage.READ);
        resv.addFence(f2, ResvUsage.READ); // later, same usage: replaces
        assertThat(entries(resv, ResvUsage.BOOKKEEP)).containsExactly(f2, ResvUsage.READ);
        resv.addFence(f1, ResvUsage.READ); // earlier than the entry: appended, not replacing
        assertThat(entries(resv, ResvUsage.BOOKKEEP)).containsExactly(f2, ResvUsage.READ, f1, ResvUsage.READ);
        resv.addFence(f3, ResvUsage.BOOKKEEP); // later but weaker than both: appended
        assertThat(entries(resv, ResvUsage.BOOKKEEP))
                .containsExactly(f2, ResvUsage.READ, f1, ResvUsage.READ, f3, ResvUsage.BOOKKEEP);
        resv.unlock();

        Reservation other = new Reservation();
        assertThat(other.lock(null)).isZero();
        other.reserveFences(1);
        other.addFence(f1, ResvUsage.READ);
        other.addFence(f2, ResvUsage.WRITE); // later and stronger: replaces the first match
        assertThat(entries(other, ResvUsage.BOOKKEEP)).containsExactly(f2, ResvUsage.WRITE);
        other.unlock();
    }

    @Test
    void seqno32WrapCountsAsLater() {
        Reservation resv = new Reservation();
        long ctx = FenceContext.allocate();
        Fence before = fence(ctx, 0xffff_fffeL);
        Fence after = fence(ctx, 1); // later under the 32-bit wrap rule
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(1);
        resv.addFence(before, ResvUsage.WRITE);
        resv.addFence(after, ResvUsage.WRITE);
        assertThat(entries(resv, ResvUsage.BOOKKEEP)).containsExactly(after, ResvUsage.WRITE);
        resv.unlock();
    }

    @Test
    void signalledSlotsAreRecycled() {
        Reservation resv = new Reservation();
        Fence a = alloc();
        Fence b = alloc();
        Fence c = alloc();
        Fence d = alloc();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(3);
        resv.addFence(a, ResvUsage.READ);
        resv.addFence(b, ResvUsage.KERNEL);
        resv.addFence(c, ResvUsage.READ);
        b.signal();
        resv.addFence(d, ResvUsage.BOOKKEEP); // any context: the signalled slot is overwritten
        assertThat(entries(resv, ResvUsage.BOOKKEEP))
                .containsExactly(a, ResvUsage.READ, d, ResvUsage.BOOKKEEP, c, ResvUsage.READ);
        assertThat(resv.numFences()).isEqualTo(3);
        resv.unlock();
    }

    @Test
    void containersAreRejected() {
        Reservation resv = new Reservation();
        Fence a = alloc();
        Fence b = alloc();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(2);
        Fence array = FenceArray.create(new Fence[] {a, b}, FenceContext.allocate(), 1, false);
        Fence chain = FenceChain.create(null, a, 1);
        assertThatThrownBy(() -> resv.addFence(array, ResvUsage.READ)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resv.addFence(chain, ResvUsage.WRITE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(resv.numFences()).isZero();
        resv.unlock();
    }

    @Test
    void getSingletonIsNullTheFenceOrAnArrayOfAll() {
        Reservation resv = new Reservation();
        assertThat(resv.getSingleton(ResvUsage.BOOKKEEP)).isNull();
        Fence w = alloc();
        Fence r = alloc();
        Fence b = alloc();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(3);
        resv.addFence(w, ResvUsage.WRITE);
        resv.addFence(r, ResvUsage.READ);
        resv.addFence(b, ResvUsage.BOOKKEEP);
        resv.unlock();

        assertThat(resv.getSingleton(ResvUsage.KERNEL)).isNull();
        assertThat(resv.getSingleton(ResvUsage.WRITE)).isSameAs(w);
        Fence single = resv.getSingleton(ResvUsage.READ);
        assertThat(single).isInstanceOf(FenceArray.class);
        FenceArray array = (FenceArray) single;
        assertThat(array.members()).containsExactly(w, r);
        assertThat(array.seqno()).isEqualTo(1);
        assertThat(array.signalOnAny()).isFalse();
        assertThat(array.context()).isNotIn(w.context(), r.context(), b.context());
        FenceArray again = (FenceArray) resv.getSingleton(ResvUsage.READ);
        assertThat(again.context()).as("a fresh context each time").isNotEqualTo(array.context());
        assertThat(again.members()).containsExactly(w, r);

        w.signal();
        assertThat(array.isSignaled()).as("signals when all have").isFalse();
        assertThat(resv.getSingleton(ResvUsage.READ))
                .as("signalled fences are left out")
                .isSameAs(r);
        r.signal();
        assertThat(array.isSignaled()).isTrue();
        assertThat(resv.getSingleton(ResvUsage.READ)).isNull();
        assertThat(resv.getSingleton(ResvUsage.BOOKKEEP)).isSameAs(b);

        // The array is a container: it cannot go back into a reservation.
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(1);
        assertThatThrownBy(() -> resv.addFence(again, ResvUsage.READ)).isInstanceOf(IllegalArgumentException.class);
        resv.unlock();
    }

    @Test
    void replaceFencesReplacesEveryEntryOfTheContext() {
        Reservation resv = new Reservation();
        long ctx = FenceContext.allocate();
        Fence f1 = fence(ctx, 1);
        Fence f2 = fence(ctx, 2);
        Fence other = alloc();
        Fence replacement = alloc();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(3);
        resv.addFence(f1, ResvUsage.WRITE);
        resv.addFence(other, ResvUsage.READ);
        resv.addFence(f2, ResvUsage.BOOKKEEP);
        f1.signal(); // signalled entries are replaced too
        resv.replaceFences(ctx, replacement, ResvUsage.KERNEL);
        assertThat(entries(resv, ResvUsage.BOOKKEEP))
                .containsExactly(replacement, ResvUsage.KERNEL, other, ResvUsage.READ, replacement, ResvUsage.KERNEL);
        resv.unlock();
    }

    // ---------------------------------------------------------------- reservation and growth

    @Test
    void reserveGrowsToSlabBucketsAndDropsSignalledOnRegrow() {
        Reservation resv = new Reservation();
        assertThat(resv.capacity()).isZero();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(1); // max(4, 1) = 4 slots: 24 + 32 bytes, a 64-byte object, so 5 slots
        assertThat(resv.capacity()).isEqualTo(5);
        List<Fence> fences = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Fence f = alloc();
            fences.add(f);
            resv.addFence(f, ResvUsage.READ);
        }
        fences.get(1).signal();
        fences.get(3).signal();
        resv.reserveFences(1); // full: max(5 + 1, 2 * 5) = 10 slots, 104 bytes, a 128-byte object: 13 slots
        assertThat(resv.capacity()).isEqualTo(13);
        assertThat(resv.numFences()).as("signalled fences left behind").isEqualTo(3);
        assertThat(entries(resv, ResvUsage.BOOKKEEP))
                .containsExactly(
                        fences.get(0), ResvUsage.READ, fences.get(2), ResvUsage.READ, fences.get(4), ResvUsage.READ);

        fences.get(0).signal();
        resv.reserveFences(10); // 3 + 10 fit in 13: nothing re-allocated, nothing dropped
        assertThat(resv.capacity()).isEqualTo(13);
        assertThat(resv.numFences()).isEqualTo(3);
        resv.unlock();

        Reservation big = new Reservation();
        assertThat(big.lock(null)).isZero();
        big.reserveFences(5); // the first list: max(4, 8) = 8 slots, 88 bytes, a 96-byte object: 9 slots
        assertThat(big.capacity()).isEqualTo(9);
        big.reserveFences(100); // max(100, 18): 824 bytes, a 1024-byte object: 125 slots
        assertThat(big.capacity()).isEqualTo(125);
        assertThatThrownBy(() -> big.reserveFences(1 << 20))
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOMEM));
        big.unlock();
    }

    @Test
    void reserveZeroIsEinval() {
        Reservation resv = new Reservation();
        assertThat(resv.lock(null)).isZero();
        assertThatThrownBy(() -> resv.reserveFences(0))
                .isInstanceOfSatisfying(
                        ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        resv.unlock();
    }

    @Test
    void writersMustHoldTheLock() {
        Reservation resv = new Reservation();
        Fence f = alloc();
        assertThatThrownBy(() -> resv.reserveFences(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> resv.addFence(f, ResvUsage.READ)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> resv.replaceFences(1, f, ResvUsage.READ)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> resv.copyFences(new Reservation())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> resv.forEachLocked(ResvUsage.READ, (x, u) -> {}))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(resv::describe).isInstanceOf(IllegalStateException.class);
        assertThat(resv.lock(null)).isZero();
        // Held by another thread is not held by us.
        assertThat(CompletableFuture.supplyAsync(() -> {
                            try {
                                resv.assertHeld();
                                return false;
                            } catch (IllegalStateException e) {
                                return true;
                            }
                        })
                        .join())
                .isTrue();
        resv.unlock();
    }

    @Test
    void appendNeedsAReservationMadeSinceLocking() {
        Reservation resv = new Reservation();
        Fence a = alloc();
        assertThat(resv.lock(null)).isZero();
        assertThatThrownBy(() -> resv.addFence(a, ResvUsage.READ)).isInstanceOf(IllegalStateException.class);
        resv.reserveFences(1);
        resv.addFence(a, ResvUsage.READ);
        resv.unlock();

        assertThat(resv.lock(null)).isZero();
        resv.addFence(a, ResvUsage.WRITE); // replacing in place needs no slot
        Fence b = alloc();
        assertThatThrownBy(() -> resv.addFence(b, ResvUsage.READ))
                .as("the reservation lapsed at unlock")
                .isInstanceOf(IllegalStateException.class);
        resv.reserveFences(1);
        resv.addFence(b, ResvUsage.READ);
        assertThat(resv.numFences()).isEqualTo(2);
        resv.unlock();
    }

    // ---------------------------------------------------------------- queries

    @Test
    void queriesFollowTheInclusionRule() {
        Reservation resv = new Reservation();
        Fence k = alloc();
        Fence w = alloc();
        Fence r = alloc();
        Fence b = alloc();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(4);
        resv.addFence(k, ResvUsage.KERNEL);
        resv.addFence(w, ResvUsage.WRITE);
        resv.addFence(r, ResvUsage.READ);
        resv.addFence(b, ResvUsage.BOOKKEEP);
        assertThat(entries(resv, ResvUsage.WRITE)).containsExactly(k, ResvUsage.KERNEL, w, ResvUsage.WRITE);
        resv.unlock();

        assertThat(resv.getFences(ResvUsage.KERNEL)).containsExactly(k);
        assertThat(resv.getFences(ResvUsage.WRITE)).containsExactly(k, w);
        assertThat(resv.getFences(ResvUsage.READ)).containsExactly(k, w, r);
        assertThat(resv.getFences(ResvUsage.BOOKKEEP)).containsExactly(k, w, r, b);

        k.signal();
        w.signal();
        assertThat(resv.testSignaled(ResvUsage.KERNEL)).isTrue();
        assertThat(resv.testSignaled(ResvUsage.WRITE)).isTrue();
        assertThat(resv.testSignaled(ResvUsage.READ)).isFalse();
        assertThat(resv.waitTimeout(ResvUsage.WRITE, false, 0)).isEqualTo(1);
        assertThat(resv.waitTimeout(ResvUsage.READ, false, 0)).isZero();
        r.signal();
        assertThat(resv.testSignaled(ResvUsage.READ)).isTrue();
        assertThat(resv.testSignaled(ResvUsage.BOOKKEEP)).isFalse();
        assertThat(resv.waitTimeout(ResvUsage.READ, false, 0)).isEqualTo(1);
        assertThat(resv.waitTimeout(ResvUsage.READ, false, 5 * SECOND)).isEqualTo(5 * SECOND);
        assertThat(resv.getFences(ResvUsage.BOOKKEEP)).containsExactly(b);
        // The locked walk still sees signalled entries.
        assertThat(resv.lock(null)).isZero();
        assertThat(entries(resv, ResvUsage.READ)).hasSize(6);
        resv.unlock();
    }

    @Test
    void testSignaledSignalsThroughTheDriverPoll() {
        AtomicBoolean done = new AtomicBoolean();
        FenceOps ops = TestFences.polled("hw", "ring", done::get);
        Fence f = TestFences.fence(clock, ops);
        Reservation resv = new Reservation();
        add(resv, ResvUsage.WRITE, f);
        assertThat(resv.testSignaled(ResvUsage.WRITE)).isFalse();
        done.set(true);
        assertThat(resv.testSignaled(ResvUsage.WRITE)).isTrue();
        assertThat(f.isSignaledFlag()).as("signalled as a side effect").isTrue();
    }

    @Test
    void readersDoNotTakeTheLock() throws Exception {
        Reservation resv = new Reservation();
        Fence f = alloc();
        add(resv, ResvUsage.READ, f);
        assertThat(resv.lock(null)).isZero();
        Fence[] seen = CompletableFuture.supplyAsync(() -> {
                    assertThat(resv.testSignaled(ResvUsage.READ)).isFalse();
                    assertThat(resv.waitTimeout(ResvUsage.READ, false, 0)).isZero();
                    return resv.getFences(ResvUsage.READ);
                })
                .get(10, TimeUnit.SECONDS);
        assertThat(seen).containsExactly(f);
        resv.unlock();
    }

    @Test
    void cursorRestartsWhenTheFencesChangeButNotOnRegrow() {
        Reservation resv = new Reservation();
        Fence a = alloc();
        Fence b = alloc();
        Fence c = alloc();
        add(resv, ResvUsage.READ, a, b);

        ResvCursor cursor = resv.cursor(ResvUsage.READ);
        assertThat(cursor.first()).isSameAs(a);
        assertThat(cursor.isRestarted()).isTrue();
        assertThat(cursor.next()).isSameAs(b);
        assertThat(cursor.isRestarted()).isFalse();
        assertThat(cursor.next()).isNull();

        cursor = resv.cursor(ResvUsage.READ);
        assertThat(cursor.first()).isSameAs(a);
        add(resv, ResvUsage.READ, c); // the set changed: the walk starts again
        assertThat(cursor.next()).isSameAs(a);
        assertThat(cursor.isRestarted()).isTrue();
        assertThat(cursor.next()).isSameAs(b);
        assertThat(cursor.next()).isSameAs(c);
        assertThat(cursor.isRestarted()).isFalse();

        // Re-allocating (which drops signalled entries) does not change the unsignalled set: no restart.
        cursor = resv.cursor(ResvUsage.READ);
        assertThat(cursor.first()).isSameAs(a);
        a.signal();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(100);
        resv.unlock();
        assertThat(resv.numFences()).isEqualTo(2);
        assertThat(cursor.next()).isSameAs(b);
        assertThat(cursor.isRestarted()).isFalse();
        assertThat(cursor.next()).isSameAs(c);
        assertThat(cursor.next()).isNull();
    }

    @Test
    void copyFencesCopiesUnsignalledFencesOfEveryUsage() {
        Reservation src = new Reservation();
        Fence k = alloc();
        Fence w = alloc();
        Fence gone = alloc();
        Fence b = alloc();
        assertThat(src.lock(null)).isZero();
        src.reserveFences(4);
        src.addFence(k, ResvUsage.KERNEL);
        src.addFence(w, ResvUsage.WRITE);
        src.addFence(gone, ResvUsage.READ);
        src.addFence(b, ResvUsage.BOOKKEEP);
        src.unlock();
        gone.signal();

        Reservation dst = new Reservation();
        Fence old = alloc();
        add(dst, ResvUsage.WRITE, old);
        assertThat(dst.lock(null)).isZero();
        dst.copyFences(src);
        assertThat(entries(dst, ResvUsage.BOOKKEEP))
                .containsExactly(k, ResvUsage.KERNEL, w, ResvUsage.WRITE, b, ResvUsage.BOOKKEEP);
        assertThat(dst.capacity())
                .as("a list sized for the source's 4 entries: 56 bytes, 64: 5")
                .isEqualTo(5);

        dst.copyFences(new Reservation());
        assertThat(dst.numFences()).isZero();
        assertThat(dst.capacity()).isZero();
        dst.unlock();
    }

    @Test
    void setDeadlineReachesTheCoveredFences() {
        List<Long> deadlines = new ArrayList<>();
        FenceOps ops = TestFences.deadlines(
                "hw", "ring", (fence, deadlineNanos) -> deadlines.add(fence.seqno() * 1000 + deadlineNanos));
        Reservation resv = new Reservation();
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(3);
        resv.addFence(TestFences.fence(clock, ops), ResvUsage.KERNEL);
        resv.addFence(TestFences.fence(clock, ops, 2), ResvUsage.WRITE);
        resv.addFence(TestFences.fence(clock, ops, 3), ResvUsage.READ);
        resv.unlock();
        resv.setDeadline(ResvUsage.WRITE, 7);
        assertThat(deadlines).containsExactly(1007L, 2007L);
    }

    // ---------------------------------------------------------------- waits

    private static void awaitWaitingOn(Thread t, Fence f) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!f.isSignalingEnabled() || t.getState() != Thread.State.WAITING) {
            assertThat(System.nanoTime()).as("waiter never parked").isLessThan(end);
            Thread.sleep(1);
        }
    }

    @Test
    void waitPassesTheRemainingTimeFromFenceToFence() throws Exception {
        Reservation resv = new Reservation();
        Fence f1 = alloc();
        Fence f2 = alloc();
        add(resv, ResvUsage.WRITE, f1, f2);
        Running<Long> ret = Threads.start(() -> resv.waitTimeout(ResvUsage.READ, true, 10 * SECOND));
        awaitWaitingOn(ret.thread(), f1);
        clock.advanceNanos(3 * SECOND);
        f1.signal();
        awaitWaitingOn(ret.thread(), f2);
        clock.advanceNanos(2 * SECOND);
        f2.signal();
        assertThat(ret.result().get(10, TimeUnit.SECONDS)).isEqualTo(5 * SECOND);
    }

    @Test
    void waitTimesOutInterruptsAndRejectsNegativeTimeouts() throws Exception {
        Reservation resv = new Reservation();
        Fence f = alloc();
        add(resv, ResvUsage.READ, f);
        assertThat(resv.waitTimeout(ResvUsage.WRITE, false, SECOND))
                .as("READ fences are not waited for at WRITE")
                .isEqualTo(SECOND);
        assertThat(resv.waitTimeout(ResvUsage.READ, false, -1)).isEqualTo(Errno.EINVAL.negative());

        Running<Long> timedOut = Threads.start(() -> resv.waitTimeout(ResvUsage.READ, false, SECOND));
        awaitWaitingOn(timedOut.thread(), f);
        clock.advanceNanos(2 * SECOND);
        assertThat(timedOut.result().get(10, TimeUnit.SECONDS)).isZero();

        Running<Long> interrupted =
                Threads.start(() -> resv.waitTimeout(ResvUsage.READ, true, Fence.MAX_SCHEDULE_TIMEOUT));
        awaitWaitingOn(interrupted.thread(), f);
        interrupted.thread().interrupt();
        assertThat(interrupted.result().get(10, TimeUnit.SECONDS)).isEqualTo(Errno.EINTR.negative());
        f.signal();
        assertThat(resv.waitTimeout(ResvUsage.READ, true, Fence.MAX_SCHEDULE_TIMEOUT))
                .isEqualTo(Fence.MAX_SCHEDULE_TIMEOUT);
    }

    // ---------------------------------------------------------------- debug text

    @Test
    void describeListsKernelWriteAndReadFences() {
        Reservation resv = new Reservation();
        Fence k = Fence.create(clock, "vgem", "unbound", FenceContext.allocate(), 3);
        Fence w = Fence.create(clock, "vgem", "unbound", FenceContext.allocate(), 1);
        Fence r = Fence.create(clock, "vgem", "unbound", FenceContext.allocate(), 2);
        Fence b = Fence.create(clock, "vgem", "unbound", FenceContext.allocate(), 4);
        assertThat(resv.lock(null)).isZero();
        resv.reserveFences(4);
        resv.addFence(k, ResvUsage.KERNEL);
        resv.addFence(w, ResvUsage.WRITE);
        resv.addFence(r, ResvUsage.READ);
        resv.addFence(b, ResvUsage.BOOKKEEP);
        r.signal();
        assertThat(resv.describe())
                .isEqualTo("\tkernel fence:" + k.context() + ":3 unbound vgem unsignalled\n"
                        + "\twrite fence:" + w.context() + ":1 unbound vgem unsignalled\n"
                        + "\tread fence:" + r.context() + ":2   signalled\n");
        resv.unlock();
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void readersSeeConsistentSnapshotsWhileAWriterChurns() throws Exception {
        Reservation resv = new Reservation();
        int contexts = 4;
        long base = FenceContext.allocate(contexts);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(
                () -> {
                    long[] seqno = new long[contexts];
                    List<Fence> pending = new ArrayList<>();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < 20_000; i++) {
                        int c = rnd.nextInt(contexts);
                        Fence f = fence(base + c, ++seqno[c]);
                        assertThat(resv.lock(null)).isZero();
                        resv.reserveFences(1);
                        resv.addFence(f, ResvUsage.READ);
                        resv.unlock();
                        pending.add(f);
                        if (pending.size() > 3) {
                            pending.remove(rnd.nextInt(pending.size())).signal();
                        }
                    }
                    stop.set(true);
                },
                r -> new Thread(r).start());
        List<CompletableFuture<Long>> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            readers.add(CompletableFuture.supplyAsync(
                    () -> {
                        long reads = 0;
                        while (!stop.get()) {
                            Fence[] fences = resv.getFences(ResvUsage.BOOKKEEP);
                            Set<Fence> seen = new HashSet<>();
                            for (Fence f : fences) {
                                assertThat(seen.add(f)).as("each fence once").isTrue();
                            }
                            // At most 4 fences are pending at any time, so one consistent snapshot cannot
                            // yield more, whatever the writer did during the walk.
                            assertThat(fences.length).isLessThanOrEqualTo(4);
                            reads++;
                        }
                        return reads;
                    },
                    r -> new Thread(r).start()));
        }
        writer.get(30, TimeUnit.SECONDS);
        for (CompletableFuture<Long> r : readers) {
            assertThat(r.get(10, TimeUnit.SECONDS)).isPositive();
        }
    }
}
