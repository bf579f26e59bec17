/** The syscall layer: processes, fd tables, paths and the system calls over the drivers. */
module dev.uvgem.sys {
    requires transitive dev.uvgem.drivers;

    exports dev.uvgem.sys;
}
