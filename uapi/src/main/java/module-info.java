/**
 * The Linux uAPI as uvgem speaks it: errno values, ioctl request codes and struct layouts of x86-64 Linux.
 * Depends on nothing.
 */
module dev.uvgem.uapi {
    exports dev.uvgem.uapi;
}
