package io.github.vpcroutefailover.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.agent.config.CheckSpec;
import io.github.vpcroutefailover.agent.config.TlsSettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TCP checks against real listeners on 127.0.0.1: plain, send/expect, TLS, and servers that never answer. */
class TcpCheckTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() throws InterruptedException {
        release.countDown();
        serverThreads.shutdownNow();
        serverThreads.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Accepts connections and answers each with {@code reply} after reading one line (null: never replies). */
    private ServerSocket server(ServerSocketFactory factory, String reply) throws Exception {
        ServerSocket ss = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serverThreads.submit(() -> {
            while (!ss.isClosed()) {
                Socket s = ss.accept();
                serverThreads.submit(() -> {
                    try (s) {
                        if (reply == null) {
                            release.await(30, TimeUnit.SECONDS);
                            return null;
                        }
                        InputStream in = s.getInputStream();
                        int b;
                        while ((b = in.read()) != '\n' && b >= 0) {
                            // read the request line
                        }
                        OutputStream out = s.getOutputStream();
                        out.write(reply.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                    return null;
                });
            }
            return null;
        });
        return ss;
    }

    private static TcpCheck check(int port, String send, String expect, TlsSettings tls) throws Exception {
        var spec = new CheckSpec.Tcp("127.0.0.1", port, send, expect, tls);
        return new TcpCheck("svc", spec, tls == null ? null : Tls.context(tls));
    }

    @Test
    void connectToListeningPortPasses() throws Exception {
        try (ServerSocket ss = server(ServerSocketFactory.getDefault(), "")) {
            CheckOutcome o = check(ss.getLocalPort(), null, null, null).run(TIMEOUT);
            assertThat(o.passed()).as(o.detail()).isTrue();
        }
    }

    @Test
    void closedPortFails() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        CheckOutcome o = check(port, null, null, null).run(TIMEOUT);
        assertThat(o.passed()).isFalse();
        assertThat(o.detail()).contains("Connection refused");
    }

    @Test
    void sendExpectPassesOnMatchingReply() throws Exception {
        try (ServerSocket ss = server(ServerSocketFactory.getDefault(), "+PONG\r\n")) {
            CheckOutcome o = check(ss.getLocalPort(), "PING\r\n", "PONG", null).run(TIMEOUT);
            assertThat(o.passed()).as(o.detail()).isTrue();
        }
    }

    @Test
    void sendExpectFailsOnOtherReply() throws Exception {
        try (ServerSocket ss = server(ServerSocketFactory.getDefault(), "-ERR loading\r\n")) {
            CheckOutcome o = check(ss.getLocalPort(), "PING\r\n", "PONG", null).run(TIMEOUT);
            assertThat(o.passed()).isFalse();
            assertThat(o.detail()).contains("did not contain");
        }
    }

    @Test
    void listenerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket ss = server(ServerSocketFactory.getDefault(), null)) {
            CheckOutcome o = check(ss.getLocalPort(), "PING\r\n", "PONG", null).run(TIMEOUT);
            assertThat(o.passed()).isFalse();
            assertThat(o.detail()).contains("timed out");
        }
    }

    @Test
    void tlsWithTrustedSelfSignedCertPasses() throws Exception {
        SelfSignedCert cert = SelfSignedCert.shared();
        try (SSLServerSocket ss = (SSLServerSocket) server(cert.serverContext().getServerSocketFactory(), "+PONG\r\n")) {
            CheckOutcome o = check(ss.getLocalPort(), "PING\n", "PONG", new TlsSettings(true, cert.caPem, null)).run(Duration.ofSeconds(5));
            assertThat(o.passed()).as(o.detail()).isTrue();
        }
    }

    @Test
    void tlsWithUntrustedCertFailsUnlessVerificationIsOff() throws Exception {
        SelfSignedCert cert = SelfSignedCert.shared();
        try (SSLServerSocket ss = (SSLServerSocket) server(cert.serverContext().getServerSocketFactory(), "+PONG\r\n")) {
            TcpCheck verifying = check(ss.getLocalPort(), "PING\n", "PONG", TlsSettings.DEFAULT);
            TcpCheck lenient = check(ss.getLocalPort(), "PING\n", "PONG", new TlsSettings(false, null, null));
            CheckOutcome failed = verifying.run(Duration.ofSeconds(5));
            assertThat(failed.passed()).isFalse();
            assertThat(failed.detail()).contains("SSLHandshakeException");
            CheckOutcome passed = lenient.run(Duration.ofSeconds(5));
            assertThat(passed.passed()).as(passed.detail()).isTrue();
        }
    }

    @Test
    void tlsHandshakeAgainstSilentPlainListenerTimesOut() throws Exception {
        SelfSignedCert cert = SelfSignedCert.shared();
        try (ServerSocket ss = server(ServerSocketFactory.getDefault(), null)) {
            CheckOutcome o = check(ss.getLocalPort(), null, null, new TlsSettings(true, cert.caPem, null)).run(TIMEOUT);
            assertThat(o.passed()).isFalse();
            assertThat(o.detail()).contains("timed out");
        }
    }
}
