package io.github.vpcroutefailover.agent.check;

import io.github.vpcroutefailover.agent.config.CheckSpec;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Connects (optionally over TLS), optionally sends a line and waits for an expected reply. */
public final class TcpCheck implements Check {
    /** Enough for a banner or a short reply; a server streaming more must not grow our heap. */
    static final int MAX_READ = 64 * 1024;

    private final String name;
    private final CheckSpec.Tcp spec;
    private final SSLContext tls;

    public TcpCheck(String name, CheckSpec.Tcp spec, SSLContext tls) {
        this.name = name;
        this.spec = spec;
        this.tls = tls;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CheckOutcome run(Duration timeout) throws Exception {
        Deadline deadline = new Deadline(timeout);
        InetSocketAddress address = new InetSocketAddress(spec.host(), spec.port());
        if (address.isUnresolved()) {
            return CheckOutcome.fail("cannot resolve " + spec.host());
        }
        try (Socket plain = new Socket()) {
            plain.setTcpNoDelay(true);
            plain.connect(address, deadline.remainingMillis());
            Socket socket = plain;
            if (tls != null) {
                socket = handshake(plain, deadline);
            }
            if (spec.send() != null) {
                socket.getOutputStream().write(spec.send().getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            }
            if (spec.expect() == null) {
                return CheckOutcome.pass(tls != null ? "TLS handshake completed" : "connected");
            }
            return awaitExpected(socket, deadline);
        } catch (SocketTimeoutException e) {
            return CheckOutcome.fail("timed out after " + timeout.toMillis() + " ms");
        } catch (java.io.IOException e) {
            // refused, reset, TLS handshake rejected: the service is not healthy from here
            return CheckOutcome.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private SSLSocket handshake(Socket plain, Deadline deadline) throws Exception {
        var settings = spec.tls();
        String host = settings.serverName() != null ? settings.serverName() : spec.host();
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, spec.port(), true);
        SSLParameters params = s.getSSLParameters();
        if (settings.verify()) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!host.matches("[0-9.:]+")) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(params);
        s.setSoTimeout(deadline.remainingMillis());
        s.startHandshake();
        return s;
    }

    private CheckOutcome awaitExpected(Socket socket, Deadline deadline) throws Exception {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (got.size() < MAX_READ) {
            socket.setSoTimeout(deadline.remainingMillis());
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            got.write(buf, 0, n);
            if (got.toString(StandardCharsets.UTF_8).contains(spec.expect())) {
                return CheckOutcome.pass("reply contained the expected text");
            }
        }
        return CheckOutcome.fail("reply did not contain the expected text (" + got.size() + " bytes read before "
                + (got.size() >= MAX_READ ? "the read limit" : "the server closed") + ")");
    }
}
