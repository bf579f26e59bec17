package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.sys.Process;
import dev.uvgem.uapi.Errno;
import org.junit.jupiter.api.Test;

class HelloTest extends DaemonTestSupport {
    @Test
    void helloOnTheUserSocketStartsAnUnprivilegedProcess() {
        RawClient c = raw();
        Reply r = c.call(Op.HELLO, Body.of().u32(1).str("compositor"));
        assertThat(r.result()).isZero();
        assertThat(r.u32()).isEqualTo(1);
        assertThat(r.u32()).isZero();
        assertThat(r.str()).startsWith("uvgem ");
        assertThat(r.fullyRead()).isTrue();

        assertThat(daemon.kernel().processes()).singleElement().satisfies(p -> {
            assertThat(p.comm()).isEqualTo("compositor");
            assertThat(p.isAdmin()).isFalse();
        });
    }

    @Test
    void helloOnTheAdminSocketStartsAPrivilegedProcess() {
        RawClient c = track(RawClient.connect(daemon.adminSocket()));
        Reply r = c.call(Op.HELLO, Body.of().u32(1).str("a-client-name-longer-than-15"));
        assertThat(r.result()).isZero();
        assertThat(r.u32()).isEqualTo(1);
        assertThat(r.u32()).isEqualTo(1);
        Process p = daemon.kernel().processes().getFirst();
        assertThat(p.isAdmin()).isTrue();
        assertThat(p.comm()).isEqualTo("a-client-name-l");
    }

    @Test
    void anyOtherFirstRequestIsEprotoAndTheConnectionCloses() {
        RawClient c = raw();
        Reply r = c.call(Op.OPEN, Body.of().u32(2).str("/dev/dri/card0"));
        assertThat(r.result()).isEqualTo(Errno.EPROTO.negative());
        assertThat(r.bodyLength()).isZero();
        assertThat(c.drainUntilClosed()).isEmpty();
        assertThat(daemon.kernel().processes()).isEmpty();
    }

    @Test
    void anUnknownFirstOpIsEprotoToo() {
        RawClient c = raw();
        assertThat(c.call(999, new byte[0]).result()).isEqualTo(Errno.EPROTO.negative());
        assertThat(c.drainUntilClosed()).isEmpty();
    }

    @Test
    void anUnsupportedVersionIsEprotoAndVersionOneMayFollow() {
        RawClient c = raw();
        assertThat(c.result(Op.HELLO, Body.of().u32(2).str("v2"))).isEqualTo(Errno.EPROTO.negative());
        assertThat(c.result(Op.HELLO, Body.of().u32(0).str("v0"))).isEqualTo(Errno.EPROTO.negative());
        assertThat(daemon.kernel().processes()).isEmpty();
        assertThat(c.result(Op.HELLO, Body.of().u32(1).str("v1"))).isZero();
        assertThat(daemon.kernel().processes()).hasSize(1);
    }

    @Test
    void aShortHelloIsEinvalAndTheConnectionStays() {
        RawClient c = raw();
        assertThat(c.result(Op.HELLO, Body.of().u16(1))).isEqualTo(Errno.EINVAL.negative());
        assertThat(c.result(Op.HELLO, Body.of().u32(1).u16(10).bytes(new byte[3])))
                .isEqualTo(Errno.EINVAL.negative());
        assertThat(c.result(Op.HELLO, Body.of().u32(1).str("ok"))).isZero();
    }

    @Test
    void aSecondHelloIsEprotoAndChangesNothing() {
        RawClient c = user("first");
        assertThat(c.result(Op.HELLO, Body.of().u32(1).str("second"))).isEqualTo(Errno.EPROTO.negative());
        assertThat(daemon.kernel().processes())
                .singleElement()
                .satisfies(p -> assertThat(p.comm()).isEqualTo("first"));
        assertThat(Calls.openCard(c)).isEqualTo(3);
    }

    @Test
    void eachConnectionIsItsOwnProcess() {
        RawClient a = user("a");
        RawClient b = user("b");
        assertThat(Calls.openCard(a)).isEqualTo(3);
        assertThat(Calls.openCard(b)).isEqualTo(3);
        assertThat(Calls.openCard(a)).isEqualTo(4);
        assertThat(daemon.kernel().processes()).hasSize(2);
        assertThat(daemon.connectionCount()).isEqualTo(2);
    }
}
