package io.github.vpcroutefailover.agent.aws;

import io.github.vpcroutefailover.agent.publish.MetricDatum;
import io.github.vpcroutefailover.agent.publish.MetricSink;
import io.github.vpcroutefailover.agent.publish.PublishException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudWatch {@code PutMetricData} over the AWS Query protocol, signed with SigV4, sent with the JDK's
 * HttpURLConnection (keep-alive, so one TLS handshake serves many cycles).
 *
 * <p>Why not the AWS SDK: the agent's memory budget (64 MB RSS on every target instance). The SDK client loads
 * about 1,700 classes and its endpoint and region metadata; this loads a few dozen. The contract is small and
 * stable (one action, form-encoded, documented error codes), and the tests pin it to the SDK's signer and to
 * a CloudWatch emulator.
 *
 * <p>Retries follow the SDK's "standard" mode: at most {@link #MAX_ATTEMPTS} attempts for network errors,
 * throttling and 5xx, with full-jitter exponential backoff, all inside the call's timeout. Anything that still
 * fails stays in the caller's bounded buffer for the next cycle, which is the real retry.
 */
public final class CloudWatchQueryClient implements MetricSink {
    static final int MAX_ATTEMPTS = 3;
    static final String API_VERSION = "2010-08-01";
    private static final Duration BASE_DELAY = Duration.ofMillis(100);
    private static final Duration THROTTLED_BASE_DELAY = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);
    private static final Duration SKEW_TOLERANCE = Duration.ofMinutes(4);
    private static final int MAX_RESPONSE = 256 * 1024;
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
            "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "LimitExceededException", "SlowDown", "PriorRequestNotComplete");
    private static final Set<String> EXPIRED_CREDENTIALS = Set.of("ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "InvalidAccessKeyId");
    private static final Set<String> CLOCK_SKEW = Set.of("RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture", "InvalidSignatureException",
            "SignatureDoesNotMatch", "AuthFailure");
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    private final URI endpoint;
    private final SigV4Signer signer;
    private final CredentialsProvider credentials;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final Duration apiCallTimeout;
    private final Clock clock;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private volatile Duration clockSkew = Duration.ZERO;

    public CloudWatchQueryClient(URI endpoint, String region, CredentialsProvider credentials, Duration connectTimeout, Duration socketTimeout,
            Duration apiCallTimeout, Clock clock) {
        this.endpoint = endpoint;
        this.signer = new SigV4Signer(region, "monitoring");
        this.credentials = credentials;
        this.connectTimeout = connectTimeout;
        this.socketTimeout = socketTimeout;
        this.apiCallTimeout = apiCallTimeout;
        this.clock = clock;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Where the signing credentials come from (environment or instance profile), for the start-up log. */
    public String credentialsSource() {
        return credentials.source();
    }

    @Override
    public Duration defaultTimeout() {
        return apiCallTimeout;
    }

    /** PutMetricData calls made, for tests and the debug log. */
    public long calls() {
        return calls.get();
    }

    /** HTTP attempts made across all calls (a call makes up to {@link #MAX_ATTEMPTS}). */
    public long attempts() {
        return attempts.get();
    }

    @Override
    public void put(String namespace, List<MetricDatum> batch, Duration timeout) throws PublishException {
        calls.incrementAndGet();
        byte[] body = encode(namespace, batch);
        long deadline = System.nanoTime() + (timeout.compareTo(apiCallTimeout) < 0 ? timeout : apiCallTimeout).toNanos();
        String last = "no attempt made within the timeout";
        Throwable lastCause = null;
        String lastCode = null;
        boolean refreshedCredentials = false;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Duration baseDelay = BASE_DELAY;
            try {
                Answer a = send(body, Duration.ofNanos(left));
                if (a.status() == 200) {
                    return;
                }
                lastCode = a.code();
                lastCause = null;
                last = "HTTP " + a.status() + (a.code() == null ? "" : " " + a.code()) + (a.message() == null ? "" : ": " + a.message());
                if (a.status() == 400 && a.code() != null && (a.code().startsWith("InvalidParameter") || a.code().equals("MissingParameter"))) {
                    throw PublishException.rejected(a.code(), "CloudWatch rejected PutMetricData at " + endpoint + ": " + last);
                }
                if (a.code() != null && EXPIRED_CREDENTIALS.contains(a.code()) && !refreshedCredentials) {
                    credentials.invalidate();
                    refreshedCredentials = true;
                    continue;
                }
                if (a.code() != null && CLOCK_SKEW.contains(a.code()) && adjustClockSkew(a.serverDate())) {
                    continue;
                }
                boolean throttled = a.status() == 429 || (a.code() != null && THROTTLING.contains(a.code()));
                if (!throttled && a.status() < 500) {
                    break; // access denied, bad credentials, an unknown 4xx: retrying now will not help
                }
                if (throttled) {
                    baseDelay = THROTTLED_BASE_DELAY;
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
                lastCause = e;
                lastCode = null;
            } catch (CredentialsException e) {
                throw PublishException.failed(null, e.getMessage(), e);
            }
            if (attempt < MAX_ATTEMPTS && !backoff(attempt, baseDelay, deadline)) {
                break;
            }
        }
        throw PublishException.failed(lastCode, "PutMetricData to " + endpoint + " failed (" + last + ")", lastCause);
    }

    private record Answer(int status, String code, String message, String serverDate) {
    }

    private Answer send(byte[] body, Duration left) throws IOException {
        attempts.incrementAndGet();
        Map<String, String> headers = Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        Map<String, String> auth = signer.sign("POST", endpoint, headers, body, credentials.credentials(), clock.instant().plus(clockSkew));
        HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
        // A redirect would carry the signed request and the session token to another host; CloudWatch never sends one.
        c.setInstanceFollowRedirects(false);
        c.setRequestMethod("POST");
        c.setConnectTimeout(millis(min(connectTimeout, left)));
        c.setReadTimeout(millis(min(socketTimeout, left)));
        c.setUseCaches(false);
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        headers.forEach(c::setRequestProperty);
        auth.forEach(c::setRequestProperty);
        c.setRequestProperty("User-Agent", "vpc-route-failover-agent");
        try {
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            // Reading the answer to its end lets HttpURLConnection keep the connection for the next cycle.
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            String text = "";
            if (in != null) {
                try (in) {
                    text = new String(in.readNBytes(MAX_RESPONSE), StandardCharsets.UTF_8);
                }
            }
            if (status == 200) {
                return new Answer(status, null, null, null);
            }
            return new Answer(status, group(CODE, text), group(MESSAGE, text), c.getHeaderField("Date"));
        } catch (IOException e) {
            c.disconnect(); // a half-used connection must not go back to the keep-alive cache
            throw e;
        }
    }

    /** With the server's Date, corrects our signing time when the local clock is off (as the SDKs do). */
    private boolean adjustClockSkew(String serverDate) {
        if (serverDate == null) {
            return false;
        }
        try {
            Instant server = ZonedDateTime.parse(serverDate, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration skew = Duration.between(clock.instant(), server);
            if (skew.abs().compareTo(SKEW_TOLERANCE) < 0 || skew.equals(clockSkew)) {
                return false;
            }
            clockSkew = skew;
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Full jitter: a random wait up to base * 2^(attempt-1), capped; false when the wait would pass the deadline. */
    private static boolean backoff(int attempt, Duration base, long deadline) {
        long ceiling = Math.min(MAX_BACKOFF.toNanos(), base.toNanos() << Math.min(attempt - 1, 20));
        long wait = ThreadLocalRandom.current().nextLong(ceiling + 1);
        if (System.nanoTime() + wait >= deadline) {
            return false;
        }
        try {
            Thread.sleep(Duration.ofNanos(wait));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The Query-protocol form body of one PutMetricData: {@code MetricData.member.N.*} with 1-based indexes,
     * RFC 3986 encoding, timestamps in ISO-8601 UTC; exactly what the SDK's Query marshaller writes.
     */
    static byte[] encode(String namespace, List<MetricDatum> batch) {
        StringBuilder b = new StringBuilder(96 + batch.size() * 360);
        b.append("Action=PutMetricData&Version=").append(API_VERSION).append("&Namespace=").append(SigV4Signer.encode(namespace));
        int i = 0;
        for (MetricDatum d : batch) {
            String p = "&MetricData.member." + ++i + ".";
            b.append(p).append("MetricName=").append(SigV4Signer.encode(d.metricName()));
            if (d.dimensions().isEmpty()) {
                b.append(p).append("Dimensions="); // as the SDK marshals an empty list
            }
            int j = 0;
            for (MetricDatum.Dimension dim : d.dimensions()) {
                String q = p + "Dimensions.member." + ++j + ".";
                b.append(q).append("Name=").append(SigV4Signer.encode(dim.name()));
                b.append(q).append("Value=").append(SigV4Signer.encode(dim.value()));
            }
            b.append(p).append("Timestamp=").append(SigV4Signer.encode(d.timestamp().toString()));
            b.append(p).append("Value=").append(SigV4Signer.encode(Double.toString(d.value())));
            b.append(p).append("Unit=").append(d.unit().wireName());
            b.append(p).append("StorageResolution=").append(d.storageResolution());
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? unescapeXml(m.group(1).strip()) : null;
    }

    private static String unescapeXml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
