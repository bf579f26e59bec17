package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtVgem.dmabufBusy;
import static dev.uvgem.conformance.IgtVgem.dmabufExportSyncFile;
import static dev.uvgem.conformance.IgtVgem.dmabufImportTimelineFence;
import static dev.uvgem.conformance.IgtVgem.dmabufSyncFileBusy;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriver;
import static dev.uvgem.conformance.IgtVgem.gemClose;
import static dev.uvgem.conformance.IgtVgem.hasDmabufExportSyncFile;
import static dev.uvgem.conformance.IgtVgem.hasDmabufImportSyncFile;
import static dev.uvgem.conformance.IgtVgem.ok;
import static dev.uvgem.conformance.IgtVgem.primeHandleToFd;
import static dev.uvgem.conformance.IgtVgem.syncFileBusy;
import static dev.uvgem.conformance.IgtVgem.vgemCreate;
import static dev.uvgem.conformance.IgtVgem.vgemFenceAttach;
import static dev.uvgem.conformance.IgtVgem.vgemFenceSignal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.SwSyncTimelineFd;
import dev.uvgem.conformance.IgtVgem.VgemBo;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Vgem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/dmabuf_sync_file.c}, all 7 subtests: sync files exported from a dma-buf snapshot its implicit
 * fences (readers' view: the writers; writers' view: everyone), and sync files imported into it join them as
 * readers or writers. Imports use sw_sync timelines; the fixture is one vgem primary node and a 1x1x32 buffer
 * exported with DRM_CLOEXEC.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class DmabufSyncFileTest extends BackendSuite {
    private static final int R = (int) DmaBufIoctl.SYNC_READ;
    private static final int W = (int) DmaBufIoctl.SYNC_WRITE;
    private static final int RW = (int) DmaBufIoctl.SYNC_RW;

    private int fd;
    private VgemBo bo;
    private int dmabuf;

    @BeforeEach
    void fixture() {
        fd = drmOpenDriver(sys);
    }

    /** The buffer every subtest works on: 1x1x32, exported read-only. */
    private void exportedBuffer() {
        bo = vgemCreate(sys, fd, 1, 1, 32);
        dmabuf = primeHandleToFd(sys, fd, bo.handle);
    }

    private void releaseBuffer() {
        ok(sys.close(dmabuf));
        gemClose(sys, fd, bo.handle);
        assertThat(env.devices().vgem().liveObjects()).isZero();
        assertThat(env.devices().dmaBufs().count()).isZero();
    }

    /**
     * Checks the buffer's busy state both ways the suite probes it: polling the dma-buf ({@code dmabuf_busy}) and
     * polling a freshly exported sync file ({@code dmabuf_sync_file_busy}), each for READ, WRITE and RW. The two
     * must always agree.
     */
    private void expectBusy(boolean read, boolean write, boolean readWrite) {
        Map<String, Boolean> expected = new LinkedHashMap<>();
        Map<String, Boolean> actual = new LinkedHashMap<>();
        int[] flags = {R, W, RW};
        boolean[] busy = {read, write, readWrite};
        String[] names = {"READ", "WRITE", "RW"};
        for (int i = 0; i < flags.length; i++) {
            expected.put("dmabuf_busy(" + names[i] + ")", busy[i]);
            actual.put("dmabuf_busy(" + names[i] + ")", dmabufBusy(sys, dmabuf, flags[i]));
        }
        for (int i = 0; i < flags.length; i++) {
            expected.put("dmabuf_sync_file_busy(" + names[i] + ")", busy[i]);
            actual.put("dmabuf_sync_file_busy(" + names[i] + ")", dmabufSyncFileBusy(sys, dmabuf, flags[i]));
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    private void expectIdle() {
        expectBusy(false, false, false);
    }

    // ---------------------------------------------------------------- export

    @Test
    void exportBasic() {
        assertThat(hasDmabufExportSyncFile(sys, fd)).isTrue();
        exportedBuffer();

        // Nothing attached: the export is an already-signalled stub.
        expectIdle();

        int fence = vgemFenceAttach(sys, fd, bo, 0);
        expectBusy(false, true, true);
        vgemFenceSignal(sys, fd, fence);
        expectIdle();

        fence = vgemFenceAttach(sys, fd, bo, Vgem.VGEM_FENCE_WRITE);
        expectBusy(true, true, true);
        vgemFenceSignal(sys, fd, fence);
        expectIdle();

        releaseBuffer();
    }

    @Test
    void exportBeforeSignal() {
        assertThat(hasDmabufExportSyncFile(sys, fd)).isTrue();
        exportedBuffer();
        assertThat(dmabufSyncFileBusy(sys, dmabuf, R)).isFalse();
        assertThat(dmabufSyncFileBusy(sys, dmabuf, W)).isFalse();

        // A pending reader: only the writers' snapshot waits for it; both follow it as it signals.
        int fence = vgemFenceAttach(sys, fd, bo, 0);
        int readFd = dmabufExportSyncFile(sys, dmabuf, R);
        int writeFd = dmabufExportSyncFile(sys, dmabuf, W);
        assertThat(syncFileBusy(sys, readFd)).isFalse();
        assertThat(syncFileBusy(sys, writeFd)).isTrue();
        vgemFenceSignal(sys, fd, fence);
        assertThat(syncFileBusy(sys, readFd)).isFalse();
        assertThat(syncFileBusy(sys, writeFd)).isFalse();
        ok(sys.close(readFd));
        ok(sys.close(writeFd));

        // A pending writer: both snapshots wait for it.
        fence = vgemFenceAttach(sys, fd, bo, Vgem.VGEM_FENCE_WRITE);
        readFd = dmabufExportSyncFile(sys, dmabuf, R);
        writeFd = dmabufExportSyncFile(sys, dmabuf, W);
        assertThat(syncFileBusy(sys, readFd)).isTrue();
        assertThat(syncFileBusy(sys, writeFd)).isTrue();
        vgemFenceSignal(sys, fd, fence);
        assertThat(syncFileBusy(sys, readFd)).isFalse();
        assertThat(syncFileBusy(sys, writeFd)).isFalse();
        ok(sys.close(readFd));
        ok(sys.close(writeFd));

        releaseBuffer();
    }

    @Test
    void exportMultiwait() {
        assertThat(hasDmabufExportSyncFile(sys, fd)).isTrue();
        exportedBuffer();

        // Readers share: two read attaches in a row are allowed.
        int first = vgemFenceAttach(sys, fd, bo, 0);
        int second = vgemFenceAttach(sys, fd, bo, 0);
        int syncFile = dmabufExportSyncFile(sys, dmabuf, W);
        int third = vgemFenceAttach(sys, fd, bo, 0);

        assertThat(syncFileBusy(sys, syncFile)).isTrue();
        vgemFenceSignal(sys, fd, first);
        assertThat(syncFileBusy(sys, syncFile))
                .as("the second reader is still pending")
                .isTrue();
        vgemFenceSignal(sys, fd, second);
        assertThat(syncFileBusy(sys, syncFile))
                .as("the snapshot does not include the reader attached after it")
                .isFalse();
        assertThat(dmabufBusy(sys, dmabuf, W))
                .as("... which the buffer still has")
                .isTrue();
        vgemFenceSignal(sys, fd, third);

        ok(sys.close(syncFile));
        releaseBuffer();
    }

    @Test
    void exportWaitAfterAttach() {
        assertThat(hasDmabufExportSyncFile(sys, fd)).isTrue();
        exportedBuffer();

        // Snapshots of an idle buffer stay idle whatever is attached later.
        int readFd = dmabufExportSyncFile(sys, dmabuf, R);
        int writeFd = dmabufExportSyncFile(sys, dmabuf, W);
        int first = vgemFenceAttach(sys, fd, bo, Vgem.VGEM_FENCE_WRITE);
        assertThat(syncFileBusy(sys, readFd)).isFalse();
        assertThat(syncFileBusy(sys, writeFd)).isFalse();
        ok(sys.close(readFd));
        ok(sys.close(writeFd));

        // These hold the first writer.
        readFd = dmabufExportSyncFile(sys, dmabuf, R);
        writeFd = dmabufExportSyncFile(sys, dmabuf, W);
        assertThat(syncFileBusy(sys, readFd)).isTrue();
        assertThat(syncFileBusy(sys, writeFd)).isTrue();

        vgemFenceSignal(sys, fd, first);
        int second = vgemFenceAttach(sys, fd, bo, Vgem.VGEM_FENCE_WRITE);
        assertThat(syncFileBusy(sys, readFd)).as("holds only the first writer").isFalse();
        assertThat(syncFileBusy(sys, writeFd)).as("holds only the first writer").isFalse();
        assertThat(dmabufSyncFileBusy(sys, dmabuf, R))
                .as("a fresh snapshot holds the second")
                .isTrue();
        assertThat(dmabufSyncFileBusy(sys, dmabuf, W))
                .as("a fresh snapshot holds the second")
                .isTrue();

        vgemFenceSignal(sys, fd, second);
        ok(sys.close(readFd));
        ok(sys.close(writeFd));
        releaseBuffer();
    }

    // ---------------------------------------------------------------- import

    @Test
    void importBasic() {
        try (SwSyncTimelineFd timeline = env.root().createTimeline()) {
            assertThat(hasDmabufImportSyncFile(sys, fd, timeline)).isTrue();
            exportedBuffer();
            assertThat(dmabufBusy(sys, dmabuf, R)).isFalse();
            assertThat(dmabufBusy(sys, dmabuf, W)).isFalse();

            dmabufImportTimelineFence(sys, dmabuf, R, timeline, 1);
            expectBusy(false, true, true);
            timeline.inc(1);
            expectIdle();

            dmabufImportTimelineFence(sys, dmabuf, W, timeline, 2);
            expectBusy(true, true, true);
            timeline.inc(1);
            expectIdle();

            // READ|WRITE imports as a writer.
            dmabufImportTimelineFence(sys, dmabuf, RW, timeline, 3);
            expectBusy(true, true, true);
            timeline.inc(1);
            expectIdle();
        }
        releaseBuffer();
    }

    @Test
    void importMultipleReadOnly() {
        importMultiple(false);
    }

    @Test
    void importMultipleReadWrite() {
        importMultiple(true);
    }

    /**
     * Thirty-two imported readers (each on its own timeline) block writers until the last of them signals, never
     * readers; one imported writer blocks both until it signals.
     */
    private void importMultiple(boolean withWriter) {
        try (SwSyncTimelineFd probe = env.root().createTimeline()) {
            assertThat(hasDmabufImportSyncFile(sys, fd, probe)).isTrue();
        }
        List<SwSyncTimelineFd> readers = new ArrayList<>();
        SwSyncTimelineFd writer = null;
        try {
            exportedBuffer();
            assertThat(dmabufBusy(sys, dmabuf, R)).isFalse();
            assertThat(dmabufBusy(sys, dmabuf, W)).isFalse();

            for (int i = 0; i < 32; i++) {
                SwSyncTimelineFd tl = env.root().createTimeline();
                readers.add(tl);
                dmabufImportTimelineFence(sys, dmabuf, R, tl, 1);
            }
            if (withWriter) {
                writer = env.root().createTimeline();
                dmabufImportTimelineFence(sys, dmabuf, W, writer, 1);
            }

            int readSf = dmabufExportSyncFile(sys, dmabuf, R);
            int writeSf = dmabufExportSyncFile(sys, dmabuf, W);
            for (int i = readers.size() - 1; i >= 0; i--) {
                assertThat(dmabufBusy(sys, dmabuf, R))
                        .as("readers block readers? (%d left)", i + 1)
                        .isEqualTo(withWriter);
                assertThat(syncFileBusy(sys, readSf)).isEqualTo(withWriter);
                assertThat(dmabufBusy(sys, dmabuf, W))
                        .as("%d readers left", i + 1)
                        .isTrue();
                assertThat(syncFileBusy(sys, writeSf))
                        .as("%d readers left", i + 1)
                        .isTrue();
                readers.get(i).inc(1);
            }

            assertThat(dmabufBusy(sys, dmabuf, R)).isEqualTo(withWriter);
            assertThat(syncFileBusy(sys, readSf)).isEqualTo(withWriter);
            assertThat(dmabufBusy(sys, dmabuf, W)).isEqualTo(withWriter);
            assertThat(syncFileBusy(sys, writeSf)).isEqualTo(withWriter);

            if (withWriter) {
                writer.inc(1);
            }
            assertThat(dmabufBusy(sys, dmabuf, R)).isFalse();
            assertThat(syncFileBusy(sys, readSf)).isFalse();
            assertThat(dmabufBusy(sys, dmabuf, W)).isFalse();
            assertThat(syncFileBusy(sys, writeSf)).isFalse();

            ok(sys.close(readSf));
            ok(sys.close(writeSf));
        } finally {
            readers.forEach(SwSyncTimelineFd::close);
            if (writer != null) {
                writer.close();
            }
        }
        releaseBuffer();
    }
}
