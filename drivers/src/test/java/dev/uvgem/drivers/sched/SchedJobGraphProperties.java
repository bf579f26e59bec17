package dev.uvgem.drivers.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random job graphs on random rings: jobs of several entities per scheduler, each depending on random earlier
 * jobs (of any ring) and on foreign fences; the foreign fences signal and the hardware completes its jobs (in
 * order per ring) in a random interleaving. Every finished fence must signal without error, in push order per
 * entity, and after each of its dependencies.
 */
class SchedJobGraphProperties {
    @Property(tries = 100)
    void finishedFencesSignalInRingOrderEachAfterItsDependencies(
            @ForAll @IntRange(min = 1, max = 3) int rings,
            @ForAll @IntRange(min = 1, max = 3) int entitiesPerRing,
            @ForAll @IntRange(min = 1, max = 3) int creditLimit,
            @ForAll @IntRange(min = 1, max = 30) int jobCount,
            @ForAll @IntRange(min = 0, max = 4) int foreignCount,
            @ForAll Random random) {
        VirtualClock clock = new VirtualClock();
        List<TestBackend> backends = new ArrayList<>();
        List<SchedEntity> entities = new ArrayList<>();
        for (int r = 0; r < rings; r++) {
            TestBackend b = new TestBackend(clock);
            backends.add(b);
            GpuScheduler sched = new GpuScheduler(
                    "ring" + r,
                    b,
                    clock,
                    Duration.ofSeconds(1),
                    creditLimit,
                    GpuScheduler.TdrMode.RESTART_ON_JOB_START,
                    Runnable::run);
            for (int e = 0; e < entitiesPerRing; e++) {
                entities.add(new SchedEntity(sched));
            }
        }
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        List<Fence> foreign = new ArrayList<>();
        for (int i = 0; i < foreignCount; i++) {
            Fence f = Fence.create(clock, "test", "foreign", FenceContext.allocate(), 1);
            record(f, "foreign" + i, events);
            foreign.add(f);
        }
        List<SchedJob> jobs = new ArrayList<>();
        List<List<String>> depsOf = new ArrayList<>();
        for (int i = 0; i < jobCount; i++) {
            SchedJob job = new SchedJob(entities.get(random.nextInt(entities.size())), 1);
            List<String> deps = new ArrayList<>();
            for (int d = random.nextInt(4); d > 0 && !jobs.isEmpty(); d--) {
                int j = random.nextInt(jobs.size());
                job.addDependency(jobs.get(j).finished());
                deps.add("job" + j);
            }
            if (!foreign.isEmpty() && random.nextBoolean()) {
                int f = random.nextInt(foreign.size());
                job.addDependency(foreign.get(f));
                deps.add("foreign" + f);
            }
            job.arm();
            record(job.finished(), "job" + i, events);
            job.entity().pushJob(job);
            jobs.add(job);
            depsOf.add(deps);
        }

        while (!jobs.stream().allMatch(j -> j.finished().isSignaled())) {
            List<Runnable> moves = new ArrayList<>();
            for (Fence f : foreign) {
                if (!f.isSignaled()) {
                    moves.add(f::signal);
                }
            }
            for (TestBackend b : backends) {
                b.ran.stream()
                        .filter(j -> !b.hw.get(j).isSignaled())
                        .findFirst()
                        .ifPresent(oldest -> moves.add(() -> b.complete(oldest, 0)));
            }
            assertThat(moves).as("progress is possible").isNotEmpty();
            moves.get(random.nextInt(moves.size())).run();
        }

        for (int i = 0; i < jobs.size(); i++) {
            assertThat(jobs.get(i).finished().error()).isZero();
            int at = events.indexOf("job" + i);
            for (String dep : depsOf.get(i)) {
                assertThat(events.indexOf(dep)).as("job%d after %s", i, dep).isLessThan(at);
            }
            for (int k = i + 1; k < jobs.size(); k++) {
                if (jobs.get(k).entity() == jobs.get(i).entity()) {
                    assertThat(events.indexOf("job" + k)).as("entity order").isGreaterThan(at);
                }
            }
        }
        assertThat(clock.pendingTimers()).isZero();
    }

    private static void record(Fence fence, String name, List<String> events) {
        fence.addCallback(FenceCallback.of(f -> events.add(name)));
    }
}
