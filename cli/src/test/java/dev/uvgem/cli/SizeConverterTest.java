package dev.uvgem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SizeConverterTest {
    final SizeConverter sizes = new SizeConverter();

    @Test
    void readsBytesAndBinaryUnits() {
        assertThat(sizes.convert("4096")).isEqualTo(4096L);
        assertThat(sizes.convert("64K")).isEqualTo(64L << 10);
        assertThat(sizes.convert("512m")).isEqualTo(512L << 20);
        assertThat(sizes.convert("1G")).isEqualTo(1L << 30);
        assertThat(sizes.convert("2GiB")).isEqualTo(2L << 30);
        assertThat(sizes.convert("3 TB")).isEqualTo(3L << 40);
        assertThat(Sizes.human(4096)).isEqualTo("4 KiB");
        assertThat(Sizes.human(1228800)).isEqualTo("1.2 MiB");
        assertThat(Sizes.human(0)).isEqualTo("0 B");
    }

    @Test
    void refusesWhatIsNotASize() {
        assertThatThrownBy(() -> sizes.convert("lots")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> sizes.convert("-1")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> sizes.convert("99999999999T"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("too large");
    }
}
