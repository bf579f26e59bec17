package dev.uvgem.sys;

import static dev.uvgem.sys.BootTest.createDumb;
import static dev.uvgem.sys.BootTest.export;
import static dev.uvgem.sys.BootTest.le;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.SwSyncCreateFenceData;
import dev.uvgem.uapi.SwSyncIoctl;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** uvgem's debugfs listings, {@code uvgem/buffers} and {@code uvgem/fences}: who holds what, at a glance. */
class ListingsTest {
    final VirtualClock clock = new VirtualClock();
    final Kernel kernel = Boot.kernel(KernelConfig.defaults(clock).withDebugfs(true));
    final Process root = kernel.spawn("root", true);

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    @Test
    void buffersListOwnerSizeHoldersAndFences() {
        Process owner = kernel.spawn("renderer", false);
        Process importer = kernel.spawn("compositor", false);
        int card = (int) owner.open(Boot.CARD0, Process.O_RDWR);
        int handle = createDumb(owner, card);
        createDumb(owner, card);
        int dmabuf = export(owner, card, handle);
        attach(owner, card, handle, Vgem.VGEM_FENCE_WRITE);
        byte[] token = new byte[Kernel.FD_TOKEN_BYTES];
        owner.fdSend(dmabuf, token);
        int received = (int) importer.fdRecv(token);
        int icard = (int) importer.open(Boot.RENDER_D128, Process.O_RDWR);
        int ihandle = importHandle(importer, icard, received);

        List<String[]> rows = rows(Boot.UVGEM_BUFFERS);
        assertThat(rows.getFirst()).containsExactly("size", "owner", "dmabuf", "handles", "fds", "fences");
        assertThat(rows).hasSize(3);
        String[] shared = rows.stream()
                .filter(r -> !r[2].equals("-") && !r[0].equals("size"))
                .findFirst()
                .orElseThrow();
        String ownerName = "renderer[" + owner.pid() + "]";
        assertThat(shared[0]).isEqualTo("8192");
        assertThat(shared[1]).isEqualTo(ownerName);
        assertThat(shared[3].split(","))
                .containsExactlyInAnyOrder(owner.pid() + ":" + handle, importer.pid() + ":" + ihandle);
        assertThat(shared[4].split(","))
                .containsExactlyInAnyOrder(owner.pid() + ":" + dmabuf, importer.pid() + ":" + received);
        assertThat(shared[5]).startsWith("W ").endsWith(":1");

        owner.exit();
        rows = rows(Boot.UVGEM_BUFFERS);
        assertThat(rows).as("the shared buffer stays, charged to its creator").hasSize(2);
        assertThat(rows.get(1)[1]).isEqualTo(ownerName);
        assertThat(rows.get(1)[5]).as("the owner's fence signalled at its exit").isEqualTo("-");
        importer.exit();
        assertThat(rows(Boot.UVGEM_BUFFERS)).hasSize(1);
    }

    @Test
    void fencesListStateAgeAndOwner() {
        Process owner = kernel.spawn("renderer", false);
        int card = (int) owner.open(Boot.CARD0, Process.O_RDWR);
        int a = createDumb(owner, card);
        int b = createDumb(owner, card);
        int first = attach(owner, card, a, Vgem.VGEM_FENCE_WRITE);
        clock.advance(Duration.ofSeconds(6));
        int second = attach(owner, card, b, 0);
        clock.advance(Duration.ofSeconds(5)); // the first one expires

        List<String[]> rows = rows(Boot.UVGEM_FENCES);
        assertThat(rows.getFirst())
                .containsExactly("driver", "timeline", "context", "seqno", "state", "age_ms", "owner");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).satisfies(r -> {
            assertThat(r[0]).isEqualTo("vgem");
            assertThat(r[1]).isEqualTo("unbound");
            assertThat(r[3]).isEqualTo("1");
            assertThat(r[4]).isEqualTo("expired");
            assertThat(r[5]).isEqualTo("11000");
            assertThat(r[6]).isEqualTo("renderer[" + owner.pid() + "] " + card + "/" + first);
        });
        assertThat(rows.get(2)[4]).isEqualTo("active");
        assertThat(rows.get(2)[5]).isEqualTo("5000");
        assertThat(rows.get(2)[6]).endsWith("/" + second);

        int timeline = (int) root.open(Boot.SW_SYNC, Process.O_RDWR);
        byte[] arg = new byte[SwSyncCreateFenceData.SIZE];
        new SwSyncCreateFenceData(7, "point", 0).write(le(arg));
        assertThat(root.ioctl(timeline, SwSyncIoctl.CREATE_FENCE, arg, null)).isZero();
        owner.close(card);
        rows = rows(Boot.UVGEM_FENCES);
        assertThat(rows).as("closing the file takes its fences out").hasSize(2);
        assertThat(rows.get(1)).containsExactly("sw_sync", "root", rows.get(1)[2], "7", "active", "-", "-");
    }

    @Test
    void theListingsAreAdminOnlyWithDebugfs() {
        Process user = kernel.spawn("user", false);
        assertThat(user.open(Boot.UVGEM_BUFFERS, 0)).isEqualTo(Errno.EACCES.negative());
        assertThat(user.open(Boot.UVGEM_FENCES, 0)).isEqualTo(Errno.EACCES.negative());
        try (Kernel noDebugfs = Boot.kernel(KernelConfig.defaults(clock))) {
            Process admin = noDebugfs.spawn("admin", true);
            assertThat(admin.open(Boot.UVGEM_BUFFERS, 0)).isEqualTo(Errno.EACCES.negative());
        }
    }

    private List<String[]> rows(String path) {
        int fd = (int) root.open(path, 0);
        assertThat(fd).isPositive();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        for (long n; (n = root.read(fd, buf)) > 0; ) {
            text.write(buf, 0, (int) n);
        }
        root.close(fd);
        return Arrays.stream(text.toString(StandardCharsets.UTF_8).split("\n"))
                .map(l -> l.split("\t"))
                .toList();
    }

    private static int attach(Process p, int card, int handle, int flags) {
        byte[] arg = new byte[VgemFenceAttach.SIZE];
        new VgemFenceAttach(handle, flags, 0, 0).write(le(arg));
        assertThat(p.ioctl(card, Vgem.IOCTL_FENCE_ATTACH, arg, null)).isZero();
        return VgemFenceAttach.read(le(arg)).outFence();
    }

    private static int importHandle(Process p, int card, int dmabuf) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(0, 0, dmabuf).write(le(arg));
        assertThat(p.ioctl(card, Drm.IOCTL_PRIME_FD_TO_HANDLE, arg, null)).isZero();
        return DrmPrimeHandle.read(le(arg)).handle();
    }
}
