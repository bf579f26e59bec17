package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Ioc;
import dev.uvgem.uapi.ModeAtomic;
import dev.uvgem.uapi.ModeCrtcPageFlip;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.Vgem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** BodyReader, ReplyWriter, Op and WaitingIoctls. */
class CodecTest {
    @Test
    void bodyReaderReadsLittleEndianFieldsAndRefusesToReadPastTheEnd() {
        byte[] body = Body.of()
                .i16(-2)
                .u16(0xfffe)
                .i32(-5)
                .u32(0xfffffffbL)
                .i64(Long.MIN_VALUE)
                .str("héllo")
                .u32Bytes(new byte[] {1, 2})
                .build();
        BodyReader r = new BodyReader(ByteBuffer.wrap(body));
        assertThat(r.i16()).isEqualTo((short) -2);
        assertThat(r.u16()).isEqualTo(0xfffe);
        assertThat(r.i32()).isEqualTo(-5);
        assertThat(r.u32()).isEqualTo(0xfffffffbL);
        assertThat(r.i64()).isEqualTo(Long.MIN_VALUE);
        assertThat(r.str()).isEqualTo("héllo");
        assertThat(r.u32Bytes()).containsExactly(1, 2);
        assertThat(r.remaining()).isZero();
        assertThatThrownBy(r::i16).isInstanceOf(BodyReader.ShortBody.class);
    }

    @Test
    void bodyReaderChecksLengthsBeforeAllocating() {
        BodyReader huge =
                new BodyReader(ByteBuffer.wrap(Body.of().u32(0xffffffffL).build()));
        assertThatThrownBy(huge::u32Bytes).isInstanceOf(BodyReader.ShortBody.class);
        BodyReader str = new BodyReader(
                ByteBuffer.wrap(Body.of().u16(3).bytes(new byte[2]).build()));
        assertThatThrownBy(str::str).isInstanceOf(BodyReader.ShortBody.class);
        BodyReader badUtf8 = new BodyReader(
                ByteBuffer.wrap(Body.of().u16(1).bytes(new byte[] {(byte) 0xff}).build()));
        assertThat(badUtf8.str()).isEqualTo("\ufffd");
    }

    @Test
    void replyWriterEncodesTheHeaderAndCountsTheBody() {
        byte[] name = ReplyWriter.utf8("ab");
        ByteBuffer frame = new ReplyWriter(0x01020304, -22, 2 + 4 + ReplyWriter.strBytes(name) + 8)
                .i16(7)
                .u32(0xffffffffL)
                .str(name)
                .i64(99)
                .finish()
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(frame.remaining()).isEqualTo(4 + 12 + 18);
        assertThat(frame.getInt()).isEqualTo(12 + 18);
        assertThat(frame.getInt()).isEqualTo(0x01020304);
        assertThat(frame.getLong()).isEqualTo(-22);
        assertThat(frame.getShort()).isEqualTo((short) 7);
        assertThat(frame.getInt()).isEqualTo(-1);
        assertThat(frame.getShort()).isEqualTo((short) 2);
        assertThat(frame.get()).isEqualTo((byte) 'a');
        assertThat(ReplyWriter.of(5, 0).remaining()).isEqualTo(16);
        assertThatThrownBy(() -> new ReplyWriter(1, 0, 4).i16(1).finish()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void opsHaveTheContractsNumbers() {
        assertThat(Op.values()).hasSize(13);
        for (Op op : Op.values()) {
            assertThat(Op.of(op.code())).isSameAs(op);
            assertThat(op.code()).isEqualTo(op.ordinal() + 1);
        }
        assertThat(Op.HELLO.code()).isEqualTo(1);
        assertThat(Op.CANCEL.code()).isEqualTo(10);
        assertThat(Op.EVENTFD.code()).isEqualTo(13);
        assertThat(Op.of(0)).isNull();
        assertThat(Op.of(14)).isNull();
        assertThat(Op.of(64)).isNull();
        assertThat(Op.of(-1)).isNull();
    }

    @Test
    void onlyIoctlsThatSleepAreParked() {
        assertThat(parked(DmaBufIoctl.IOCTL_SYNC)).isTrue();
        assertThat(parked(Ioc.iowr('d', 0xc3, 40))).as("SYNCOBJ_WAIT").isTrue();
        assertThat(parked(Ioc.iowr('d', 0xca, 48))).as("SYNCOBJ_TIMELINE_WAIT").isTrue();
        assertThat(parked(Ioc.iowr('d', 0xcc, 32)))
                .as("SYNCOBJ_TRANSFER (WAIT_FOR_SUBMIT)")
                .isTrue();
        assertThat(parked(Ioc.iowr('d', 0x3a, 24))).as("WAIT_VBLANK").isTrue();
        assertThat(parked(Vgem.IOCTL_FENCE_ATTACH)).isFalse();
        assertThat(parked(Vgem.IOCTL_FENCE_SIGNAL)).isFalse();
        assertThat(parked(Drm.IOCTL_MODE_CREATE_DUMB)).isFalse();
        assertThat(parked(DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE)).isFalse();
        assertThat(parked(Ioc.iowr('x', 0, 8))).isFalse();
        assertThat(parked(UvGpu.IOCTL_SUBMIT)).as("uvgpu SUBMIT only queues").isFalse();
    }

    @Test
    void anAtomicCommitIsParkedUnlessNonblockOrTestOnly() {
        assertThat(WaitingIoctls.mayWait(DrmMode.IOCTL_ATOMIC, atomicFlags(0))).isTrue();
        assertThat(WaitingIoctls.mayWait(DrmMode.IOCTL_ATOMIC, atomicFlags(DrmMode.PAGE_FLIP_EVENT)))
                .isTrue();
        assertThat(WaitingIoctls.mayWait(DrmMode.IOCTL_ATOMIC, atomicFlags(DrmMode.ATOMIC_NONBLOCK)))
                .isFalse();
        assertThat(WaitingIoctls.mayWait(DrmMode.IOCTL_ATOMIC, atomicFlags(DrmMode.ATOMIC_TEST_ONLY)))
                .isFalse();
        assertThat(WaitingIoctls.mayWait(DrmMode.IOCTL_ATOMIC, new byte[2]))
                .as("too short for flags: fails at once")
                .isFalse();
        assertThat(WaitingIoctls.mayWait(DrmMode.IOCTL_PAGE_FLIP, new byte[ModeCrtcPageFlip.SIZE]))
                .as("PAGE_FLIP never waits")
                .isFalse();
    }

    private static boolean parked(int request) {
        return WaitingIoctls.mayWait(request, new byte[Ioc.size(request)]);
    }

    private static byte[] atomicFlags(int flags) {
        return Calls.struct(ModeAtomic.SIZE, b -> b.putInt(0, flags));
    }
}
