package io.github.vpcroutefailover.net;

import static io.github.vpcroutefailover.probe.ProbeFixtures.LOOPBACK;
import static io.github.vpcroutefailover.probe.ProbeFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.probe.ProbeFixtures.HangingListener;
import io.github.vpcroutefailover.probe.ProbeFixtures.TcpListener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpProberTest {
    private final TcpProber prober = new TcpProber();

    @Test
    void passesWhenTheHandshakeCompletes() throws Exception {
        try (TcpListener listener = TcpListener.open()) {
            ProbeResult result = prober.probe(LOOPBACK, tcp("ssh", listener.port(), 1000, 2000, 2, 3));

            assertThat(result.passed()).isTrue();
            assertThat(result.detail()).isEqualTo("connected to 127.0.0.1:" + listener.port());
            assertThat(result.latency()).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void failsWithConnectionRefusedWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            port = s.getLocalPort();
        }

        ProbeResult result = prober.probe(LOOPBACK, tcp("ssh", port, 1000, 2000, 2, 3));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("connection refused by 127.0.0.1:" + port);
    }

    @Test
    void failsWithTimeoutWhenTheHandshakeNeverCompletes() throws Exception {
        try (HangingListener hanging = new HangingListener()) {
            ProbeResult result = prober.probe(LOOPBACK, tcp("ssh", hanging.port(), 300, 2000, 2, 3));

            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).isEqualTo("timed out after 300 ms connecting to 127.0.0.1:" + hanging.port() + " (2 handshakes)");
            assertThat(result.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void ipv6LiteralsAreBracketedInDetails() {
        assertThat(TcpProber.hostPort("fd00::1", 22)).isEqualTo("[fd00::1]:22");
        assertThat(TcpProber.hostPort("10.0.0.1", 22)).isEqualTo("10.0.0.1:22");
    }
}
