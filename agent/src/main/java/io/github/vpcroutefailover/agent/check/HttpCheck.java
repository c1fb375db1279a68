package io.github.vpcroutefailover.agent.check;

import io.github.vpcroutefailover.agent.config.CheckSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * Requests a URL and checks the status and optionally the body. Uses HttpURLConnection: it is already loaded
 * by the JDK, starts no threads, and a fresh connection per run ({@code Connection: close}) tests what a new
 * client would see rather than a pooled socket.
 */
public final class HttpCheck implements Check {
    private final String name;
    private final CheckSpec.Http spec;
    private final SSLContext tls;

    public HttpCheck(String name, CheckSpec.Http spec, SSLContext tls) {
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
        // NO_PROXY: a health check must reach the service itself, never a proxy configured for other traffic.
        HttpURLConnection c = (HttpURLConnection) spec.url().toURL().openConnection(Proxy.NO_PROXY);
        try {
            if (c instanceof HttpsURLConnection https && tls != null) {
                https.setSSLSocketFactory(tls.getSocketFactory());
                if (!spec.tls().verify()) {
                    https.setHostnameVerifier((host, session) -> true);
                }
            }
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestMethod(spec.method());
            c.setRequestProperty("Connection", "close");
            c.setRequestProperty("User-Agent", "vpc-route-failover-agent");
            spec.headers().forEach(c::setRequestProperty);
            c.setConnectTimeout(deadline.remainingMillis());
            c.setReadTimeout(deadline.remainingMillis());
            int status = c.getResponseCode();
            if (!statusOk(status)) {
                return CheckOutcome.fail("HTTP " + status);
            }
            if (spec.bodyContains() == null && spec.bodyRegex() == null) {
                return CheckOutcome.pass("HTTP " + status);
            }
            c.setReadTimeout(deadline.remainingMillis());
            String body = readBody(c, deadline);
            if (spec.bodyContains() != null && !body.contains(spec.bodyContains())) {
                return CheckOutcome.fail("HTTP " + status + ", body does not contain the expected text");
            }
            if (spec.bodyRegex() != null && !spec.bodyRegex().matcher(body).find()) {
                return CheckOutcome.fail("HTTP " + status + ", body does not match " + spec.bodyRegex().pattern());
            }
            return CheckOutcome.pass("HTTP " + status + ", body matched");
        } catch (SocketTimeoutException e) {
            return CheckOutcome.fail("timed out after " + timeout.toMillis() + " ms");
        } catch (java.io.IOException e) {
            // refused, reset, TLS handshake rejected: the service is not healthy from here
            return CheckOutcome.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            c.disconnect();
        }
    }

    private boolean statusOk(int status) {
        for (int[] r : spec.statusRanges()) {
            if (status >= r[0] && status <= r[1]) {
                return true;
            }
        }
        return false;
    }

    private static String readBody(HttpURLConnection c, Deadline deadline) throws IOException {
        InputStream in = c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while (out.size() < TcpCheck.MAX_READ && (n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                deadline.remainingMillis();
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
