package dev.uvgem.sys;

/**
 * Turns the JUL logger behind {@code System.getLogger("dev.uvgem.sys...")} off and on, for tests that inject
 * driver bugs on purpose (each would log a stack trace). Reflective because the test sources are compiled into
 * the {@code dev.uvgem.sys} module, which does not read {@code java.logging}; at run time tests are on the class
 * path, where it resolves.
 */
final class QuietLogs {
    private static Object logger; // kept strongly reachable, or JUL forgets the level

    private QuietLogs() {}

    /** Runs {@code body} with the logs off. */
    static void during(Runnable body) {
        set(true);
        try {
            body.run();
        } finally {
            set(false);
        }
    }

    static void set(boolean quiet) {
        try {
            Class<?> loggerClass = Class.forName("java.util.logging.Logger");
            Class<?> levelClass = Class.forName("java.util.logging.Level");
            logger = loggerClass.getMethod("getLogger", String.class).invoke(null, "dev.uvgem.sys");
            Object level = quiet ? levelClass.getField("OFF").get(null) : null;
            loggerClass.getMethod("setLevel", levelClass).invoke(logger, level);
        } catch (ReflectiveOperationException e) {
            // no JUL: the logs stay on, which is only noise
        }
    }
}
