package dev.uvgem.cli;

import java.util.Locale;

/**
 * Byte counts as people read them: {@code 4096} is {@code 4 KiB}, {@code 3686400} is {@code 3.5 MiB}.
 *
 * <p>Thread-safety: stateless.
 */
final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private Sizes() {}

    /** Returns {@code bytes} in the largest binary unit that keeps it at least 1, with one decimal if needed. */
    static String human(long bytes) {
        int unit = 0;
        double v = bytes;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        if (v == Math.rint(v)) {
            return (long) v + " " + UNITS[unit];
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }
}
