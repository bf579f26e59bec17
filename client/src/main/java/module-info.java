/**
 * The remote client of uvgem: the Java API of {@code dev.uvgem.api} over a connection to a uvgem daemon, speaking
 * the wire protocol v1 ({@code ../shared/contract/wire-v1.md}).
 */
module dev.uvgem.client {
    requires transitive dev.uvgem.api;

    exports dev.uvgem.client;
}
