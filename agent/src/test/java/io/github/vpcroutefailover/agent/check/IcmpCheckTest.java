package io.github.vpcroutefailover.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real ICMP echo to a peer in a network namespace this test creates (needs root, as the test bed has). A test
 * machine without that fails here rather than skipping, so ICMP coverage cannot silently disappear.
 */
class IcmpCheckTest {
    private static NetnsPeer peer;

    @BeforeAll
    static void createPeer() throws Exception {
        assertThat(NetRaw.available()).as("ICMP tests need CAP_NET_RAW (run as root)").isTrue();
        peer = NetnsPeer.create();
    }

    @AfterAll
    static void removePeer() throws Exception {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void loopbackAnswers() throws Exception {
        CheckOutcome o = new IcmpCheck("lo", "127.0.0.1").run(Duration.ofSeconds(1));
        assertThat(o.passed()).as(o.detail()).isTrue();
    }

    @Test
    void peerInNamespaceAnswersThenStopsWhenItsLinkGoesDown() throws Exception {
        IcmpCheck check = new IcmpCheck("peer:i-b", peer.peerAddress);
        CheckOutcome up = check.run(Duration.ofSeconds(2));
        assertThat(up.passed()).as(up.detail()).isTrue();

        CheckOutcome silent = new IcmpCheck("peer:i-c", peer.silentAddress).run(Duration.ofMillis(500));
        assertThat(silent.passed()).isFalse();
        assertThat(silent.detail()).contains("no echo reply");

        NetnsPeer p = peer;
        p.peerDown();
        CheckOutcome down = check.run(Duration.ofMillis(500));
        assertThat(down.passed()).isFalse();
    }

    @Test
    void capabilityMaskIsReadFromProcStatus() {
        assertThat(NetRaw.fromStatus(List.of("Name:\tjava", "CapEff:\t000001ffffffffff"))).isTrue();
        assertThat(NetRaw.fromStatus(List.of("CapEff:\t0000000000002000"))).isTrue();
        assertThat(NetRaw.fromStatus(List.of("CapEff:\t0000000000000000"))).isFalse();
        assertThat(NetRaw.fromStatus(List.of("CapEff:\t0000000000001000"))).isFalse();
        assertThat(NetRaw.fromStatus(List.of("Name:\tjava"))).isFalse();
    }
}
