package dev.uvgem.core.dmabuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.testsupport.CountingMemory;
import dev.uvgem.core.vfs.Mapping;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BufferMemoryTest {
    @Test
    void allocatesLazilyAndReadsZero() {
        BufferMemory m = BufferAllocator.anonymous().allocate(8192);
        assertThat(m.isPopulated()).isFalse();
        MemorySegment s = m.segment();
        assertThat(m.isPopulated()).isTrue();
        assertThat(s.byteSize()).isEqualTo(8192);
        assertThat(s.address() % 4096).isZero();
        for (long i = 0; i < 8192; i += 8) {
            assertThat(s.get(ValueLayout.JAVA_LONG, i)).isZero();
        }
        m.put();
        assertThat(m.isFreed()).isTrue();
    }

    @Test
    void rejectsUnalignedSizes() {
        assertThatThrownBy(() -> BufferAllocator.anonymous().allocate(100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BufferAllocator.anonymous().allocate(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mappingKeepsMemoryAliveAndRunsUnmapOnce() {
        BufferMemory m = BufferAllocator.anonymous().allocate(4096);
        AtomicInteger unmaps = new AtomicInteger();
        Mapping map = m.map(0, 4096, unmaps::incrementAndGet);
        m.put();
        assertThat(m.isFreed()).isFalse();
        map.segment().set(ValueLayout.JAVA_INT, 4, 42);
        assertThat(m.segment().get(ValueLayout.JAVA_INT, 4)).isEqualTo(42);
        map.close();
        map.close();
        assertThat(unmaps).hasValue(1);
        assertThat(m.isFreed()).isTrue();
        assertThatThrownBy(() -> map.segment().get(ValueLayout.JAVA_INT, 4)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void freedExactlyOnce() {
        AtomicInteger frees = new AtomicInteger();
        BufferMemory m = new CountingMemory(4096, frees);
        m.get();
        m.put();
        assertThat(frees).hasValue(0);
        m.put();
        assertThat(frees).hasValue(1);
        assertThatThrownBy(m::put).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(m::get).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(m::segment).isInstanceOf(IllegalStateException.class);
        assertThat(frees).hasValue(1);
    }

    @Test
    void mapChecksRange() {
        BufferMemory m = BufferAllocator.anonymous().allocate(4096);
        assertThatThrownBy(() -> m.map(4096, 1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.map(0, 8192, null)).isInstanceOf(IllegalArgumentException.class);
        try (Mapping map = m.map(1024, 1024, null)) {
            assertThat(map.segment().byteSize()).isEqualTo(1024);
            assertThat(map.backingOffset()).isEqualTo(1024);
            assertThat(map.backingFile()).isNull();
        }
        m.put();
    }

    @Test
    void fileBackedMemoryIsSharedThroughTheFile(@TempDir Path dir) throws Exception {
        BufferMemory m = BufferAllocator.files(dir).allocate(8192);
        Mapping map = m.map(4096, 4096, null);
        Path file = map.backingFile();
        assertThat(file).isNotNull().startsWith(dir);
        assertThat(Files.size(file)).isEqualTo(8192);
        map.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x12345678);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            var b = ch.map(FileChannel.MapMode.READ_ONLY, 0, 8192).order(java.nio.ByteOrder.nativeOrder());
            assertThat(b.getInt(4096)).isEqualTo(0x12345678);
            assertThat(b.getInt(0)).isZero();
        }
        map.close();
        assertThat(Files.exists(file)).isTrue();
        m.put();
        assertThat(Files.exists(file)).isFalse();
    }
}
