// Over 400 lines: the prober, its hedging, its options and its two small helpers (trust-all, bounded body) belong together.
package io.github.vpcroutefailover.net;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.ports.ProbeResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import java.util.function.LongSupplier;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * HTTP(S) check with {@link HttpClient} (JDK, no extra dependency): GET {@code scheme://address:port/path}, pass on
 * the expected status and, if configured, a body containing the expected text. The timeout bounds the whole
 * exchange (connect, TLS, headers, body). Redirects are not followed unless the options say so, and TLS certificates
 * are verified unless the options say not to (self-signed appliance certificates).
 *
 * <p>One {@link HttpClient} per distinct {@link HttpOptions} is kept and reused across probes and invocations.
 */
public final class HttpProber implements AutoCloseable {
    /** Only this much of the body is read: enough for any health page, and a bound on memory and time. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Duration CLIENT_CONNECT_CEILING = Duration.ofSeconds(30);

    private final HttpOptions defaults;
    private final Map<HttpOptions, HttpClient> clients = new ConcurrentHashMap<>();
    private final int attempts;
    private final LongSupplier clock;

    public HttpProber() {
        this(HttpOptions.defaults());
    }

    public HttpProber(HttpOptions defaults) {
        this(defaults, TcpProber.DEFAULT_ATTEMPTS, System::nanoTime);
    }

    /**
     * @param attempts at most this many requests per probe, hedged as {@link #probe(String, CheckSpec.Http, HttpOptions)} says
     * @param clock    nanoseconds, for when to start the next request and when the deadline has passed
     */
    HttpProber(HttpOptions defaults, int attempts, LongSupplier clock) {
        this.defaults = defaults;
        this.attempts = TcpProber.checkAttempts(attempts);
        this.clock = clock;
        // Building a client initialises JSSE and loads the trust store: seconds on a cold, small Lambda. Do it now,
        // in the init phase, not inside the first probe's timeout.
        client(defaults);
    }

    /** Builds the client for {@code options} ahead of the first probe that uses it. */
    public void prepare(HttpOptions options) {
        client(options);
    }

    /**
     * Runs one real exchange against a throw-away listener on 127.0.0.1, so the HTTP client's request, connection and
     * response-parsing classes are loaded (and JIT-warm) before the first real probe: otherwise the first probe of a
     * cold start can spend most of its timeout loading classes and fail for no reason of the target's. Call it from
     * the Lambda init phase (it is also a natural SnapStart priming step). Returns the warm-up probe's result.
     */
    public ProbeResult warmUp() {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread responder = Thread.ofPlatform().daemon().name("http-probe-warm-up").start(() -> {
                try (Socket c = listener.accept()) {
                    c.setSoTimeout(5_000);
                    InputStream in = c.getInputStream();
                    // Read up to the blank line that ends the request headers (a GET has no body).
                    int matched = 0;
                    byte[] end = {'\r', '\n', '\r', '\n'};
                    for (int b; matched < 4 && (b = in.read()) != -1; ) {
                        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // The probe below reports what went wrong.
                }
            });
            CheckSpec.Http check = new CheckSpec.Http("warm-up", "http", listener.getLocalPort(), "/", 200, "ok",
                    Duration.ofSeconds(10), Duration.ofSeconds(20), 1, 1);
            ProbeResult result = probe(listener.getInetAddress().getHostAddress(), check, defaults);
            responder.join(Duration.ofSeconds(1));
            return result;
        } catch (IOException e) {
            return ProbeResult.fail(Duration.ZERO, "warm-up listener failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.fail(Duration.ZERO, "warm-up interrupted");
        }
    }

    /**
     * How a probe talks HTTP.
     *
     * @param followRedirects follow 3xx responses (default false: a redirect is what the check sees)
     * @param verifyTls       verify the server certificate and host name (default true)
     * @param sslContext      trust material for verification, e.g. a private CA; null for the JDK's default trust store
     */
    public record HttpOptions(boolean followRedirects, boolean verifyTls, SSLContext sslContext) {
        public static HttpOptions defaults() {
            return new HttpOptions(false, true, null);
        }

        /** Accept any certificate: for appliances serving self-signed certificates on their private IP. */
        public HttpOptions insecure() {
            return new HttpOptions(followRedirects, false, null);
        }

        public HttpOptions trusting(SSLContext context) {
            return new HttpOptions(followRedirects, true, context);
        }

        public HttpOptions following() {
            return new HttpOptions(true, verifyTls, sslContext);
        }
    }

    public ProbeResult probe(String address, CheckSpec.Http check) {
        return probe(address, check, defaults);
    }

    /**
     * One probe, hedged as {@link TcpProber#connect} is: a request at once and another every timeout/attempts while none
     * has answered, each on its own connection, all under the one timeout; the first answer is the verdict. A lost SYN,
     * SYN-ACK or first segment costs a sub-second probe its whole timeout otherwise (TCP resends only after 200 ms to 1 s).
     * An answer is never retried: any response (judged on its status and body), a refusal or a TLS failure is final at once.
     */
    public ProbeResult probe(String address, CheckSpec.Http check, HttpOptions options) {
        Duration timeout = TcpProber.timeoutOf(check.timeout());
        long timeoutMs = TcpProber.timeoutMillis(timeout);
        String scheme = check.scheme() == null ? "http" : check.scheme().toLowerCase(Locale.ROOT);
        String path = check.path() == null || check.path().isEmpty() ? "/" : check.path();
        long start = System.nanoTime();
        URI uri;
        try {
            uri = URI.create(scheme + "://" + TcpProber.hostPort(address, check.port()) + path);
        } catch (IllegalArgumentException e) {
            return ProbeResult.since(start, false, "bad probe URL for " + address + ": " + e.getMessage());
        }
        HttpClient client = client(options);
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long spacing = timeoutNanos / attempts;
        // Completed requests, in the order they completed: [attempt, response or null, error or null].
        BlockingQueue<Object[]> done = new LinkedBlockingQueue<>();
        List<CompletableFuture<HttpResponse<byte[]>>> running = new ArrayList<>(attempts);
        try {
            long t0 = clock.getAsLong();
            long deadline = t0 + timeoutNanos;
            int made = 0;
            int ended = 0;
            while (true) {
                long now = clock.getAsLong();
                boolean over = made > 0 && now - deadline >= 0;
                if (!over && (made == 0 || made < attempts && now - (t0 + made * spacing) >= 0)) {
                    int attempt = ++made;
                    // Each request's own timeout ends at the probe's deadline, so a hedged one gets what is left.
                    HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofNanos(Math.max(1_000_000, deadline - now)))
                            .header("User-Agent", "vpc-route-failover-probe").header("Accept", "*/*").build();
                    CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(request, info -> new LimitedBody(MAX_BODY_BYTES));
                    running.add(f);
                    f.whenComplete((r, e) -> done.add(new Object[] {attempt, r, e}));
                    continue;
                }
                long until = made < attempts ? Math.min(deadline, t0 + made * spacing) : deadline;
                Object[] next = over ? done.poll() : done.poll(Math.max(0, until - now), TimeUnit.NANOSECONDS);
                if (next != null) {
                    ended++;
                    @SuppressWarnings("unchecked")
                    HttpResponse<byte[]> response = (HttpResponse<byte[]>) next[1];
                    Throwable error = next[2] instanceof CompletionException c && c.getCause() != null ? c.getCause() : (Throwable) next[2];
                    if (response != null) {
                        ProbeResult verdict = judge(start, check, response);
                        int attempt = (Integer) next[0];
                        return attempt == 1 ? verdict : new ProbeResult(verdict.passed(), verdict.latency(),
                                verdict.detail() + " (attempt " + attempt + " of " + attempts + ")");
                    }
                    if (!isLoss(error)) {
                        return ProbeResult.since(start, false, describe(error, uri, timeoutMs));
                    }
                }
                if (over && next == null || ended == attempts) {
                    return ProbeResult.since(start, false, "timed out after " + timeoutMs + " ms waiting for GET " + uri
                            + (made == 1 ? "" : " (" + made + " requests)"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.since(start, false, "probe interrupted");
        } catch (RuntimeException e) {
            return ProbeResult.since(start, false, "GET " + uri + " failed: " + e);
        } finally {
            running.forEach(f -> f.cancel(true));
        }
    }

    /** No answer yet, only time run out: another request may still get one. Anything else is the target's answer. */
    private static boolean isLoss(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static ProbeResult judge(long start, CheckSpec.Http check, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        int expected = check.expectStatus();
        boolean statusOk = expected > 0 ? status == expected : status >= 200 && status < 300;
        if (!statusOk) {
            String wanted = expected > 0 ? String.valueOf(expected) : "2xx";
            String hint = status >= 300 && status < 400 ? " (redirect to " + response.headers().firstValue("Location").orElse("?")
                    + " not followed)" : "";
            return ProbeResult.since(start, false, "HTTP " + status + ", expected " + wanted + hint);
        }
        String expectedBody = check.bodyContains();
        if (expectedBody != null && !expectedBody.isEmpty()) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            if (!body.contains(expectedBody)) {
                String limit = response.body().length >= MAX_BODY_BYTES ? "first " + MAX_BODY_BYTES + " bytes of " : "";
                return ProbeResult.since(start, false, "HTTP " + status + " but " + limit + "body does not contain '" + expectedBody
                        + "': '" + abbreviate(body) + "'");
            }
        }
        return ProbeResult.since(start, true, "HTTP " + status);
    }

    private static String describe(Throwable cause, URI uri, long timeoutMs) {
        // Walk the cause chain: the HTTP client wraps the interesting exception once or twice.
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
                return "timed out after " + timeoutMs + " ms waiting for GET " + uri;
            }
            if (t instanceof SSLHandshakeException || t instanceof SSLException) {
                return "TLS handshake with " + uri.getAuthority() + " failed: " + t.getMessage();
            }
            if (t instanceof ConnectException) {
                String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (m.contains("refused") || t.getMessage() == null) {
                    return "connection refused by " + uri.getAuthority();
                }
                return "connect to " + uri.getAuthority() + " failed: " + t.getMessage();
            }
        }
        return "GET " + uri + " failed: " + cause;
    }

    private static String abbreviate(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }

    private HttpClient client(HttpOptions options) {
        return clients.computeIfAbsent(options, HttpProber::newClient);
    }

    private static HttpClient newClient(HttpOptions options) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                // HTTP/1.1 only: an h2c upgrade attempt is one more thing for a minimal appliance to get wrong.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(options.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                // Each probe bounds itself with its own timeout; this only caps a connect nobody waits for any more.
                .connectTimeout(CLIENT_CONNECT_CEILING)
                .proxy(HttpClient.Builder.NO_PROXY);
        if (!options.verifyTls()) {
            builder.sslContext(trustAll());
        } else if (options.sslContext() != null) {
            builder.sslContext(options.sslContext());
        }
        return builder.build();
    }

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{new TrustAll()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::shutdownNow);
        clients.clear();
    }

    /**
     * Trusts every certificate and, being an extended trust manager, also skips the host name check (which the JDK
     * performs inside extended trust managers). Only used when verification was explicitly turned off.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Collects at most {@code limit} bytes of the body, then stops reading (the rest cannot change a verdict). */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int n = Math.min(buffer.remaining(), limit - bytes.size());
                byte[] chunk = new byte[n];
                buffer.get(chunk);
                bytes.write(chunk, 0, n);
            }
            if (bytes.size() >= limit) {
                result.complete(bytes.toByteArray());
                subscription.cancel();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
