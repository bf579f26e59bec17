package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.api.VgemFence;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code uvgem fences} against a daemon started in the test. */
@Timeout(30)
class FencesCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsEachFenceWithTimelineSeqnoStateAgeAndOwner() {
        try (RunningDaemon d = new RunningDaemon(dir, true);
                VgemDevice vgem = d.client.openVgem();
                BufferObject a = vgem.createDumb(1024, 1, 32);
                BufferObject b = vgem.createDumb(1024, 1, 32)) {
            a.attachFence(true);
            VgemFence read = b.attachFence(false);
            assertThat(d.run("fences")).isZero();
            String text = d.out.toString();
            assertThat(text.lines().findFirst().orElseThrow())
                    .startsWith("DRIVER")
                    .contains("TIMELINE")
                    .contains("CONTEXT")
                    .contains("SEQNO")
                    .contains("STATE")
                    .contains("AGE ")
                    .contains("OWNER");
            assertThat(text.lines().filter(l -> l.startsWith("vgem")))
                    .hasSize(2)
                    .allSatisfy(l -> assertThat(l)
                            .contains("unbound")
                            .contains("active")
                            .containsPattern("\\d+ms|\\d+\\.\\ds")
                            .contains("renderer["
                                    + d.daemon.kernel().processes().getFirst().pid() + "] " + vgem.fd() + "/"));
            assertThat(text).endsWith("2 fences, 2 active\n");

            read.signal();
            d.out.getBuffer().setLength(0);
            assertThat(d.run("fences", "--raw")).isZero();
            assertThat(d.out.toString().lines())
                    .hasSize(2)
                    .first()
                    .isEqualTo("driver\ttimeline\tcontext\tseqno\tstate\tage_ms\towner");
        }
    }

    @Test
    void agesReadAsPeopleReadThem() {
        assertThat(FencesCommand.age("-")).isEqualTo("-");
        assertThat(FencesCommand.age("850")).isEqualTo("850ms");
        assertThat(FencesCommand.age("2400")).isEqualTo("2.4s");
        assertThat(FencesCommand.age("185000")).isEqualTo("3m05s");
    }
}
