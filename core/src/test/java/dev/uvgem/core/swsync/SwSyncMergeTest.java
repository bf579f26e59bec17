package dev.uvgem.core.swsync;

import static dev.uvgem.core.testsupport.TestTask.arg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.testsupport.TestTask;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.uapi.SwSyncCreateFenceData;
import dev.uvgem.uapi.SwSyncIoctl;
import dev.uvgem.uapi.SyncFenceInfo;
import dev.uvgem.uapi.SyncFileInfo;
import dev.uvgem.uapi.SyncIoctl;
import dev.uvgem.uapi.SyncMergeData;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** sw_sync points inside merged sync_files, at the FileOps level (the syscall-level suite comes separately). */
class SwSyncMergeTest {
    private final VirtualClock clock = new VirtualClock();
    private final SwSyncDevice device = new SwSyncDevice(clock, new SyncDebug());
    private final TestTask task = new TestTask("merge_test", 1024, 1 << 16);

    private int timeline() {
        return task.install(device.open(OpenFile.O_RDWR, task), 0);
    }

    private int fence(int tl, int value) {
        ByteBuffer a = arg(SwSyncCreateFenceData.SIZE);
        new SwSyncCreateFenceData(value, "", -1).write(a);
        task.ioctl(tl, SwSyncIoctl.CREATE_FENCE, a);
        return SwSyncCreateFenceData.read(a).fence();
    }

    private void inc(int tl, int n) {
        ByteBuffer a = arg(4);
        a.putInt(0, n);
        task.ioctl(tl, SwSyncIoctl.INC, a);
    }

    private int merge(int a, int b) {
        ByteBuffer arg = arg(SyncMergeData.SIZE);
        new SyncMergeData("merged", b, -1, 0, 0).write(arg);
        task.ioctl(a, SyncIoctl.MERGE, arg);
        return SyncMergeData.read(arg).fence();
    }

    private int countWithStatus(int fd, int status) {
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        task.ioctl(fd, SyncIoctl.FILE_INFO, a);
        int n = SyncFileInfo.read(a).numFences();
        long ptr = task.alloc(n * SyncFenceInfo.SIZE);
        new SyncFileInfo("", 0, 0, n, 0, ptr).write(a);
        task.ioctl(fd, SyncIoctl.FILE_INFO, a);
        ByteBuffer user = task.userBytes(ptr, n * SyncFenceInfo.SIZE);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (user.getInt(i * SyncFenceInfo.SIZE + 64) == status) {
                count++;
            }
        }
        return count;
    }

    private int size(int fd) {
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        task.ioctl(fd, SyncIoctl.FILE_INFO, a);
        return SyncFileInfo.read(a).numFences();
    }

    private int topStatus(int fd) {
        ByteBuffer a = arg(SyncFileInfo.SIZE);
        task.ioctl(fd, SyncIoctl.FILE_INFO, a);
        return SyncFileInfo.read(a).status();
    }

    private boolean ready(int fd) {
        OpenFile f = task.file(fd);
        return f.ops().poll(f, null) == PollTable.POLLIN;
    }

    @Test
    void syncMerge() {
        int tl = timeline();
        int f0 = fence(tl, 1);
        int f1 = fence(tl, 2);
        int f2 = fence(tl, 3);
        int m = merge(f0, f1);
        m = merge(f2, m);
        for (int fd : new int[] {f0, f1, f2, m}) {
            assertThat(countWithStatus(fd, 0)).isEqualTo(1);
        }
        inc(tl, 1);
        assertThat(countWithStatus(f0, 1)).isEqualTo(1);
        assertThat(countWithStatus(m, 0)).isEqualTo(1);
        inc(tl, 1);
        assertThat(countWithStatus(f1, 1)).isEqualTo(1);
        assertThat(countWithStatus(m, 0)).isEqualTo(1);
        inc(tl, 1);
        assertThat(countWithStatus(f2, 1)).isEqualTo(1);
        assertThat(countWithStatus(m, 0)).isZero();
        assertThat(countWithStatus(m, 1)).isEqualTo(1);
    }

    @Test
    void syncMergeSame() {
        int tl = timeline();
        int f = fence(tl, 1);
        int m = merge(f, f);
        assertThat(size(m)).isEqualTo(1);
        assertThat(countWithStatus(m, 1)).isZero();
        inc(tl, 1);
        assertThat(countWithStatus(m, 1)).isEqualTo(1);
    }

    @Test
    void syncMultiTimelineWait() {
        int[] tls = {timeline(), timeline(), timeline()};
        int m = merge(fence(tls[0], 5), fence(tls[1], 5));
        m = merge(fence(tls[2], 5), m);
        assertThat(countWithStatus(m, 0)).isEqualTo(3);
        assertThat(ready(m)).isFalse();
        for (int i = 0; i < 3; i++) {
            inc(tls[i], 5);
            assertThat(countWithStatus(m, 0)).isEqualTo(2 - i);
            assertThat(countWithStatus(m, 1)).isEqualTo(i + 1);
        }
        assertThat(ready(m)).isTrue();
    }

    @Test
    void timelineClosedFailsItsFencesWithEnoent() {
        int tl = timeline();
        int f = fence(tl, 1);
        task.close(tl);
        assertThat(ready(f)).isTrue();
        assertThat(topStatus(f)).isEqualTo(-2);
    }

    @Test
    void expiredMergeIsSignalled() {
        int tl = timeline();
        inc(tl, 100);
        int expired = fence(tl, 1);
        assertThat(ready(expired)).isTrue();
        for (int i = 0; i < 100; i++) {
            int m = merge(expired, expired);
            assertThat(ready(m)).isTrue();
            task.close(m);
        }
    }

    /** IGT sync_random_merge, reduced: one entry per distinct timeline survives. */
    @Test
    void randomMergeKeepsOneEntryPerTimeline() {
        Random rnd = new Random(42);
        int[] tls = new int[32];
        for (int i = 0; i < tls.length; i++) {
            tls[i] = timeline();
        }
        Map<Integer, Integer> max = new HashMap<>();
        int acc = fence(tls[0], 1);
        max.put(0, 1);
        for (int round = 0; round < 256; round++) {
            int t = rnd.nextInt(tls.length);
            int point = rnd.nextInt(Integer.MAX_VALUE);
            int f = fence(tls[t], point);
            int next = merge(acc, f);
            task.close(f);
            task.close(acc);
            acc = next;
            max.merge(t, point, Math::max);
        }
        assertThat(size(acc)).isEqualTo(max.size());
        for (Map.Entry<Integer, Integer> e : max.entrySet()) {
            assertThat(ready(acc)).isFalse();
            inc(tls[e.getKey()], e.getValue());
        }
        assertThat(ready(acc)).isTrue();
        assertThat(SyncFile.getFence(task, acc).status()).isEqualTo(1);
    }
}
