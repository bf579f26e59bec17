package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.sys.KernelConfig;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.SwSyncCreateFenceData;
import dev.uvgem.uapi.SwSyncIoctl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With {@code --debugfs}: the debugfs paths open for admin connections only. */
class DebugfsTest extends DaemonTestSupport {
    @Override
    KernelConfig kernelConfig() {
        return KernelConfig.defaults().withDebugfs(true);
    }

    @Test
    void onlyAdminConnectionsOpenDebugfs() {
        RawClient user = user("user");
        RawClient admin = admin("admin");
        for (String path : new String[] {
            "/sys/kernel/debug/sync/sw_sync", "/sys/kernel/debug/dma_buf/bufinfo", "/sys/kernel/debug/sync/info"
        }) {
            assertThat(Calls.open(user, path, Calls.O_RDWR)).as(path).isEqualTo(Errno.EACCES.negative());
            assertThat(Calls.open(admin, path, Calls.O_RDWR)).as(path).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void bufinfoReadsAsTextInPieces() {
        RawClient user = user("user");
        int card = Calls.openCard(user);
        ModeCreateDumb bo = Calls.createDumb(user, card, 32, 32);
        Calls.export(user, card, bo.handle());

        RawClient admin = admin("admin");
        int fd = (int) Calls.open(admin, "/sys/kernel/debug/dma_buf/bufinfo", 0);
        StringBuilder text = new StringBuilder();
        while (true) {
            Reply r = admin.call(Op.READ, Body.of().i32(fd).u32(16));
            assertThat(r.result()).isBetween(0L, 16L);
            if (r.result() == 0) {
                break;
            }
            text.append(new String(r.bytes((int) r.result()), StandardCharsets.UTF_8));
        }
        assertThat(text).contains("Dma-buf Objects:").contains("Total 1 objects");
        assertThat(admin.result(Op.LSEEK, Body.of().i32(fd).i64(0).u32(0))).isZero();
        Reply whole = admin.call(Op.READ, Body.of().i32(fd).u32(0xffffffffL));
        assertThat(whole.result()).as("a huge count reads what there is").isEqualTo(text.length());
    }

    @Test
    void aTimelinePassedToAnotherConnectionWakesItsParkedPollWhenAdvanced() {
        RawClient owner = admin("owner");
        RawClient waiter = admin("waiter");
        int timeline = (int) Calls.open(owner, "/sys/kernel/debug/sync/sw_sync", Calls.O_RDWR);
        int theirs = (int) Calls.fdRecv(waiter, Calls.fdSend(owner, timeline));
        byte[] arg = Calls.struct(SwSyncCreateFenceData.SIZE, b -> new SwSyncCreateFenceData(2, "frame", 0).write(b));
        Calls.Ioctl created = Calls.ioctl(waiter, theirs, SwSyncIoctl.CREATE_FENCE, arg, new byte[0]);
        assertThat(created.result()).isZero();
        int fence = SwSyncCreateFenceData.read(created.argBuffer()).fence();
        int poll = waiter.newTag();
        waiter.send(poll, Op.POLL, Calls.pollBody(fence, Calls.POLLIN, -1));

        byte[] one = Calls.struct(4, b -> b.putInt(0, 1));
        assertThat(Calls.ioctl(owner, timeline, SwSyncIoctl.INC, one, new byte[0])
                        .result())
                .isZero();
        waiter.expectSilence(Duration.ofMillis(30));
        assertThat(Calls.ioctl(owner, timeline, SwSyncIoctl.INC, one, new byte[0])
                        .result())
                .isZero();
        Reply r = waiter.receive();
        assertThat(r.tag()).isEqualTo(poll);
        assertThat(r.result()).isEqualTo(1);
        assertThat(r.i16()).isEqualTo(Calls.POLLIN);
    }
}
