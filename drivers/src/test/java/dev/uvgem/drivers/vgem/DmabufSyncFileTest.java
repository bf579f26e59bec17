package dev.uvgem.drivers.vgem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.swsync.SwSyncTimeline;
import dev.uvgem.core.swsync.SyncDebug;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.uapi.DmaBufExportSyncFile;
import dev.uvgem.uapi.DmaBufImportSyncFile;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Vgem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IGT dmabuf_sync_file, over vgem fences and sw_sync timelines. */
class DmabufSyncFileTest {
    private static final int R = (int) DmaBufIoctl.SYNC_READ;
    private static final int W = (int) DmaBufIoctl.SYNC_WRITE;
    private static final int RW = (int) DmaBufIoctl.SYNC_RW;
    private static final int WRITE = Vgem.VGEM_FENCE_WRITE;

    private final DrmTestKit k = new DrmTestKit();
    private final SyncDebug debug = new SyncDebug();
    private int fd;
    private int bo;
    private int dmabuf;

    private void setUpBuffer() {
        fd = k.openCard();
        bo = k.createBo(fd, 1, 1, 32);
        dmabuf = (int) k.exportFd(fd, bo, Drm.CLOEXEC);
    }

    /** EXPORT_SYNC_FILE: the new fd, or -errno. */
    private long exportSyncFile(int flags) {
        var r = k.call(dmabuf, DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE, b -> new DmaBufExportSyncFile(flags, -1).write(b));
        return r.ret() != 0 ? r.ret() : DmaBufExportSyncFile.read(r.arg()).fd();
    }

    /** IMPORT_SYNC_FILE: 0 or -errno. */
    private long importSyncFile(int flags, int syncFd) {
        return k.call(dmabuf, DmaBufIoctl.IOCTL_IMPORT_SYNC_FILE, b -> new DmaBufImportSyncFile(flags, syncFd).write(b))
                .ret();
    }

    private boolean syncFileBusy(int sf) {
        OpenFile f = k.task.file(sf);
        return (f.ops().poll(f, null) & PollTable.POLLIN) == 0;
    }

    /** IGT dmabuf_sync_file_busy: export, probe, close. */
    private boolean sfBusy(int flags) {
        int sf = (int) exportSyncFile(flags);
        try {
            return syncFileBusy(sf);
        } finally {
            k.task.close(sf);
        }
    }

    /** IGT dmabuf_busy: POLLOUT when WRITE is set, POLLIN for READ. */
    private boolean dBusy(int flags) {
        return k.busy(dmabuf, (flags & W) != 0);
    }

    private void assertBusy(boolean read, boolean write, boolean rw) {
        assertThat(dBusy(R)).isEqualTo(read);
        assertThat(dBusy(W)).isEqualTo(write);
        assertThat(dBusy(RW)).isEqualTo(rw);
        assertThat(sfBusy(R)).isEqualTo(read);
        assertThat(sfBusy(W)).isEqualTo(write);
        assertThat(sfBusy(RW)).isEqualTo(rw);
    }

    private void importTimelineFence(int flags, SwSyncTimeline tl, int point) {
        OpenFile sf = SyncFile.open(tl.createFence(point));
        int sfd = k.task.install(sf, 0);
        assertThat(importSyncFile(flags, sfd)).isZero();
        k.task.close(sfd);
    }

    @Test
    void flagsAndFdsAreChecked() {
        setUpBuffer();
        assertThat(exportSyncFile(0)).isEqualTo(Errno.EINVAL.negative());
        assertThat(exportSyncFile(4)).isEqualTo(Errno.EINVAL.negative());
        assertThat(exportSyncFile(R | 8)).isEqualTo(Errno.EINVAL.negative());
        int sf = (int) exportSyncFile(R);
        assertThat(k.task.fdFlags(sf)).isEqualTo(OpenFile.O_CLOEXEC);
        assertThat(importSyncFile(0, sf)).isEqualTo(Errno.EINVAL.negative());
        assertThat(importSyncFile(RW | 4, sf)).isEqualTo(Errno.EINVAL.negative());
        assertThat(importSyncFile(R, 999)).isEqualTo(Errno.EINVAL.negative());
        assertThat(importSyncFile(R, dmabuf)).isEqualTo(Errno.EINVAL.negative());
        assertThat(importSyncFile(R, sf)).isZero();
    }

    @Test
    void exportWithNothingPendingIsTheStub() {
        setUpBuffer();
        int sf = (int) exportSyncFile(RW);
        assertThat(SyncFile.fromFile(k.task.file(sf)).fence()).isSameAs(Fence.stub());
    }

    @Test
    void exportBasic() {
        setUpBuffer();
        assertBusy(false, false, false);
        int read = (int) k.attach(fd, bo, 0);
        assertBusy(false, true, true);
        assertThat(k.signal(fd, read)).isZero();
        assertBusy(false, false, false);
        int write = (int) k.attach(fd, bo, WRITE);
        assertBusy(true, true, true);
        assertThat(k.signal(fd, write)).isZero();
        assertBusy(false, false, false);
    }

