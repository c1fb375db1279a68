package io.github.vpcroutefailover.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metadata service never redirects; an answer that does is not IMDS (a hijacked link-local address, a proxy) and
 * following it would hand the session token, and then the role's credentials, to whoever it points at. Two
 * 127.0.0.1 servers: a metadata service that answers with redirects, and the place it redirects to, which must never
 * be asked.
 */
class ImdsRedirectTest {
    private HttpServer imds;
    private HttpServer elsewhere;
    private final List<String> elsewhereRequests = new CopyOnWriteArrayList<>();
    private volatile boolean redirectToken;

    @BeforeEach
    void start() throws IOException {
        elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", ex -> {
            elsewhereRequests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " token=" + ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"));
            reply(ex, 200, "i-0ffffffffffffffff", null);
        });
        elsewhere.start();
        String target = "http://127.0.0.1:" + elsewhere.getAddress().getPort();
        imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imds.createContext("/latest/api/token", ex -> {
            if (redirectToken) {
                reply(ex, 307, "", target + "/latest/api/token");
            } else {
                reply(ex, 200, "tok", null);
            }
        });
        imds.createContext("/latest/meta-data/", ex -> reply(ex, 302, "", target + ex.getRequestURI().getPath()));
        imds.createContext("/latest/meta-data/iam/security-credentials/", ex -> reply(ex, 301, "", target + "/creds"));
        imds.start();
    }

    @AfterEach
    void stop() {
        imds.stop(0);
        elsewhere.stop(0);
    }

    private Imds client() {
        return new Imds(URI.create("http://127.0.0.1:" + imds.getAddress().getPort()), Duration.ofSeconds(1));
    }

    private static void reply(HttpExchange ex, int status, String body, String location) throws IOException {
        if (location != null) {
            ex.getResponseHeaders().add("Location", location);
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    @Test
    void aRedirectedMetadataGetFailsAndIsNotFollowed() {
        assertThatThrownBy(() -> client().get("/latest/meta-data/instance-id"))
                .isInstanceOfSatisfying(Imds.ImdsException.class, e -> assertThat(e.status()).isEqualTo(302))
                .hasMessageContaining("HTTP 302");
        assertThat(elsewhereRequests).as("the redirect target was never asked, and never saw the token").isEmpty();
    }

    @Test
    void aRedirectedTokenRequestFailsAndIsNotFollowed() {
        redirectToken = true;
        assertThatThrownBy(() -> client().get("/latest/meta-data/instance-id"))
                .isInstanceOfSatisfying(Imds.ImdsException.class, e -> assertThat(e.status()).isEqualTo(307));
        assertThat(elsewhereRequests).isEmpty();
    }

    @Test
    void instanceProfileCredentialsAreNotFetchedThroughARedirect() {
        ImdsCredentials credentials = new ImdsCredentials(client(), java.time.Clock.systemUTC());
        assertThatThrownBy(credentials::credentials).isInstanceOf(CredentialsException.class);
        assertThat(elsewhereRequests).isEmpty();
    }

    @Test
    void startUpLookupsDoNotFollowRedirectsEither() {
        assertThatThrownBy(() -> client().read("/latest/meta-data/placement/region", "region", "set region"))
                .isInstanceOf(MetadataUnavailableException.class).hasMessageContaining("HTTP 302");
        assertThat(elsewhereRequests).isEmpty();
    }
}
