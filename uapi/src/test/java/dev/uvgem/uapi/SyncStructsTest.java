package dev.uvgem.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SyncStructsTest {
    private static ByteBuffer buf(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void mergeDataRoundTripsAtKernelOffsets() {
        var d = new SyncMergeData("merged", 7, 9, 0x11, 0x22);
        ByteBuffer b = buf(SyncMergeData.SIZE);
        d.write(b);
        assertThat(SyncMergeData.read(b)).isEqualTo(d);
        assertThat(b.get(0)).isEqualTo((byte) 'm');
        assertThat(b.get(6)).isZero();
        assertThat(b.getInt(32)).isEqualTo(7);
        assertThat(b.getInt(36)).isEqualTo(9);
        assertThat(b.getInt(40)).isEqualTo(0x11);
        assertThat(b.getInt(44)).isEqualTo(0x22);
    }

    @Test
    void fenceInfoRoundTripsAtKernelOffsets() {
        var d = new SyncFenceInfo("tl", "drv", -2, 3, 0x0102030405060708L);
        ByteBuffer b = buf(SyncFenceInfo.SIZE);
        d.write(b);
        assertThat(SyncFenceInfo.read(b)).isEqualTo(d);
        assertThat(b.get(32)).isEqualTo((byte) 'd');
        assertThat(b.getInt(64)).isEqualTo(-2);
        assertThat(b.getInt(68)).isEqualTo(3);
        assertThat(b.get(72)).isEqualTo((byte) 0x08);
    }

    @Test
    void fileInfoRoundTripsAtKernelOffsets() {
        var d = new SyncFileInfo("file", 1, 2, -1, 4, 0x1234_5678_9abcL);
        ByteBuffer b = buf(SyncFileInfo.SIZE);
        d.write(b);
        assertThat(SyncFileInfo.read(b)).isEqualTo(d);
        assertThat(b.getInt(32)).isEqualTo(1);
        assertThat(b.getInt(36)).isEqualTo(2);
        assertThat(b.getInt(40)).isEqualTo(-1);
        assertThat(b.getInt(44)).isEqualTo(4);
        assertThat(b.getLong(48)).isEqualTo(0x1234_5678_9abcL);
    }

    @Test
    void setDeadlineRoundTrips() {
        var d = new SyncSetDeadline(Long.MIN_VALUE + 5, 6);
        ByteBuffer b = buf(SyncSetDeadline.SIZE);
        d.write(b);
        assertThat(SyncSetDeadline.read(b)).isEqualTo(d);
        assertThat(b.getLong(8)).isEqualTo(6);
    }

    @Test
    void createFenceDataRoundTripsAtKernelOffsets() {
        var d = new SwSyncCreateFenceData(-1, "pt", 12);
        ByteBuffer b = buf(SwSyncCreateFenceData.SIZE);
        d.write(b);
        assertThat(SwSyncCreateFenceData.read(b)).isEqualTo(d);
        assertThat(b.getInt(0)).isEqualTo(-1);
        assertThat(b.get(4)).isEqualTo((byte) 'p');
        assertThat(b.getInt(36)).isEqualTo(12);
    }

    @Test
    void getDeadlineRoundTripsAtKernelOffsets() {
        var d = new SwSyncGetDeadline(99, 1, 5);
        ByteBuffer b = buf(SwSyncGetDeadline.SIZE);
        d.write(b);
        assertThat(SwSyncGetDeadline.read(b)).isEqualTo(d);
        assertThat(b.getInt(8)).isEqualTo(1);
        assertThat(b.getInt(12)).isEqualTo(5);
    }

    @Test
    void namesAreCutTo31BytesAndNulTerminated() {
        String longName = "abcdefghijklmnopqrstuvwxyz0123456789";
        ByteBuffer b = buf(SyncMergeData.SIZE);
        b.put(31, (byte) 'x');
        new SyncMergeData(longName, 0, 0, 0, 0).write(b);
        assertThat(b.get(31)).isZero();
        assertThat(SyncMergeData.read(b).name()).isEqualTo(longName.substring(0, 31));
    }

    @Test
    void aFieldWithoutNulReadsWhole() {
        ByteBuffer b = buf(SyncMergeData.SIZE);
        for (int i = 0; i < 32; i++) {
            b.put(i, (byte) 'a');
        }
        assertThat(SyncMergeData.read(b).name()).hasSize(32);
    }

    @Test
    void shorterNamesZeroTheRestOfTheField() {
        ByteBuffer b = buf(SyncFenceInfo.SIZE);
        for (int i = 0; i < 32; i++) {
            b.put(i, (byte) 'z');
        }
        new SyncFenceInfo("ab", "", 0, 0, 0).write(b);
        for (int i = 2; i < 32; i++) {
            assertThat(b.get(i)).as("byte %d", i).isZero();
        }
    }

    @Test
    void putTerminatedKeepsTheBytesAfterTheNul() {
        ByteBuffer b = buf(32);
        for (int i = 0; i < 32; i++) {
            b.put(i, (byte) 'z');
        }
        assertThat(CString.putTerminated(b, 0, 32, "ab")).isEqualTo(3);
        assertThat(b.get(2)).isZero();
        assertThat(b.get(3)).isEqualTo((byte) 'z');
        assertThat(CString.get(b, 0, 32)).isEqualTo("ab");
    }

    @Test
    void truncateCutsByBytes() {
        assertThat(CString.truncate("abcdef", 3)).isEqualTo("abc");
        assertThat(CString.truncate("ab", 3)).isEqualTo("ab");
    }
}
