package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.VgemDevice;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code uvgem info} against a daemon started in the test, and the exit codes scripts rely on. */
@Timeout(30)
class InfoCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsBothDebugfsTextsInTheKernelsFormats() {
        try (RunningDaemon d = new RunningDaemon(dir, true);
                VgemDevice vgem = d.client.openVgem();
                BufferObject bo = vgem.createDumb(1024, 1, 32);
                DmaBufFd dmabuf = bo.export(false)) {
            assertThat(d.run("info")).isZero();
            assertThat(d.out.toString())
                    .contains("==> /sys/kernel/debug/dma_buf/bufinfo <==")
                    .contains("Dma-buf Objects:")
                    .contains("Total 1 objects, 4096 bytes")
                    .contains("==> /sys/kernel/debug/sync/info <==")
                    .contains("objs:");
            assertThat(dmabuf.fd()).isPositive();
        }
    }

    @Test
    void printsOneTextWhenAskedAndRefusesBoth() {
        try (RunningDaemon d = new RunningDaemon(dir, true)) {
            assertThat(d.run("info", "--sync")).isZero();
            assertThat(d.out.toString()).contains("sync/info").doesNotContain("bufinfo");
            assertThat(d.run("info", "--sync", "--bufinfo")).isEqualTo(2);
        }
    }

    @Test
    void noDaemonIsExitThreeAndAnUnknownOptionExitTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        String nowhere = dir.resolve("none/uvgem.sock").toString();
        assertThat(Main.run(o, e, "info", "--socket", nowhere)).isEqualTo(3);
        assertThat(Main.run(o, e, "bufs", "--admin-socket", nowhere)).isEqualTo(3);
        assertThat(Main.run(o, e, "fences", "--socket", nowhere)).isEqualTo(3);
        assertThat(err.toString()).contains("no uvgem daemon on " + dir.resolve("none/uvgem-admin.sock"));
        assertThat(Main.run(o, e, "info", "--no-such-option")).isEqualTo(2);
    }

    @Test
    void everyCommandsHelpHasExamplesAndTheExitCodes() {
        for (String command : new String[] {"info", "bufs", "fences", "completion", "daemon", "walkthrough"}) {
            StringWriter out = new StringWriter();
            assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), command, "-h"))
                    .isZero();
            assertThat(out.toString())
                    .as(command)
                    .contains("Usage: uvgem " + command)
                    .containsPattern("Examples?:")
                    .contains("./uvgem " + command)
                    .contains("Exit codes: 0");
            assertThat(new CommandLine(new Main())
                            .getSubcommands()
                            .get(command)
                            .getCommandSpec()
                            .usageMessage()
                            .footer())
                    .as("%s: picocli wraps footer lines of 80 columns or more, breaking examples", command)
                    .allSatisfy(l -> assertThat(l.length()).isLessThan(80));
        }
    }
}
