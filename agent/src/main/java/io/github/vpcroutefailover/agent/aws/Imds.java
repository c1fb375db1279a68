package io.github.vpcroutefailover.agent.aws;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * The instance metadata service, IMDSv2 only: a session token from {@code PUT /latest/api/token}, then GETs
 * that carry it. The token is reused until shortly before its TTL ends, so the steady state is one GET per
 * lookup. Never goes through a proxy: 169.254.169.254 is link-local and a proxy would answer for the wrong host.
 */
public final class Imds {
    public static final URI DEFAULT_ENDPOINT = URI.create("http://169.254.169.254");
    static final int TOKEN_TTL_SECONDS = 21_600;
    public static final int START_ATTEMPTS = 3;
    /** Renew a minute early so a token never expires between our check and IMDS reading it. */
    private static final long TOKEN_RENEW_BEFORE_NANOS = Duration.ofMinutes(1).toNanos();
    /** Metadata answers are small; a bigger one is not IMDS. */
    private static final int MAX_BODY = 64 * 1024;

    private final URI endpoint;
    private final Duration timeout;
    private String token;
    private long tokenValidUntilNanos;

    public Imds(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /**
     * The configured endpoint, else the SDKs' variable {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, else the
     * link-local default.
     */
    public static URI endpoint(URI configured, Function<String, String> env) {
        if (configured != null) {
            return configured;
        }
        String v = env.apply("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        return v == null || v.isBlank() ? DEFAULT_ENDPOINT : URI.create(v.trim());
    }

    /** {@code AWS_EC2_METADATA_DISABLED=true}, honoured as the AWS SDKs and CLI do. */
    public static boolean disabled(Function<String, String> env) {
        return "true".equalsIgnoreCase(String.valueOf(env.apply("AWS_EC2_METADATA_DISABLED")).trim());
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * The start-up lookups (instance id, region): a few attempts with short pauses, because at boot IMDS answers in
     * milliseconds and a missing IMDS should fail the start clearly instead of hanging it.
     *
     * @throws MetadataUnavailableException after the last attempt, with {@code what} and {@code fix} in the message
     */
    public String read(String path, String what, String fix) {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                String value = get(path).trim();
                if (value.isEmpty()) {
                    throw new IOException("IMDS returned an empty " + what);
                }
                return value;
            } catch (IOException e) {
                last = e;
                if (attempt < START_ATTEMPTS) {
                    try {
                        Thread.sleep(200L * attempt);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        throw new MetadataUnavailableException("Could not read the " + what + " from IMDSv2 at " + endpoint + " after " + START_ATTEMPTS
                + " attempts (" + (last == null ? "interrupted" : last.getMessage()) + "). Fix: " + fix, last);
    }

    /** GET a metadata path such as {@code /latest/meta-data/instance-id}; one attempt (callers decide on retries). */
    public synchronized String get(String path) throws IOException {
        Response r = request("GET", path, Map.of("X-aws-ec2-metadata-token", token()));
        if (r.status() == 401) {
            // The token expired or IMDS restarted: one fresh token, one more try.
            token = null;
            r = request("GET", path, Map.of("X-aws-ec2-metadata-token", token()));
        }
        if (r.status() != 200) {
            throw new ImdsException("GET " + path + " answered HTTP " + r.status(), r.status());
        }
        return r.body();
    }

    private String token() throws IOException {
        long now = System.nanoTime();
        if (token == null || now - tokenValidUntilNanos >= 0) {
            Response r = request("PUT", "/latest/api/token", Map.of("X-aws-ec2-metadata-token-ttl-seconds", String.valueOf(TOKEN_TTL_SECONDS)));
            if (r.status() != 200 || r.body().isBlank()) {
                throw new ImdsException("PUT /latest/api/token answered HTTP " + r.status()
                        + (r.status() == 403 ? " (IMDS is disabled on this instance)" : ""), r.status());
            }
            token = r.body().trim();
            tokenValidUntilNanos = now + Duration.ofSeconds(TOKEN_TTL_SECONDS).toNanos() - TOKEN_RENEW_BEFORE_NANOS;
        }
        return token;
    }

    private record Response(int status, String body) {
    }

    private Response request(String method, String path, Map<String, String> headers) throws IOException {
        HttpURLConnection c = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection(Proxy.NO_PROXY);
        try {
            c.setRequestMethod(method);
            // IMDS never redirects: an answer that does is something else on its address, and following it would
            // hand over the session token (and then the role's credentials). A 3xx is an error like any non-200.
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) timeout.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            headers.forEach(c::setRequestProperty);
            if (method.equals("PUT")) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(0);
                c.getOutputStream().close();
            }
            int status = c.getResponseCode();
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            if (in == null) {
                return new Response(status, "");
            }
            try (in) {
                return new Response(status, new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8));
            }
        } finally {
            c.disconnect();
        }
    }

    /** IMDS answered, but not with what we asked for. */
    public static final class ImdsException extends IOException {
        private final int status;

        ImdsException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
