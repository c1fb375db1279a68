package io.github.vpcroutefailover.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.vpcroutefailover.agent.config.CheckSpec;
import io.github.vpcroutefailover.agent.config.TlsSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP(S) checks against a real com.sun.net.httpserver on 127.0.0.1. */
class HttpCheckTest {
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger status = new AtomicInteger(200);
    private volatile String body = "{\"status\":\"ok\",\"db\":\"up\"}";
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        configure(server);
        server.start();
    }

    private void configure(HttpServer s) {
        s.setExecutor(Executors.newCachedThreadPool());
        s.createContext("/health", ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.createContext("/hang", ex -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private CheckOutcome run(String path, List<int[]> ranges, String contains, Pattern regex) throws Exception {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return new HttpCheck("web", new CheckSpec.Http(url, "GET", ranges, contains, regex, Map.of(), TlsSettings.DEFAULT), null).run(TIMEOUT);
    }

    private static List<int[]> ok() {
        return List.of(new int[] {200, 399});
    }

    @Test
    void okStatusPasses() throws Exception {
        assertThat(run("/health", ok(), null, null).passed()).isTrue();
    }

    @Test
    void errorStatusFails() throws Exception {
        status.set(503);
        CheckOutcome o = run("/health", ok(), null, null);
        assertThat(o.passed()).isFalse();
        assertThat(o.detail()).isEqualTo("HTTP 503");
    }

    @Test
    void expectedStatusListIsHonoured() throws Exception {
        status.set(204);
        body = "";
        assertThat(run("/health", List.of(new int[] {204, 204}), null, null).passed()).isTrue();
        assertThat(run("/health", List.of(new int[] {200, 200}), null, null).passed()).isFalse();
    }

    @Test
    void bodyContainsAndRegex() throws Exception {
        assertThat(run("/health", ok(), "\"db\":\"up\"", null).passed()).isTrue();
        assertThat(run("/health", ok(), "\"db\":\"down\"", null).passed()).isFalse();
        assertThat(run("/health", ok(), null, Pattern.compile("\"status\":\"(ok|degraded)\"")).passed()).isTrue();
        body = "{\"status\":\"failing\"}";
        assertThat(run("/health", ok(), null, Pattern.compile("\"status\":\"(ok|degraded)\"")).passed()).isFalse();
    }

    @Test
    void serverThatNeverAnswersTimesOut() throws Exception {
        CheckOutcome o = run("/hang", ok(), null, null);
        assertThat(o.passed()).isFalse();
        assertThat(o.detail()).contains("timed out");
    }

    @Test
    void connectionRefusedFails() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);
        URI url = URI.create("http://127.0.0.1:" + port + "/health");
        CheckOutcome o = new HttpCheck("web", new CheckSpec.Http(url, "GET", ok(), null, null, Map.of(), TlsSettings.DEFAULT), null).run(TIMEOUT);
        assertThat(o.passed()).isFalse();
        assertThat(o.detail()).contains("Connection refused");
    }

    @Test
    void httpsWithSelfSignedCert() throws Exception {
        SelfSignedCert cert = SelfSignedCert.shared();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(cert.serverContext()));
        configure(https);
        https.start();
        try {
            URI url = URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/health");
            TlsSettings trusted = new TlsSettings(true, cert.caPem, null);
            var spec = new CheckSpec.Http(url, "GET", ok(), "ok", null, Map.of(), trusted);
            CheckOutcome o = new HttpCheck("web", spec, Tls.context(trusted)).run(Duration.ofSeconds(5));
            assertThat(o.passed()).as(o.detail()).isTrue();

            var untrusted = new CheckSpec.Http(url, "GET", ok(), null, null, Map.of(), TlsSettings.DEFAULT);
            CheckOutcome refused = new HttpCheck("web", untrusted, Tls.context(TlsSettings.DEFAULT)).run(Duration.ofSeconds(5));
            assertThat(refused.passed()).isFalse();
            assertThat(refused.detail()).contains("SSLHandshakeException");
        } finally {
            https.stop(0);
        }
    }
}
