package dev.uvgem.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM running a {@code uvgem} subcommand with this JVM's code: the same {@code java},
 * and the module path when this one runs from it (the launcher), else the class path (tests, IDEs).
 *
 * <p>Thread-safety: stateless.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** Returns a mutable command line running {@code uvgem args...} in a new JVM. Context: any thread. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                // A short-lived helper: C1 alone starts faster and keeps up with the demo's drawing.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC"));
        String modulePath = System.getProperty("jdk.module.path");
        if (Main.class.getModule().isNamed() && modulePath != null) {
            cmd.addAll(List.of("-p", modulePath, "-m", Main.class.getModule().getName() + "/" + Main.class.getName()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }
}
