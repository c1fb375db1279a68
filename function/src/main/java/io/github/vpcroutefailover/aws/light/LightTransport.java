package io.github.vpcroutefailover.aws.light;

import io.github.vpcroutefailover.aws.DeadlineInterceptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ClientEndpointProvider;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.client.config.SdkClientConfiguration;
import software.amazon.awssdk.core.client.config.SdkClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.http.HttpResponseHandler;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.retry.ClockSkew;
import software.amazon.awssdk.core.retry.RetryUtils;
import software.amazon.awssdk.core.runtime.transform.Marshaller;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.protocols.query.AwsQueryProtocolFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.utils.IoUtils;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * What a light client does per call, with the SDK's own pieces: the generated request marshaller and the protocol's
 * response/error handlers (so the wire format, the model objects and the exception types are the SDK's), the SigV4
 * signer, the credential provider, the retry strategy (standard or adaptive, as the SDK client would use). What it
 * skips is the generated client and its builder, whose linking and endpoint rules are most of a cold start
 * (BENCHMARKS.md "Cold controller"). Each call is bounded like an SDK call by {@link DeadlineInterceptor#budget}:
 * refused below {@link DeadlineInterceptor#MIN_CALL}, retries and each attempt's connect/read timeouts cut to what is
 * left. Interceptors get {@code beforeExecution} and {@code beforeTransmission} (what call counters use), nothing else.
 */
final class LightTransport {
    /** A DescribeRouteTables page of 100 tables is well under 1 MiB; anything near this is not a response of ours. */
    private static final int MAX_BODY = 64 << 20;

    /**
     * @param serviceName the SDK's service name for attributes and messages ("Ec2", "DynamoDb")
     * @param http        null: each attempt on its own {@link HttpURLConnection} with timeouts cut to the deadline;
     *                    else this client (SnapStart priming's canned answers, no I/O)
     */
    record Settings(String serviceName, String signingName, Region region, URI endpoint, AwsCredentialsProvider credentials,
                    RetryStrategy retryStrategy, List<ExecutionInterceptor> interceptors, Duration connectTimeout,
                    Duration attemptTimeout, Duration callTimeout, SdkHttpClient http) {
        Settings {
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(signingName, "signingName");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(retryStrategy, "retryStrategy");
            interceptors = List.copyOf(interceptors);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LightTransport.class);

    private final Settings settings;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    /**
     * Seconds this host's clock is ahead of the service's, learnt from the Date header of a clock-skew error and kept
     * for every later call, as the SDK client keeps it (HttpClientDependencies.timeOffset), starting from the
     * process-wide offset another client may have learnt (SdkGlobalTime) and published to it: requests are signed with
     * the clock moved back by it, and the error handlers read it (TIME_OFFSET) to tell a skew error from an auth one.
     */
    private volatile int timeOffset = SdkGlobalTime.getGlobalTimeOffset();

    LightTransport(Settings settings) {
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    /** The protocol factories' one required option: where the marshallers point the request. */
    SdkClientConfiguration protocolConfiguration() {
        return SdkClientConfiguration.builder()
                .option(SdkClientOption.CLIENT_ENDPOINT_PROVIDER, ClientEndpointProvider.forEndpointOverride(settings.endpoint()))
                .build();
    }

    /** A call in the AWS Query protocol (EC2's variant included), with the protocol's response and error handlers. */
    <I extends SdkRequest, O extends AwsResponse> O query(AwsQueryProtocolFactory protocol, String operation, I request,
                                                         Marshaller<I> marshaller, Supplier<? extends SdkPojo> response) {
        HttpResponseHandler<O> onSuccess = protocol.createResponseHandler(response::get);
        return call(operation, request, marshaller, onSuccess, protocol.createErrorResponseHandler());
    }

    <I extends SdkRequest, O> O call(String operation, I request, Marshaller<I> marshaller,
                                                        HttpResponseHandler<O> onSuccess,
                                                        HttpResponseHandler<AwsServiceException> onError) {
        ExecutionAttributes attributes = new ExecutionAttributes();
        attributes.putAttribute(SdkExecutionAttribute.SERVICE_NAME, settings.serviceName());
        attributes.putAttribute(SdkExecutionAttribute.OPERATION_NAME, operation);
        for (ExecutionInterceptor i : settings.interceptors()) {
            i.beforeExecution(InterceptorContext.builder().request(request).build(), attributes);
        }
        long deadline = System.nanoTime() + DeadlineInterceptor.budget(settings.serviceName(), operation, settings.callTimeout()).toNanos();
        SdkHttpFullRequest unsigned = formBody(marshaller.marshall(request));
        byte[] body = unsigned.contentStreamProvider().map(LightTransport::read).orElse(new byte[0]);
        // Once per call, before the attempts, as the SDK resolves the identity (AuthSchemeInterceptor): a throttled or
        // refused AssumeRole is the credential provider's to retry, not this call's; inside the loop each attempt would
        // re-run the provider's own retries (3 x 3 STS calls instead of 3) and count against this client's rate limiter.
        AwsCredentialsIdentity identity = settings.credentials().resolveCredentials();
        RetryStrategy retries = settings.retryStrategy();
        AcquireInitialTokenResponse first = retries.acquireInitialToken(AcquireInitialTokenRequest.create(settings.serviceName()));
        RetryToken token = first.token();
        sleepWithin(first.delay(), deadline, operation, null);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left < DeadlineInterceptor.MIN_CALL.toNanos()) {
                throw SdkClientException.create("not sending " + settings.serviceName() + "." + operation + ": only "
                        + Math.max(0, left / 1_000_000) + " ms left of its call timeout or deadline");
            }
            SdkException failure;
            try {
                int offset = timeOffset;
                attributes.putAttribute(SdkExecutionAttribute.TIME_OFFSET, offset);
                SdkHttpFullRequest signed = sign(unsigned, body, identity, offset);
                for (ExecutionInterceptor i : settings.interceptors()) {
                    i.beforeTransmission(InterceptorContext.builder().request(request).httpRequest(signed).build(), attributes);
                }
                SdkHttpFullResponse response = send(signed, body, Duration.ofNanos(left));
                if (response.isSuccessful()) {
                    O out = onSuccess.handle(response, attributes);
                    retries.recordSuccess(RecordSuccessRequest.create(token));
                    return out;
                }
                failure = onError.handle(response, attributes);
                adjustClock(failure, response);
            } catch (IOException e) {
                // The message names the call, never the signed headers.
                failure = SdkClientException.builder().message("Unable to execute HTTP request to " + settings.serviceName() + "."
                        + operation + ": " + e.getMessage()).cause(e).build();
            } catch (SdkException e) {
                failure = e;
            } catch (Exception e) {
                throw SdkClientException.create(settings.serviceName() + "." + operation + " failed: " + e.getMessage(), e);
            }
            Duration delay;
            try {
                var refreshed = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(failure).build());
                token = refreshed.token();
                delay = refreshed.delay();
            } catch (TokenAcquisitionFailedException notRetryable) {
                throw failure;
            }
            sleepWithin(delay, deadline, operation, failure);
        }
    }

    /**
     * What the SDK's MoveParametersToBodyStage does for the Query protocol: the marshaller leaves the parameters in
     * the URL's query string; a POST sends them as a form body instead (no URL length limit, nothing in access logs).
     */
    static SdkHttpFullRequest formBody(SdkHttpFullRequest marshalled) {
        if (marshalled.method() != SdkHttpMethod.POST || marshalled.contentStreamProvider().isPresent()
                || marshalled.rawQueryParameters().isEmpty()) {
            return marshalled;
        }
        byte[] form = SdkHttpUtils.encodeAndFlattenFormData(marshalled.rawQueryParameters()).orElse("").getBytes(StandardCharsets.UTF_8);
        return marshalled.toBuilder().clearQueryParameters()
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(form)).build();
    }

    /**
     * What the SDK's RetryableStage does with an error response (ClockSkewAdjuster, internal API, so its two lines
     * here): a clock-skew error by the SDK's own test sets the offset to this host's time minus the server's Date.
     * The retry strategies retry such an error (SdkDefaultRetryStrategy.retryOnClockSkewException).
     */
    private void adjustClock(SdkException failure, SdkHttpFullResponse response) {
        if (RetryUtils.isClockSkewException(failure)) {
            Duration skew = ClockSkew.getClockSkew(Instant.now(), ClockSkew.getServerTime(response).orElse(null));
            int offset;
            try {
                offset = Math.toIntExact(skew.getSeconds());
            } catch (ArithmeticException e) {
                offset = 0; // a Date header decades off is not a clock to follow
            }
            timeOffset = offset;
            // Shared with every client of the process, as the SDK's clients share it (SdkGlobalTime): one failed
            // attempt per process, not one per client.
            SdkGlobalTime.setGlobalTimeOffset(offset);
            if (Math.abs(offset) > 60) {
                // Corrected, AWS accepts the calls again; but claim deadlines and lease times are still written with
                // this host's clock, so an operator must hear of it.
                LOG.atWarn().addKeyValue("event", "clock-skew-corrected").addKeyValue("service", settings.serviceName())
                        .addKeyValue("offsetSeconds", offset)
                        .log("this host's clock differs from AWS's by " + offset + " s; requests are signed with AWS's time, "
                                + "but times this function writes (claim deadlines, leases) use the host's clock: fix its time sync");
            }
        }
    }

    private SdkHttpFullRequest sign(SdkHttpFullRequest unsigned, byte[] body, AwsCredentialsIdentity identity, int offset) {
        SignedRequest signed = signer.sign(r -> r.identity(identity).request(unsigned)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-offset)))
                .putProperty(AwsV4HttpSigner.REGION_NAME, settings.region().id())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, settings.signingName()));
        SdkHttpRequest r = signed.request();
        return SdkHttpFullRequest.builder().method(r.method()).uri(r.getUri()).headers(r.headers()).build();
    }

    /** One HTTP attempt; its connect and read timeouts never outlast the call's deadline. */
    private SdkHttpFullResponse send(SdkHttpFullRequest request, byte[] body, Duration left) throws IOException {
        if (settings.http() != null) {
            HttpExecuteResponse r = settings.http().prepareRequest(HttpExecuteRequest.builder().request(request)
                    .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body)).build()).call();
            byte[] content = r.responseBody().isPresent() ? readBounded(r.responseBody().get()) : new byte[0];
            return SdkHttpFullResponse.builder().statusCode(r.httpResponse().statusCode()).headers(r.httpResponse().headers())
                    .content(AbortableInputStream.create(new ByteArrayInputStream(content))).build();
        }
        long until = System.nanoTime() + left.toNanos();
        HttpURLConnection c = (HttpURLConnection) request.getUri().toURL().openConnection();
        try {
            c.setConnectTimeout(millis(min(settings.connectTimeout(), left)));
            c.setReadTimeout(millis(min(settings.attemptTimeout(), left)));
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            c.setRequestMethod(request.method().name());
            for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
                if (!h.getKey().equalsIgnoreCase("Host") && !h.getKey().equalsIgnoreCase("Content-Length")) {
                    for (String v : h.getValue()) {
                        c.addRequestProperty(h.getKey(), v);
                    }
                }
            }
            c.setDoOutput(true);
            // Buffered, not fixed-length streaming, as the SDK's URL-connection client sends: in streaming mode the JDK
            // drops the body of a 401 (EC2's AuthFailure: expired or revoked credentials, clock skew), so the AWS error
            // code would be lost. Buffered, the JDK replays a request once on a connection reset by the peer, as it did
            // under the SDK client (ReplaceRoute and the conditional writes are safe to replay; the protocol reads back).
            // Connected (TCP and TLS) before a byte of the request is written: a slow handshake must not carry a
            // ReplaceRoute past the claim's deadline (DeadlineInterceptor's promise, which the SDK kept with its
            // call-timeout timer).
            c.connect();
            long afterConnect = until - System.nanoTime();
            if (afterConnect < DeadlineInterceptor.MIN_CALL.toNanos()) {
                throw new SocketTimeoutException("connected with only " + Math.max(0, afterConnect / 1_000_000)
                        + " ms left of the call's deadline; the request was not sent");
            }
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            // Read to the end and closed, not disconnected: the JDK keeps the connection (and its TLS session) for the
            // next call, as the SDK's URL-connection client does.
            byte[] content = in == null ? new byte[0] : readBounded(in);
            SdkHttpFullResponse.Builder b = SdkHttpFullResponse.builder().statusCode(status).statusText(c.getResponseMessage());
            c.getHeaderFields().forEach((k, v) -> {
                if (k != null) {
                    b.putHeader(k, v);
                }
            });
            return b.content(AbortableInputStream.create(new ByteArrayInputStream(content))).build();
        } catch (IOException | RuntimeException e) {
            c.disconnect(); // a half-read or failed connection is never reused
            throw e;
        }
    }

    private void sleepWithin(Duration delay, long deadline, String operation, SdkException failure) {
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        if (System.nanoTime() + delay.toNanos() + DeadlineInterceptor.MIN_CALL.toNanos() > deadline) {
            if (failure != null) {
                throw failure;
            }
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create(settings.serviceName() + "." + operation + " interrupted while backing off", e);
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        try (in) {
            byte[] b = in.readNBytes(MAX_BODY);
            if (in.read() != -1) {
                throw new IOException("response body over " + MAX_BODY + " bytes");
            }
            return b;
        }
    }

    private static byte[] read(ContentStreamProvider p) {
        try (InputStream in = p.newStream()) {
            return IoUtils.toByteArray(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
