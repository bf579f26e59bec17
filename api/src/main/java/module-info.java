/** The idiomatic Java API of uvgem. */
module dev.uvgem.api {
    requires transitive dev.uvgem.sys;

    exports dev.uvgem.api;
}
