/**
 * The uvgem daemon: serves the syscall layer to other OS processes over Unix-domain sockets, speaking the wire
 * protocol v1 ({@code ../shared/contract/wire-v1.md}). One connection is one {@link dev.uvgem.sys.Process}.
 */
module dev.uvgem.daemon {
    requires transitive dev.uvgem.sys;
    requires jdk.net;

    exports dev.uvgem.daemon;
}
