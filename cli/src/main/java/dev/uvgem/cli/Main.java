package dev.uvgem.cli;

/** Entry point of the {@code uvgem} command (placeholder until the CLI lands). */
public final class Main {
    private Main() {}

    /** Runs the command line. */
    public static void main(String[] args) {
        System.out.println("uvgem");
    }
}
