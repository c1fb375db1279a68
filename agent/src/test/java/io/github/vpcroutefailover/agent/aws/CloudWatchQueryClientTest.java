package io.github.vpcroutefailover.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.vpcroutefailover.agent.publish.MetricDatum;
import io.github.vpcroutefailover.agent.publish.MetricUnit;
import io.github.vpcroutefailover.agent.publish.PublishException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The wire format is pinned to the AWS SDK's own Query marshaller; the error handling is exercised against a
 * 127.0.0.1 HTTP server that answers as CloudWatch does in situations no emulator produces on demand
 * (throttling, expired tokens, clock skew, server errors). The success path against an emulator is
 * AgentCycleIT's.
 */
class CloudWatchQueryClientTest {
    private static final Instant AT = Instant.parse("2026-11-21T18:46:03.123456Z");
    private HttpServer server;
    private final List<Map<String, String>> requests = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static List<MetricDatum> batch() {
        return List.of(
                new MetricDatum("CheckResult", List.of(new MetricDatum.Dimension("InstanceId", "i-0123456789abcdef0"),
                        new MetricDatum.Dimension("Check", "web & api/v1 ~ü")), 1, MetricUnit.NONE, AT, 1),
                new MetricDatum("CheckLatency", List.of(new MetricDatum.Dimension("InstanceId", "i-0123456789abcdef0"),
                        new MetricDatum.Dimension("Check", "db")), 12.75, MetricUnit.MILLISECONDS, AT, 1),
                new MetricDatum("DroppedDatums", List.of(), 1e7, MetricUnit.COUNT, AT.plusSeconds(1), 60));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void bodyIsWhatTheSdkQueryMarshallerSends() {
        AtomicReference<String> sdkBody = new AtomicReference<>();
        ExecutionInterceptor capture = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                // The Query marshaller's form body travels with the final HTTP request.
                var provider = context.requestBody().map(b -> b.contentStreamProvider())
                        .or(() -> ((software.amazon.awssdk.http.SdkHttpFullRequest) context.httpRequest()).contentStreamProvider()).orElseThrow();
                try (var in = provider.newStream()) {
                    sdkBody.set(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw new IllegalStateException("captured"); // nothing is sent
            }
        };
        try (CloudWatchClient sdk = CloudWatchClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(capture)).build()) {
            List<software.amazon.awssdk.services.cloudwatch.model.MetricDatum> sdkData = batch().stream().map(d ->
                    software.amazon.awssdk.services.cloudwatch.model.MetricDatum.builder().metricName(d.metricName())
                            .dimensions(d.dimensions().stream().map(x -> Dimension.builder().name(x.name()).value(x.value()).build()).toList())
                            .value(d.value()).unit(StandardUnit.fromValue(d.unit().wireName())).timestamp(d.timestamp())
                            .storageResolution(d.storageResolution()).build()).toList();
            assertThatThrownBy(() -> sdk.putMetricData(r -> r.namespace("VpcRoute Failover/€").metricData(sdkData))).hasMessageContaining("captured");
        }
        String ours = new String(CloudWatchQueryClient.encode("VpcRoute Failover/€", batch()), StandardCharsets.UTF_8);
        Map<String, String> expected = form(sdkBody.get());
        assertThat(form(ours)).isEqualTo(expected);
        assertThat(expected).containsEntry("MetricData.member.1.Dimensions.member.2.Value", "web & api/v1 ~ü")
                .containsEntry("MetricData.member.3.StorageResolution", "60");
    }

    // ---- error handling against a scripted 127.0.0.1 server ----

    private record Reply(int status, String code) {
    }

    private static String error(String code) {
        return """
                <ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
                  <Error><Type>Sender</Type><Code>%s</Code><Message>details for %s &amp; more</Message></Error>
                  <RequestId>0d6e3e2a-1111-2222-3333-444455556666</RequestId>
                </ErrorResponse>""".formatted(code, code);
    }

