package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.dmabuf.BufferMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class PrefaultingAllocatorTest {
    @TempDir
    Path dir;

    @Test
    void aLargeBufferIsPrefaultedInTheBackgroundAndFreedWhenItsHoldersLetGo() throws Exception {
        try (PrefaultingAllocator allocator = new PrefaultingAllocator(BufferAllocator.files(dir))) {
            BufferMemory frame = allocator.allocate(8 << 20);
            BufferMemory small = allocator.allocate(PrefaultingAllocator.PREFAULT_ABOVE);
            DaemonTestSupport.awaitTrue("the frame's pages are there", frame::isPopulated);
            assertThat(files()).isEqualTo(1);
            assertThat(small.isPopulated()).as("small buffers stay lazy").isFalse();
            DaemonTestSupport.awaitTrue("the pre-fault let go", () -> frame.refCount() == 1);
            frame.put();
            small.put();
            assertThat(frame.isFreed()).isTrue();
            assertThat(files()).isZero();
        }
    }

    @Test
    void aBufferFreedBeforeItsPrefaultRunsIsFreedAfterIt() throws Exception {
        try (PrefaultingAllocator allocator = new PrefaultingAllocator(BufferAllocator.files(dir))) {
            BufferMemory frame = allocator.allocate(8 << 20);
            frame.put();
            DaemonTestSupport.awaitTrue("freed", frame::isFreed);
            assertThat(files()).isZero();
        }
    }

    private long files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
