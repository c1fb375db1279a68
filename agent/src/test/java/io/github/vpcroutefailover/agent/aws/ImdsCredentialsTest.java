package io.github.vpcroutefailover.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Caching and refresh of instance profile credentials, against a 127.0.0.1 metadata service that, like the
 * real one, insists on the IMDSv2 token and serves the role's credentials document. The same provider against
 * the emulator's IMDS is in ImdsCredentialsIT.
 */
class ImdsCredentialsTest {
    private HttpServer imds;
    private final AtomicInteger tokenPuts = new AtomicInteger();
    private final AtomicInteger credentialGets = new AtomicInteger();
    private final AtomicReference<String> document = new AtomicReference<>();
    private volatile int credentialStatus = 200;
    private volatile boolean hasRole = true;

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-21T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static String doc(String key, Instant expiration) {
        return """
                {
                  "Code" : "Success",
                  "LastUpdated" : "2026-11-21T11:50:00Z",
                  "Type" : "AWS-HMAC",
                  "AccessKeyId" : "%s",
                  "SecretAccessKey" : "secret/with+chars=",
                  "Token" : "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
                  "Expiration" : "%s"
                }""".formatted(key, expiration);
    }

    private ImdsCredentials provider(Clock clock) throws IOException {
        imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imds.createContext("/latest/api/token", ex -> {
            tokenPuts.incrementAndGet();
            boolean ok = ex.getRequestMethod().equals("PUT") && ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
            reply(ex, ok ? 200 : 400, ok ? "tok" : "");
        });
        imds.createContext(ImdsCredentials.ROLE_PATH, ex -> {
            if (!"tok".equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
                reply(ex, 401, "");
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals(ImdsCredentials.ROLE_PATH)) {
                reply(ex, hasRole ? 200 : 404, hasRole ? "vrf-agent-role\n" : "");
            } else if (path.equals(ImdsCredentials.ROLE_PATH + "vrf-agent-role")) {
                credentialGets.incrementAndGet();
                reply(ex, credentialStatus, credentialStatus == 200 ? document.get() : "");
            } else {
                reply(ex, 404, "");
            }
        });
        imds.start();
        return new ImdsCredentials(new Imds(URI.create("http://127.0.0.1:" + imds.getAddress().getPort()), Duration.ofMillis(500)), clock);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    @AfterEach
    void stop() {
        if (imds != null) {
            imds.stop(0);
        }
    }

    @Test
    void credentialsAreFetchedOnceAndReusedUntilFiveMinutesBeforeExpiry() throws Exception {
        MutableClock clock = new MutableClock();
        document.set(doc("ASIA1", clock.now.plus(Duration.ofHours(6))));
        ImdsCredentials p = provider(clock);
        for (int i = 0; i < 100; i++) {
            AwsCredentials c = p.credentials();
            assertThat(c.accessKeyId()).isEqualTo("ASIA1");
            assertThat(c.secretAccessKey()).isEqualTo("secret/with+chars=");
            assertThat(c.sessionToken()).startsWith("IQoJb3JpZ2lu");
            clock.now = clock.now.plusSeconds(60); // 100 minutes of 1-minute steps
        }
        assertThat(credentialGets).hasValue(1);
        assertThat(tokenPuts).as("the IMDSv2 token is reused too").hasValue(1);

        document.set(doc("ASIA2", clock.now.plus(Duration.ofHours(12))));
        clock.now = Instant.parse("2026-11-21T17:55:00Z"); // five minutes before the first expiry
        assertThat(p.credentials().accessKeyId()).isEqualTo("ASIA2");
        assertThat(credentialGets).hasValue(2);
    }

    @Test
    void aFailedRefreshKeepsTheCurrentCredentialsAndWaitsBeforeAskingAgain() throws Exception {
        MutableClock clock = new MutableClock();
        document.set(doc("ASIA1", clock.now.plus(Duration.ofMinutes(10))));
        ImdsCredentials p = provider(clock);
        assertThat(p.credentials().accessKeyId()).isEqualTo("ASIA1");
        clock.now = clock.now.plus(Duration.ofMinutes(6)); // inside the refresh window
        credentialStatus = 500;
        for (int i = 0; i < 20; i++) { // 20 one-second cycles
            assertThat(p.credentials().accessKeyId()).isEqualTo("ASIA1");
            clock.now = clock.now.plusSeconds(1);
        }
        assertThat(credentialGets).as("one failed refresh, then none within " + ImdsCredentials.RETRY_AFTER_FAILURE).hasValue(2);
        credentialStatus = 200;
        document.set(doc("ASIA2", clock.now.plus(Duration.ofHours(6))));
        clock.now = clock.now.plus(ImdsCredentials.RETRY_AFTER_FAILURE);
        assertThat(p.credentials().accessKeyId()).isEqualTo("ASIA2");
    }

    @Test
    void invalidateForcesARefetch() throws Exception {
        MutableClock clock = new MutableClock();
        document.set(doc("ASIA1", clock.now.plus(Duration.ofHours(6))));
        ImdsCredentials p = provider(clock);
        p.credentials();
        p.invalidate();
        document.set(doc("ASIA2", clock.now.plus(Duration.ofHours(6))));
        assertThat(p.credentials().accessKeyId()).isEqualTo("ASIA2");
        assertThat(p.fetches()).isEqualTo(2);
    }

    @Test
    void noInstanceProfileFailsWithTheFix() throws Exception {
        hasRole = false;
        ImdsCredentials p = provider(new MutableClock());
        assertThatThrownBy(p::credentials).isInstanceOf(CredentialsException.class)
                .hasMessageContaining("no instance profile")
                .hasMessageContaining("Fix: attach an instance profile");
    }

    @Test
    void malformedDocumentsAreReportedNotTrusted() {
        assertThatThrownBy(() -> ImdsCredentials.parse("{\"Code\": \"Success\", \"SecretAccessKey\": \"s\"}", "r")).hasMessageContaining("no AccessKeyId");
        assertThatThrownBy(() -> ImdsCredentials.parse("{\"Code\": \"Failure\", \"Message\": \"role gone\"}", "r")).hasMessageContaining("Code=Failure");
        assertThatThrownBy(() -> ImdsCredentials.parse("{\"AccessKeyId\": \"a\", \"SecretAccessKey\": \"s\", \"Expiration\": \"soon\"}", "r"))
                .hasMessageContaining("unreadable Expiration");
        assertThatThrownBy(() -> ImdsCredentials.parse("[1, 2]", "r")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> ImdsCredentials.parse("{\"a\": ", "r")).hasMessageContaining("not JSON");
    }

    @Test
    void secretsNeverShowInToString() throws Exception {
        AwsCredentials c = ImdsCredentials.parse(doc("ASIA1", Instant.parse("2026-11-21T18:00:00Z")), "r");
        assertThat(c.toString()).contains("ASIA1").doesNotContain("secret/with").doesNotContain("IQoJ");
    }
}