    private URI serve(List<Reply> script) throws IOException {
        AtomicInteger n = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", (HttpExchange ex) -> {
            Map<String, String> seen = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(), v.get(0)));
            seen.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(seen);
            Reply r = script.get(Math.min(n.getAndIncrement(), script.size() - 1));
            byte[] body = (r.code() == null ? "<PutMetricDataResponse><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></PutMetricDataResponse>"
                    : error(r.code())).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/xml");
            ex.sendResponseHeaders(r.status(), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Credentials that count how often they were invalidated, and change key after each invalidation. */
    private static final class RotatingCredentials implements CredentialsProvider {
        final AtomicInteger invalidations = new AtomicInteger();

        @Override
        public AwsCredentials credentials() {
            return new AwsCredentials("AKID" + invalidations.get(), "secret", "token" + invalidations.get(), null);
        }

        @Override
        public void invalidate() {
            invalidations.incrementAndGet();
        }

        @Override
        public String source() {
            return "test";
        }
    }

    private CloudWatchQueryClient client(URI endpoint, CredentialsProvider credentials, Clock clock) {
        return new CloudWatchQueryClient(endpoint, "us-east-1", credentials, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10), clock);
    }

    @Test
    void successIsOneSignedRequest() throws Exception {
        CloudWatchQueryClient c = client(serve(List.of(new Reply(200, null))), new RotatingCredentials(), Clock.systemUTC());
        c.put("VpcRouteFailover", batch(), Duration.ofSeconds(5));
        assertThat(c.calls()).isEqualTo(1);
        assertThat(c.attempts()).isEqualTo(1);
        Map<String, String> r = requests.get(0);
        assertThat(r.get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKID0/").contains("/us-east-1/monitoring/aws4_request")
                .contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
        assertThat(r.get("x-amz-security-token")).isEqualTo("token0");
        assertThat(r.get("content-type")).isEqualTo("application/x-www-form-urlencoded; charset=utf-8");
        assertThat(form(r.get("body"))).containsEntry("Action", "PutMetricData").containsEntry("Version", "2010-08-01");
    }

    @Test
    void malformedRequestIsRejectedAtOnceAndNotRetried() throws Exception {
        CloudWatchQueryClient c = client(serve(List.of(new Reply(400, "InvalidParameterValue"))), new RotatingCredentials(), Clock.systemUTC());
        assertThatThrownBy(() -> c.put("VpcRouteFailover", batch(), Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.rejected()).isTrue();
                    assertThat(e.errorCode()).isEqualTo("InvalidParameterValue");
                    assertThat(e.getMessage()).contains("details for InvalidParameterValue & more");
                });
        assertThat(c.attempts()).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedThreeTimesThenLeftForTheNextCycle() throws Exception {
        CloudWatchQueryClient c = client(serve(List.of(new Reply(503, "ServiceUnavailable"))), new RotatingCredentials(), Clock.systemUTC());
        assertThatThrownBy(() -> c.put("VpcRouteFailover", batch(), Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.rejected()).isFalse();
                    assertThat(e.errorCode()).isEqualTo("ServiceUnavailable");
                });
        assertThat(c.attempts()).isEqualTo(CloudWatchQueryClient.MAX_ATTEMPTS);
    }

    @Test
    void throttlingIsRetried() throws Exception {
        CloudWatchQueryClient c = client(serve(List.of(new Reply(400, "Throttling"), new Reply(200, null))), new RotatingCredentials(),
                Clock.systemUTC());
        c.put("VpcRouteFailover", batch(), Duration.ofSeconds(30));
        assertThat(c.attempts()).isEqualTo(2);
    }

    @Test
    void expiredTokenFetchesFreshCredentialsOnce() throws Exception {
        RotatingCredentials creds = new RotatingCredentials();
        CloudWatchQueryClient c = client(serve(List.of(new Reply(403, "ExpiredToken"), new Reply(200, null))), creds, Clock.systemUTC());
        c.put("VpcRouteFailover", batch(), Duration.ofSeconds(30));
        assertThat(creds.invalidations).hasValue(1);
        assertThat(requests).extracting(r -> r.get("x-amz-security-token")).containsExactly("token0", "token1");
    }

    @Test
    void accessDeniedIsNotRetriedAndKeepsTheDatums() throws Exception {
        CloudWatchQueryClient c = client(serve(List.of(new Reply(403, "AccessDenied"))), new RotatingCredentials(), Clock.systemUTC());
        assertThatThrownBy(() -> c.put("VpcRouteFailover", batch(), Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.rejected()).as("a permissions fix makes the same datums publishable").isFalse();
                    assertThat(e.getMessage()).contains("HTTP 403 AccessDenied");
                });
        assertThat(c.attempts()).isEqualTo(1);
    }

    @Test
    void aSkewedLocalClockIsCorrectedFromTheServerDate() throws Exception {
        Instant local = Instant.parse("2026-11-21T12:00:00Z");
        String serverDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(local.plusSeconds(900), ZoneOffset.UTC));
        // com.sun.net.httpserver stamps its own Date header, so this server is a plain socket: one answer per connection.
        List<String> amzDates = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket c = socket.accept()) {
                        var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
                        int length = 0;
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            String lower = line.toLowerCase();
                            if (lower.startsWith("x-amz-date:")) {
                                amzDates.add(line.substring(11).trim());
                            } else if (lower.startsWith("content-length:")) {
                                length = Integer.parseInt(line.substring(15).trim());
                            }
                        }
                        in.skip(length); // ASCII form body: one char per byte
                        byte[] body = (i == 0 ? error("RequestExpired") : "<PutMetricDataResponse/>").getBytes(StandardCharsets.UTF_8);
                        c.getOutputStream().write(("HTTP/1.1 " + (i == 0 ? "400 Bad Request" : "200 OK") + "\r\nDate: " + serverDate
                                + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        c.getOutputStream().write(body);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.start();
            CloudWatchQueryClient c = client(URI.create("http://127.0.0.1:" + socket.getLocalPort()), new RotatingCredentials(), Clock.fixed(local, ZoneOffset.UTC));
            c.put("VpcRouteFailover", batch(), Duration.ofSeconds(30));
            t.join(10_000);
        }
        assertThat(amzDates).containsExactly("20261121T120000Z", "20261121T121500Z");
    }

    @Test
    void missingCredentialsFailTheCallWithTheFix() throws Exception {
        CredentialsProvider none = new CredentialsProvider() {
            @Override
            public AwsCredentials credentials() {
                throw new CredentialsException("No credentials. Fix: attach an instance profile.", null);
            }

            @Override
            public String source() {
                return "none";
            }
        };
        CloudWatchQueryClient c = client(serve(List.of(new Reply(200, null))), none, Clock.systemUTC());
        assertThatThrownBy(() -> c.put("VpcRouteFailover", batch(), Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.rejected()).isFalse()).hasMessageContaining("Fix:");
        assertThat(requests).isEmpty();
    }
}
