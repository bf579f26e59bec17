package dev.uvgem.bench;

import dev.uvgem.api.SwSyncTimelineFd;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.TimelineSyncObj;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.DrmSyncobj;
import dev.uvgem.uapi.DrmSyncobjTimelineArray;
import dev.uvgem.uapi.DrmSyncobjTimelineWait;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Timeline syncobj QUERY and TIMELINE_WAIT through the syscall layer on a timeline that holds {@link #points}
 * signalled points: the cost must not grow with the history. Each point is a sw_sync fence imported while
 * pending, so the kernel built a chain link per point; all of them are then signalled at once. As the kernel's
 * {@code dma_fence_chain}, walking the chain unlinks points whose fences have signalled, so after the first walk
 * every QUERY or wait sees a chain of one link, however many points there were.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SyncobjTimelineBenchmark {
    /** How many signalled points the timeline holds. */
    @Param({"10", "1000", "10000"})
    public int points;

    private final SystemClock clock = new SystemClock();
    private Uvgem uvgem;
    private VgemDevice vgem;
    private TimelineSyncObj timeline;
    private Syscalls sys;
    private final byte[] queryArg = new byte[DrmSyncobjTimelineArray.SIZE];
    private final byte[] queryUser = new byte[16];
    private final byte[] waitLastArg = new byte[DrmSyncobjTimelineWait.SIZE];
    private final byte[] waitLastUser = new byte[16];
    private final byte[] waitFirstArg = new byte[DrmSyncobjTimelineWait.SIZE];
    private final byte[] waitFirstUser = new byte[16];

    /** Builds the timeline: {@link #points} pending points, then signals them all. */
    @Setup(Level.Trial)
    public void setUp() {
        uvgem = Uvgem.embedded(KernelConfig.defaults(clock).withDebugfs(true));
        vgem = uvgem.openVgem();
        timeline = vgem.createTimelineSyncObj();
        sys = uvgem.syscalls();
        try (SwSyncTimelineFd sw = uvgem.createTimeline()) {
            for (int p = 1; p <= points; p++) {
                try (SyncFileFd fence = sw.createFence(p)) {
                    timeline.importSyncFile(p, fence);
                }
            }
            sw.inc(points);
        }
        long handles = Syscalls.USER_BASE;
        long pointsAt = Syscalls.USER_BASE + 8;
        new DrmSyncobjTimelineArray(handles, pointsAt, 1, 0).write(le(queryArg));
        le(queryUser).putInt(0, timeline.handle());
        new DrmSyncobjTimelineWait(handles, pointsAt, 0, 1, 0, 0, 0, 0).write(le(waitLastArg));
        le(waitLastUser).putInt(0, timeline.handle()).putLong(8, points);
        new DrmSyncobjTimelineWait(handles, pointsAt, 0, 1, 0, 0, 0, 0).write(le(waitFirstArg));
        le(waitFirstUser).putInt(0, timeline.handle()).putLong(8, 1);
        if (timeline.query() != points) {
            throw new IllegalStateException("timeline at " + timeline.query() + ", not " + points);
        }
    }

    /** Closes everything the trial made. */
    @TearDown(Level.Trial)
    public void tearDown() {
        timeline.close();
        vgem.close();
        uvgem.close();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** QUERY: the last signalled point. */
    @Benchmark
    public long query() {
        sys.ioctl(vgem.fd(), DrmSyncobj.IOCTL_QUERY, queryArg, queryUser);
        return le(queryUser).getLong(8);
    }

    /** TIMELINE_WAIT (polling) on the newest point. */
    @Benchmark
    public long waitLastPoint() {
        return sys.ioctl(vgem.fd(), DrmSyncobj.IOCTL_TIMELINE_WAIT, waitLastArg, waitLastUser);
    }

    /** TIMELINE_WAIT (polling) on the oldest point, long collected: the kernel's stub fence stands for it. */
    @Benchmark
    public long waitFirstPoint() {
        return sys.ioctl(vgem.fd(), DrmSyncobj.IOCTL_TIMELINE_WAIT, waitFirstArg, waitFirstUser);
    }
}
