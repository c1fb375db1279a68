package io.github.vpcroutefailover.net;

import static io.github.vpcroutefailover.probe.ProbeFixtures.LOOPBACK;
import static io.github.vpcroutefailover.probe.ProbeFixtures.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.ports.ProbeResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpProberTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);
    private static ExecutorService executor;
    private static HttpServer server;
    private static HttpsServer tlsServer;
    private static KeyStore keyStore;

    @TempDir
    static Path tmp;

    private final HttpProber prober = new HttpProber();

    @BeforeAll
    static void startServers() throws Exception {
        executor = Executors.newCachedThreadPool();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 16);
        server.createContext("/ok", ex -> reply(ex, 200, "status: ok"));
        server.createContext("/down", ex -> reply(ex, 503, "maintenance"));
        server.createContext("/degraded", ex -> reply(ex, 200, "status: degraded"));
        server.createContext("/nocontent", ex -> reply(ex, 204, null));
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/ok");
            reply(ex, 302, "");
        });
        server.createContext("/big", ex -> reply(ex, 200, "x".repeat(HttpProber.MAX_BODY_BYTES + 10) + "status: ok"));
        server.createContext("/slow", ex -> {
            try {
                RELEASE_SLOW.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "status: ok");
        });
        server.setExecutor(executor);
        server.start();

        keyStore = selfSignedKeyStore(tmp.resolve("appliance.p12"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        tlsServer = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 16);
        tlsServer.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        tlsServer.createContext("/ok", ex -> reply(ex, 200, "status: ok"));
        tlsServer.setExecutor(executor);
        tlsServer.start();
    }

    @AfterAll
    static void stopServers() {
        RELEASE_SLOW.countDown();
        server.stop(0);
        tlsServer.stop(0);
        executor.shutdownNow();
    }

    /** A self-signed certificate for 127.0.0.1, made by the JDK's keytool as an operator would. */
    private static KeyStore selfSignedKeyStore(Path file) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "appliance", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=appliance.test", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool: %s", output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        try (ex) {
            if (body == null) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private static int port() {
        return server.getAddress().getPort();
    }

    private static CheckSpec.Http check(String path, int status, String body) {
        return http("web", "http", port(), path, status, body, 1000);
    }

    @Test
    void warmsUpAgainstItsOwnLoopbackListener() {
        ProbeResult result = prober.warmUp();

        assertThat(result.passed()).as(result.detail()).isTrue();
        assertThat(result.detail()).isEqualTo("HTTP 200");
    }

    @Test
    void passesOnExpectedStatusAndBody() {
        ProbeResult result = prober.probe(LOOPBACK, check("/ok", 200, "ok"));

        assertThat(result.passed()).isTrue();
        assertThat(result.detail()).isEqualTo("HTTP 200");
    }

    @Test
    void passesOnStatusAloneWhenNoBodyIsExpected() {
        assertThat(prober.probe(LOOPBACK, check("/nocontent", 204, null)).passed()).isTrue();
    }

    @Test
    void failsOnUnexpectedStatus() {
        ProbeResult result = prober.probe(LOOPBACK, check("/down", 200, "ok"));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("HTTP 503, expected 200");
    }

    @Test
    void failsWhenTheBodyLacksTheExpectedText() {
        ProbeResult result = prober.probe(LOOPBACK, check("/degraded", 200, "status: ok"));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("HTTP 200 but body does not contain 'status: ok': 'status: degraded'");
    }

    @Test
    void readsOnlyTheFirst64KibOfTheBody() {
        ProbeResult result = prober.probe(LOOPBACK, check("/big", 200, "status: ok"));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("HTTP 200 but first 65536 bytes of body does not contain 'status: ok'");
    }

    @Test
    void timesOutOnASlowResponseAfterThreeHedgedRequests() {
        CheckSpec.Http slow = http("web", "http", port(), "/slow", 200, "ok", 300);
        // Reads of the scripted clock: 0 start, 50 request 1, 100 request 2, 150 wait, 200 request 3, 250 wait, 300 deadline.
        ProbeResult result = new HttpProber(HttpProber.HttpOptions.defaults(), 3, TcpProberTest.scripted(50, n -> { })).probe(LOOPBACK, slow);

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("timed out after 300 ms waiting for GET http://127.0.0.1:" + port() + "/slow (3 requests)");
    }

    @Test
    void aRequestWhoseAnswerIsLostIsSavedByTheNextOne() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 16, InetAddress.getByName(LOOPBACK))) {
            // The first connection gets no answer (as if its response were lost); every later one gets 200.
            java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch firstArrived = new CountDownLatch(1);
            Thread server = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        java.net.Socket c = raw.accept();
                        held.add(c);
                        if (held.size() == 1) {
                            firstArrived.countDown();
                            continue;
                        }
                        InputStream in = c.getInputStream();
                        for (int b, matched = 0; matched < 4 && (b = in.read()) != -1; ) {
                            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                        }
                        c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                .getBytes(StandardCharsets.US_ASCII));
                        c.close();
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            // Request 2 starts only once request 1's connection is in (read 2), so the order is certain.
            HttpProber hedged = new HttpProber(HttpProber.HttpOptions.defaults(), 3, TcpProberTest.scripted(50, TcpProberTest.at(2, () -> {
                try {
                    assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })));
            try {
                ProbeResult result = hedged.probe(LOOPBACK, http("web", "http", raw.getLocalPort(), "/", 200, "ok", 300));

                assertThat(result.passed()).as(result.detail()).isTrue();
                assertThat(result.detail()).isEqualTo("HTTP 200 (attempt 2 of 3)");
                assertThat(held).as("no third request once one was answered").hasSize(2);
            } finally {
                hedged.close();
                for (java.net.Socket c : held) {
                    c.close();
                }
                raw.close();
                server.join(5_000);
            }
        }
    }

    @Test
    void anAnswerIsFinalAtOnceWithoutAnotherRequest() throws Exception {
        int[] reads = {0};
        // 1 ms per turn of the loop: a second request would be due 100 turns in; the answers come on the first turns.
        java.util.function.LongSupplier counting = TcpProberTest.scripted(1, n -> reads[0] = n + 1);
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            closed = s.getLocalPort();
        }
        HttpProber hedged = new HttpProber(HttpProber.HttpOptions.defaults(), 3, counting);
        try {
            assertThat(hedged.probe(LOOPBACK, http("web", "http", closed, "/ok", 200, null, 300)).detail())
                    .isEqualTo("connection refused by 127.0.0.1:" + closed);
            assertThat(reads[0]).as("clock reads: the refusal came before a second request was due").isLessThan(100);
            int before = reads[0];
            assertThat(hedged.probe(LOOPBACK, http("web", "http", port(), "/down", 200, null, 300)).detail())
                    .isEqualTo("HTTP 503, expected 200");
            assertThat(reads[0] - before).as("clock reads: the 503 came before a second request was due").isLessThan(100);
        } finally {
            hedged.close();
        }
    }

    @Test
    void failsWithConnectionRefusedWhenNothingListens() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            closed = s.getLocalPort();
        }

        ProbeResult result = prober.probe(LOOPBACK, http("web", "http", closed, "/ok", 200, null, 1000));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("connection refused by 127.0.0.1:" + closed);
    }

    @Test
    void doesNotFollowRedirectsByDefault() {
        ProbeResult result = prober.probe(LOOPBACK, check("/moved", 200, "ok"));

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("HTTP 302, expected 200 (redirect to /ok not followed)");
    }

    @Test
    void followsRedirectsWhenConfigured() {
        ProbeResult result = prober.probe(LOOPBACK, check("/moved", 200, "ok"), HttpProber.HttpOptions.defaults().following());

        assertThat(result.passed()).isTrue();
    }

    @Test
    void verifiesTlsByDefaultSoASelfSignedCertificateFails() {
        CheckSpec.Http https = http("web", "https", tlsServer.getAddress().getPort(), "/ok", 200, "ok", 2000);

        ProbeResult result = prober.probe(LOOPBACK, https);

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("TLS handshake with 127.0.0.1:" + tlsServer.getAddress().getPort() + " failed: ");
    }

    @Test
    void acceptsASelfSignedCertificateWhenVerificationIsOff() {
        CheckSpec.Http https = http("web", "https", tlsServer.getAddress().getPort(), "/ok", 200, "ok", 2000);

        ProbeResult result = prober.probe(LOOPBACK, https, HttpProber.HttpOptions.defaults().insecure());

        assertThat(result.passed()).as(result.detail()).isTrue();
        assertThat(result.detail()).isEqualTo("HTTP 200");
    }

    @Test
    void verifiesAgainstAGivenTrustStore() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("appliance", keyStore.getCertificate("appliance"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        CheckSpec.Http https = http("web", "https", tlsServer.getAddress().getPort(), "/ok", 200, "ok", 2000);

        ProbeResult result = prober.probe(LOOPBACK, https, HttpProber.HttpOptions.defaults().trusting(context));

        assertThat(result.passed()).as(result.detail()).isTrue();
    }
}
