package dev.uvgem.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DrmSyncobjUapiTest {
    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void ioctlCodesAreTheKernels() {
        assertThat(DrmSyncobj.IOCTL_CREATE).isEqualTo(0xC00864BF);
        assertThat(DrmSyncobj.IOCTL_DESTROY).isEqualTo(0xC00864C0);
        assertThat(DrmSyncobj.IOCTL_HANDLE_TO_FD).isEqualTo(0xC01864C1);
        assertThat(DrmSyncobj.IOCTL_HANDLE_TO_FD_V1).isEqualTo(0xC01064C1);
        assertThat(DrmSyncobj.IOCTL_FD_TO_HANDLE).isEqualTo(0xC01864C2);
        assertThat(DrmSyncobj.IOCTL_FD_TO_HANDLE_V1).isEqualTo(0xC01064C2);
        assertThat(DrmSyncobj.IOCTL_WAIT).isEqualTo(0xC02864C3);
        assertThat(DrmSyncobj.IOCTL_WAIT_V1).isEqualTo(0xC02064C3);
        assertThat(DrmSyncobj.IOCTL_RESET).isEqualTo(0xC01064C4);
        assertThat(DrmSyncobj.IOCTL_SIGNAL).isEqualTo(0xC01064C5);
        assertThat(DrmSyncobj.IOCTL_TIMELINE_WAIT).isEqualTo(0xC03064CA);
        assertThat(DrmSyncobj.IOCTL_TIMELINE_WAIT_V1).isEqualTo(0xC02864CA);
        assertThat(DrmSyncobj.IOCTL_QUERY).isEqualTo(0xC01864CB);
        assertThat(DrmSyncobj.IOCTL_TRANSFER).isEqualTo(0xC02064CC);
        assertThat(DrmSyncobj.IOCTL_TIMELINE_SIGNAL).isEqualTo(0xC01864CD);
        assertThat(DrmSyncobj.IOCTL_EVENTFD).isEqualTo(0xC01864CF);
    }

    @Test
    void flagsAreTheKernels() {
        assertThat(DrmSyncobj.CREATE_SIGNALED).isEqualTo(1);
        assertThat(DrmSyncobj.FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE).isEqualTo(1);
        assertThat(DrmSyncobj.FD_TO_HANDLE_FLAGS_TIMELINE).isEqualTo(2);
        assertThat(DrmSyncobj.HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE).isEqualTo(1);
        assertThat(DrmSyncobj.HANDLE_TO_FD_FLAGS_TIMELINE).isEqualTo(2);
        assertThat(DrmSyncobj.WAIT_FLAGS_WAIT_ALL).isEqualTo(1);
        assertThat(DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT).isEqualTo(2);
        assertThat(DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE).isEqualTo(4);
        assertThat(DrmSyncobj.WAIT_FLAGS_WAIT_DEADLINE).isEqualTo(8);
        assertThat(DrmSyncobj.QUERY_FLAGS_LAST_SUBMITTED).isEqualTo(1);
    }

    @Test
    void handleLayoutWithAndWithoutPoint() {
        ByteBuffer b = le(DrmSyncobjHandle.SIZE);
        new DrmSyncobjHandle(7, 3, -1, 0, 0x1_0000_0002L).write(b);
        assertThat(b.getInt(8)).isEqualTo(-1);
        assertThat(b.getLong(16)).isEqualTo(0x1_0000_0002L);
        assertThat(DrmSyncobjHandle.read(b)).isEqualTo(new DrmSyncobjHandle(7, 3, -1, 0, 0x1_0000_0002L));

        ByteBuffer old = le(DrmSyncobjHandle.SIZE_V1);
        new DrmSyncobjHandle(7, 1, 5, 0, 99).write(old);
        assertThat(DrmSyncobjHandle.read(old)).isEqualTo(new DrmSyncobjHandle(7, 1, 5, 0, 0));
    }

    @Test
    void waitLayouts() {
        ByteBuffer b = le(DrmSyncobjWait.SIZE);
        DrmSyncobjWait w = new DrmSyncobjWait(0x1000_0000L, -1, 3, 5, -1, 0, 42);
        w.write(b);
        assertThat(b.getInt(16)).isEqualTo(3);
        assertThat(b.getInt(24)).isEqualTo(-1);
        assertThat(b.getLong(32)).isEqualTo(42);
        assertThat(DrmSyncobjWait.read(b)).isEqualTo(w);

        ByteBuffer t = le(DrmSyncobjTimelineWait.SIZE);
        DrmSyncobjTimelineWait tw = new DrmSyncobjTimelineWait(1, 2, 3, 4, 5, 6, 0, 8);
        tw.write(t);
        assertThat(t.getLong(16)).isEqualTo(3);
        assertThat(t.getInt(24)).isEqualTo(4);
        assertThat(t.getInt(32)).isEqualTo(6);
        assertThat(t.getLong(40)).isEqualTo(8);
        assertThat(DrmSyncobjTimelineWait.read(t)).isEqualTo(tw);
        assertThat(DrmSyncobjTimelineWait.read(le(DrmSyncobjTimelineWait.SIZE_V1))
                        .deadlineNsec())
                .isZero();
    }

    @Test
    void otherLayouts() {
        ByteBuffer tr = le(DrmSyncobjTransfer.SIZE);
        DrmSyncobjTransfer transfer = new DrmSyncobjTransfer(1, 2, 3, 4, 5, 6);
        transfer.write(tr);
        assertThat(tr.getLong(16)).isEqualTo(4);
        assertThat(tr.getInt(28)).isEqualTo(6);
        assertThat(DrmSyncobjTransfer.read(tr)).isEqualTo(transfer);

        ByteBuffer ev = le(DrmSyncobjEventfd.SIZE);
        DrmSyncobjEventfd eventfd = new DrmSyncobjEventfd(1, 4, 9, 11, 0);
        eventfd.write(ev);
        assertThat(ev.getLong(8)).isEqualTo(9);
        assertThat(ev.getInt(16)).isEqualTo(11);
        assertThat(DrmSyncobjEventfd.read(ev)).isEqualTo(eventfd);

        ByteBuffer ta = le(DrmSyncobjTimelineArray.SIZE);
        DrmSyncobjTimelineArray array = new DrmSyncobjTimelineArray(1, 2, 3, 4);
        array.write(ta);
        assertThat(ta.getInt(16)).isEqualTo(3);
        assertThat(DrmSyncobjTimelineArray.read(ta)).isEqualTo(array);

        ByteBuffer a = le(DrmSyncobjArray.SIZE);
        new DrmSyncobjArray(1, 2, 3).write(a);
        assertThat(a.getInt(12)).isEqualTo(3);
        assertThat(DrmSyncobjCreate.SIZE).isEqualTo(DrmSyncobjDestroy.SIZE).isEqualTo(8);
    }
}
