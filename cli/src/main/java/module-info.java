/** The uvgem command line. */
module dev.uvgem.cli {
    requires dev.uvgem.api;
    requires dev.uvgem.client;
    requires dev.uvgem.daemon;
    requires info.picocli;
    requires java.desktop;

    exports dev.uvgem.cli;
    exports dev.uvgem.cli.demo;

    opens dev.uvgem.cli to
            info.picocli;
}