    @Test
    void exportBeforeSignal() {
        setUpBuffer();
        assertThat(sfBusy(R)).isFalse();
        assertThat(sfBusy(W)).isFalse();
        int read = (int) k.attach(fd, bo, 0);
        int rfd = (int) exportSyncFile(R);
        int wfd = (int) exportSyncFile(W);
        assertThat(syncFileBusy(rfd)).isFalse();
        assertThat(syncFileBusy(wfd)).isTrue();
        assertThat(k.signal(fd, read)).isZero();
        assertThat(syncFileBusy(rfd)).isFalse();
        assertThat(syncFileBusy(wfd)).isFalse();
        int write = (int) k.attach(fd, bo, WRITE);
        int rfd2 = (int) exportSyncFile(R);
        int wfd2 = (int) exportSyncFile(W);
        assertThat(syncFileBusy(rfd2)).isTrue();
        assertThat(syncFileBusy(wfd2)).isTrue();
        assertThat(k.signal(fd, write)).isZero();
        assertThat(syncFileBusy(rfd2)).isFalse();
        assertThat(syncFileBusy(wfd2)).isFalse();
    }

    @Test
    void exportMultiwait() {
        setUpBuffer();
        int f1 = (int) k.attach(fd, bo, 0);
        int f2 = (int) k.attach(fd, bo, 0);
        int sf = (int) exportSyncFile(W);
        int f3 = (int) k.attach(fd, bo, 0);
        assertThat(syncFileBusy(sf)).isTrue();
        assertThat(k.signal(fd, f1)).isZero();
        assertThat(syncFileBusy(sf)).isTrue();
        assertThat(k.signal(fd, f2)).isZero();
        assertThat(syncFileBusy(sf)).isFalse();
        assertThat(k.signal(fd, f3)).isZero();
    }

    @Test
    void exportWaitAfterAttach() {
        setUpBuffer();
        int r1 = (int) exportSyncFile(R);
        int w1 = (int) exportSyncFile(W);
        int f1 = (int) k.attach(fd, bo, WRITE);
        assertThat(syncFileBusy(r1)).isFalse();
        assertThat(syncFileBusy(w1)).isFalse();
        int r2 = (int) exportSyncFile(R);
        int w2 = (int) exportSyncFile(W);
        assertThat(syncFileBusy(r2)).isTrue();
        assertThat(syncFileBusy(w2)).isTrue();
        assertThat(k.signal(fd, f1)).isZero();
        int f2 = (int) k.attach(fd, bo, WRITE);
        assertThat(syncFileBusy(r2)).isFalse();
        assertThat(syncFileBusy(w2)).isFalse();
        assertThat(sfBusy(R)).isTrue();
        assertThat(sfBusy(W)).isTrue();
        assertThat(k.signal(fd, f2)).isZero();
    }

    @Test
    void importBasic() {
        setUpBuffer();
        SwSyncTimeline tl = SwSyncTimeline.create("tl", k.clock, debug);
        importTimelineFence(R, tl, 1);
        assertBusy(false, true, true);
        tl.inc(1);
        assertBusy(false, false, false);
        importTimelineFence(W, tl, 2);
        assertBusy(true, true, true);
        tl.inc(1);
        assertBusy(false, false, false);
        importTimelineFence(RW, tl, 3);
        assertBusy(true, true, true);
        tl.inc(1);
        assertBusy(false, false, false);
    }

    @Test
    void importMultipleReadOnly() {
        importMultiple(false);
    }

    @Test
    void importMultipleReadWrite() {
        importMultiple(true);
    }

    private void importMultiple(boolean write) {
        setUpBuffer();
        List<SwSyncTimeline> reads = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            SwSyncTimeline tl = SwSyncTimeline.create("r" + i, k.clock, debug);
            reads.add(tl);
            importTimelineFence(R, tl, 1);
        }
        SwSyncTimeline wtl = SwSyncTimeline.create("w", k.clock, debug);
        if (write) {
            importTimelineFence(W, wtl, 1);
        }
        int rsf = (int) exportSyncFile(R);
        int wsf = (int) exportSyncFile(W);
        for (int i = 31; i >= 0; i--) {
            assertThat(dBusy(R)).isEqualTo(write);
            assertThat(syncFileBusy(rsf)).isEqualTo(write);
            assertThat(dBusy(W)).isTrue();
            assertThat(syncFileBusy(wsf)).isTrue();
            reads.get(i).inc(1);
        }
        assertThat(dBusy(R)).isEqualTo(write);
        assertThat(syncFileBusy(rsf)).isEqualTo(write);
        assertThat(dBusy(W)).isEqualTo(write);
        assertThat(syncFileBusy(wsf)).isEqualTo(write);
        if (write) {
            wtl.inc(1);
        }
        assertThat(dBusy(R)).isFalse();
        assertThat(syncFileBusy(rsf)).isFalse();
        assertThat(dBusy(W)).isFalse();
        assertThat(syncFileBusy(wsf)).isFalse();
    }

    @Test
    void importingAMergedSyncFileAddsItsLeaves() {
        setUpBuffer();
        SwSyncTimeline a = SwSyncTimeline.create("a", k.clock, debug);
        SwSyncTimeline b = SwSyncTimeline.create("b", k.clock, debug);
        SyncFile merged = SyncFile.merge("m", SyncFile.create(a.createFence(1)), SyncFile.create(b.createFence(1)));
        int sfd = k.task.install(merged.file(), 0);
        assertThat(importSyncFile(W, sfd)).isZero();
        assertThat(k.dmaBufs.bufinfo()).contains("\twrite fence:" + a.context() + ":1 ");
        assertThat(k.dmaBufs.bufinfo()).contains("\twrite fence:" + b.context() + ":1 ");
        a.inc(1);
        assertThat(dBusy(R)).isTrue();
        b.inc(1);
        assertThat(dBusy(R)).isFalse();
    }
}
