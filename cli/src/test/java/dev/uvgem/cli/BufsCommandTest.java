package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.VgemDevice;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code uvgem bufs} against a daemon started in the test. */
@Timeout(30)
class BufsCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsEveryBufferWithItsSizeOwnerHoldersAndFences() {
        try (RunningDaemon d = new RunningDaemon(dir, true);
                VgemDevice vgem = d.client.openVgem();
                BufferObject frame = vgem.createDumb(640, 480, 32);
                BufferObject small = vgem.createDumb(1024, 1, 32);
                DmaBufFd dmabuf = frame.export(true)) {
            frame.attachFence(true);
            assertThat(d.run("bufs")).isZero();
            String text = d.out.toString();
            assertThat(text.lines().findFirst().orElseThrow())
                    .startsWith("SIZE")
                    .contains("OWNER")
                    .contains("DMABUF")
                    .contains("HANDLES")
                    .contains("FDS")
                    .contains("FENCES");
            String frameRow = text.lines()
                    .filter(l -> l.startsWith("1.2 MiB"))
                    .findFirst()
                    .orElseThrow();
            assertThat(frameRow)
                    .contains("renderer[")
                    .contains(":" + dmabuf.fd())
                    .contains("W ");
            assertThat(text).contains("4 KiB").endsWith("2 buffers, 1.2 MiB\n");
            assertThat(small.size()).isEqualTo(4096);
        }
    }

    @Test
    void rawIsTheTabSeparatedListing() {
        try (RunningDaemon d = new RunningDaemon(dir, true);
                VgemDevice vgem = d.client.openVgem();
                BufferObject bo = vgem.createDumb(1024, 2, 32)) {
            assertThat(d.run("bufs", "--raw")).isZero();
            assertThat(d.out.toString())
                    .startsWith("size\towner\tdmabuf\thandles\tfds\tfences\n")
                    .contains("8192\trenderer[");
            assertThat(bo.handle()).isPositive();
        }
    }

    @Test
    void aDaemonWithoutDebugfsIsAFailureThatSaysSo() {
        try (RunningDaemon d = new RunningDaemon(dir, false)) {
            assertThat(d.run("bufs")).isEqualTo(1);
            assertThat(d.err.toString()).contains("without --debugfs");
        }
    }
}
