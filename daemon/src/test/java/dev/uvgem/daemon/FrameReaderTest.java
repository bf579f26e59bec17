package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void aWholeFrameIsARequestWithItsBody() {
        ByteBuffer b = le(32).putInt(12)
                .putInt(77)
                .putShort((short) 5)
                .putShort((short) 9)
                .putInt(-3);
        b.putInt(0xdead); // the start of the next frame
        b.flip();
        FrameReader.Event e = FrameReader.next(b);
        assertThat(e).isInstanceOfSatisfying(FrameReader.Request.class, r -> {
            assertThat(r.tag()).isEqualTo(77);
            assertThat(r.op()).isEqualTo(5);
            assertThat(r.body().remaining()).isEqualTo(4);
            assertThat(r.body().getInt()).isEqualTo(-3);
        });
        assertThat(b.position()).isEqualTo(16);
        assertThat(FrameReader.next(b)).as("the next one is incomplete").isNull();
        assertThat(b.position()).isEqualTo(16);
        assertThat(FrameReader.needed(b)).isEqualTo(4 + 0xdead);
    }

    @Test
    void opsAreUnsigned16Bit() {
        ByteBuffer b = le(12).putInt(8)
                .putInt(1)
                .putShort((short) 0xffff)
                .putShort((short) 0)
                .flip();
        assertThat(((FrameReader.Request) FrameReader.next(b)).op()).isEqualTo(0xffff);
    }

    @Test
    void partialFramesNeedMore() {
        ByteBuffer b = le(12).putInt(8).putInt(1).putShort((short) 2).flip();
        assertThat(FrameReader.next(b)).isNull();
        assertThat(FrameReader.needed(b)).isEqualTo(12);
        assertThat(FrameReader.needed(le(3).put(new byte[3]).flip())).isEqualTo(4);
        assertThat(FrameReader.next(le(3).put(new byte[3]).flip())).isNull();
    }

    @Test
    void oversizedFramesNeedOnlyTheirTag() {
        ByteBuffer b = le(8).putInt((int) Wire.MAX_LEN + 1).flip();
        assertThat(FrameReader.next(b)).isNull();
        assertThat(FrameReader.needed(b)).isEqualTo(8);
        b = le(8).putInt(-1).putInt(42).flip();
        assertThat(FrameReader.next(b)).isEqualTo(new FrameReader.Oversized(42, 0xffffffffL));
        ByteBuffer exact = le(4).putInt((int) Wire.MAX_LEN).flip();
        assertThat(FrameReader.needed(exact)).as("16 MiB itself is allowed").isEqualTo(4 + (int) Wire.MAX_LEN);
    }

    @Test
    void framesTooShortForAnOpOrATag() {
        assertThat(FrameReader.next(
                        le(10).putInt(6).putInt(9).putShort((short) 1).flip()))
                .isEqualTo(new FrameReader.Truncated(9));
        assertThat(FrameReader.next(le(8).putInt(4).putInt(3).flip())).isEqualTo(new FrameReader.Truncated(3));
        assertThat(FrameReader.next(le(6).putInt(2).putShort((short) 1).flip()))
                .isEqualTo(new FrameReader.Malformed(2));
        assertThat(FrameReader.next(le(4).putInt(0).flip())).isEqualTo(new FrameReader.Malformed(0));
    }

    @Test
    void readsFromTheBufferPositionWhateverItsByteOrder() {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[4])
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(8)
                .putInt(5)
                .putShort((short) 3)
                .putShort((short) 0);
        b.order(ByteOrder.BIG_ENDIAN).flip().position(4);
        assertThat(FrameReader.next(b)).isInstanceOfSatisfying(FrameReader.Request.class, r -> {
            assertThat(r.tag()).isEqualTo(5);
            assertThat(r.op()).isEqualTo(3);
            assertThat(r.body().remaining()).isZero();
        });
    }
}
