/** The uvgem command line. */
module dev.uvgem.cli {
    requires dev.uvgem.api;
    requires info.picocli;

    exports dev.uvgem.cli;

    opens dev.uvgem.cli to
            info.picocli;
}
