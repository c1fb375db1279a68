package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.vpcroutefailover.agent.aws.Imds;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** IMDSv2 against a fake metadata service on 127.0.0.1 that, like the real one, insists on the token. */
class InstanceIdentityTest {

    @Test
    void readsTheIdWithASessionToken() throws Exception {
        AtomicInteger tokenRequests = new AtomicInteger();
        HttpServer imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imds.createContext("/latest/api/token", ex -> {
            boolean ok = ex.getRequestMethod().equals("PUT") && ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
            tokenRequests.incrementAndGet();
            byte[] b = "tok-123".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ok ? 200 : 400, ok ? b.length : -1);
            if (ok) {
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        imds.createContext("/latest/meta-data/instance-id", ex -> {
            boolean ok = "tok-123".equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"));
            byte[] b = "i-0123456789abcdef0".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ok ? 200 : 401, ok ? b.length : -1);
            if (ok) {
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        imds.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + imds.getAddress().getPort());
            assertThat(new InstanceIdentity(new Imds(endpoint, Duration.ofSeconds(1))).instanceId()).isEqualTo("i-0123456789abcdef0");
            assertThat(tokenRequests.get()).isEqualTo(1);
        } finally {
            imds.stop(0);
        }
    }

    @Test
    void unreachableImdsFailsWithTheFix() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        assertThatThrownBy(() -> new InstanceIdentity(new Imds(endpoint, Duration.ofMillis(200))).instanceId())
                .isInstanceOf(io.github.vpcroutefailover.agent.aws.MetadataUnavailableException.class)
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("Fix: set instanceId in the agent config");
    }

    @Test
    void configuredEndpointWins() {
        URI u = URI.create("http://127.0.0.1:1");
        assertThat(Imds.endpoint(u, name -> "http://169.254.169.254:8080")).isEqualTo(u);
        assertThat(Imds.endpoint(null, name -> name.equals("AWS_EC2_METADATA_SERVICE_ENDPOINT") ? "http://[fd00:ec2::254]" : null))
                .isEqualTo(URI.create("http://[fd00:ec2::254]"));
        assertThat(Imds.endpoint(null, name -> null)).isEqualTo(Imds.DEFAULT_ENDPOINT);
    }
}
