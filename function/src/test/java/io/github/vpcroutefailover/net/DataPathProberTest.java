package io.github.vpcroutefailover.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.DataPathCheck;
import io.github.vpcroutefailover.ports.ProbeResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The data-path prober against 127.0.0.1 listeners: one answering endpoint passes, none answering fails with each one's reason. */
class DataPathProberTest {
    private HttpServer http;
    private ServerSocket tcp;
    private int closedPort;
    private final CheckProber prober = new CheckProber();

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/ok", x -> {
            x.sendResponseHeaders(200, 2);
            x.getResponseBody().write("ok".getBytes());
            x.close();
        });
        http.createContext("/bad", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        http.start();
        prober.warmUp();
        tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws IOException {
        http.stop(0);
        tcp.close();
        prober.close();
    }

    private CheckSpec.DataPath check(DataPathCheck.Endpoint... endpoints) {
        return new CheckSpec.DataPath("egress", List.of("r"), List.of(endpoints), List.of(), Duration.ofMillis(800),
                Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(2), 2, 2);
    }

    private DataPathCheck.Endpoint httpEp(String path) {
        return new DataPathCheck.Endpoint("http", "127.0.0.1", http.getAddress().getPort(), path);
    }

    @Test
    void oneAnsweringEndpointIsEnough() {
        ProbeResult r = prober.probe("via rtb-1", check(new DataPathCheck.Endpoint("tcp", "127.0.0.1", closedPort, null), httpEp("/ok")));
        assertThat(r.passed()).isTrue();
        assertThat(r.detail()).contains("/ok").contains("HTTP 200");
        ProbeResult t = prober.probe("via rtb-1", check(new DataPathCheck.Endpoint("tcp", "127.0.0.1", tcp.getLocalPort(), null)));
        assertThat(t.passed()).isTrue();
    }

    @Test
    void noAnsweringEndpointFailsWithEveryEndpointsReason() {
        ProbeResult r = prober.probe("via rtb-1", check(new DataPathCheck.Endpoint("tcp", "127.0.0.1", closedPort, null), httpEp("/bad")));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).startsWith("data path failed, no endpoint answered")
                .contains("tcp://127.0.0.1:" + closedPort).contains("refused").contains("HTTP 503");
    }

    @Test
    void noEndpointsFails() {
        assertThat(prober.probe("via rtb-1", check()).passed()).isFalse();
    }
}
