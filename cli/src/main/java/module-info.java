/** The uvgem command line. */
module dev.uvgem.cli {
    requires dev.uvgem.api;
    requires dev.uvgem.client;
    requires dev.uvgem.daemon;
    requires info.picocli;

    exports dev.uvgem.cli;

    opens dev.uvgem.cli to
            info.picocli;
}
