package dev.uvgem.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Uvgem;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UvgemClientTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultSocketIsTheContracts() {
        assertThat(UvgemClient.defaultSocket(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), () -> 1000))
                .isEqualTo(Path.of("/run/user/1000/uvgem/uvgem.sock"));
        assertThat(UvgemClient.defaultSocket(Map.of(), () -> 1000)).isEqualTo(Path.of("/tmp/uvgem-1000/uvgem.sock"));
        assertThat(UvgemClient.defaultSocket(Map.of("XDG_RUNTIME_DIR", "relative"), () -> 7))
                .isEqualTo(Path.of("/tmp/uvgem-7/uvgem.sock"));
        assertThat(UvgemClient.defaultAdminSocket().getFileName()).hasToString("uvgem-admin.sock");
    }

    @Test
    void connectIsOneLineToAUvgemOverTheDaemon() throws Exception {
        try (FakeDaemon fake = new FakeDaemon(dir);
                Uvgem uvgem = UvgemClient.connect(fake.path, "one-line")) {
            assertThat(uvgem.syscalls()).isInstanceOf(RemoteSyscalls.class);
            assertThat(fake.hello().i32()).isEqualTo(1);
            assertThat(fake.hello().str()).isEqualTo("one-line");
        }
    }
}
