package dev.uvgem.conformance;

import dev.uvgem.sys.KernelConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where a conformance suite's processes live. Each suite is a {@code @ParameterizedClass} over {@link #selected()},
 * so every test runs once per backend; {@code -Duvgem.conformance.backends=embedded} (or {@code daemon}) runs one.
 */
enum Backend {
    /** Processes of a kernel in the test's JVM, called directly. */
    EMBEDDED {
        @Override
        Env boot(KernelConfig config) {
            return new EmbeddedEnv(config);
        }
    },
    /** Connections to a daemon (started in the test's JVM) through the remote client, over its Unix sockets. */
    DAEMON {
        @Override
        Env boot(KernelConfig config) {
            return new DaemonEnv(config);
        }
    };

    /** The system property that narrows the backends: a comma-separated list of names. */
    static final String PROPERTY = "uvgem.conformance.backends";

    /** Boots an environment on this backend with {@code config}. */
    abstract Env boot(KernelConfig config);

    /** Boots a kernel with the defaults: real clock, 10 s vgem fence expiry, debugfs on. */
    Env boot() {
        return boot(KernelConfig.defaults(Env.CLOCK).withDebugfs(true));
    }

    /** Boots a kernel whose vgem fences expire after {@code timeout} (to exercise expiry without waiting 10 s). */
    Env boot(Duration vgemFenceTimeout) {
        return boot(KernelConfig.defaults(Env.CLOCK).withDebugfs(true).withVgemFenceTimeout(vgemFenceTimeout));
    }

    /** The backends to run: all, or those {@value #PROPERTY} names. */
    static Stream<Backend> selected() {
        String names = System.getProperty(PROPERTY, "").trim();
        if (names.isEmpty()) {
            return Arrays.stream(values());
        }
        return Arrays.stream(names.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> valueOf(s.toUpperCase(Locale.ROOT)));
    }
}
