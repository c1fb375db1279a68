package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.app.WorldMismatchException;
import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * SnapStart priming that never reaches AWS: one scheduled event through the real handler, controller, reconciler and
 * adapters, on the clients the real path uses (the light EC2, DynamoDB and CloudWatch clients, SDK clients for the
 * others) whose HTTP client answers every call itself with an empty, well-formed
 * response ({@link CannedHttpClient}). Request marshalling, signing, endpoint rules, retries, response parsing, the
 * planner and the JSON answer all run once before the snapshot, so a restored environment does not load them during
 * its first real invocation.
 *
 * <p>Nothing leaves the process: no connection is opened (the snapshot must carry none), the credentials are dummies
 * (none end up in the snapshot), the reconcile listener and the notifier are silent (no EMF metric line is printed
 * during publish, no event is sent), and the empty world it sees plans nothing.
 */
final class Priming {
    private static final byte[] SCHEDULED = """
            {"version":"0","id":"priming","detail-type":"Scheduled Event","source":"aws.events","account":"000000000000",
             "time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{}}""".getBytes(StandardCharsets.UTF_8);

    private Priming() {
    }

    /**
     * Runs one scheduled event on canned clients; returns the handler's answer, which for the empty canned world is the
     * refusal of a VPC without route tables ({@code ok:false}, field {@code vpc}).
     */
    static com.fasterxml.jackson.databind.JsonNode scheduledReconcile(Components.Settings settings, Supplier<FailoverConfig> config,
                                                                       Clock clock) {
        // EC2, DynamoDB and CloudWatch are the light clients, as on the real path (Components.Clients.fromEnvironment).
        Region region = region();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));
        URI nowhere = URI.create("https://priming.invalid");
        Components.Clients canned = new Components.Clients(
                LightClients.ec2(region, credentials, nowhere, List.of(), CannedHttpClient.xml("http://ec2.amazonaws.com/doc/2016-11-15/", false)),
                LightClients.dynamoDb(region, credentials, nowhere, List.of(), CannedHttpClient.json()),
                LightClients.cloudWatch(region, credentials, nowhere, List.of(),
                        CannedHttpClient.xml("http://monitoring.amazonaws.com/doc/2010-08-01/", true)),
                canned(EventBridgeClient.builder(), CannedHttpClient.json()).build(),
                canned(AutoScalingClient.builder(), CannedHttpClient.xml("http://autoscaling.amazonaws.com/doc/2011-01-01/", true)).build());
        Components components = new Components(canned, settings, config, clock, ReconcileListener.none());
        try {
            return new ControllerHandler(components, clock).handle(SCHEDULED, null);
        } catch (WorldMismatchException e) {
            // The canned EC2 answers hold no route table, so the run stops where a real one stops for a VPC that is
            // not there: after every observe call, which is what priming is for (the planner is primed on its own).
            return ControllerHandler.error(e.field(), e.getMessage());
        }
    }

    private static <B extends AwsClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C> B canned(
            B builder, SdkHttpClient http) {
        return builder.httpClient(http).region(region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")));
    }

    private static Region region() {
        String region = System.getenv("AWS_REGION");
        return Region.of(region == null || region.isBlank() ? "us-east-1" : region);
    }

    /** An HTTP client that answers every request with HTTP 200 and a body made from the request, without any I/O. */
    static final class CannedHttpClient implements SdkHttpClient {
        private final Function<String, String> body;
        private final String contentType;

        private CannedHttpClient(Function<String, String> body, String contentType) {
            this.body = body;
            this.contentType = contentType;
        }

        /** AWS JSON protocols (DynamoDB, EventBridge): an empty object is a valid, empty answer to every call we make. */
        static CannedHttpClient json() {
            return json("{}");
        }

        /** AWS JSON protocols: the same answer to every call ({@link ReaderPriming}). */
        static CannedHttpClient json(String answer) {
            return new CannedHttpClient(request -> answer, "application/x-amz-json-1.0");
        }

        /** Query protocols: the answer to each call is {@code answerOf} its {@code Action} ({@link ReaderPriming}). */
        static CannedHttpClient query(Function<String, String> answerOf) {
            return new CannedHttpClient(request -> answerOf.apply(action(request)), "text/xml");
        }

        /** Query protocols: {@code <ActionResponse>} (EC2) or {@code <ActionResponse><ActionResult/>} (CloudWatch, Auto Scaling). */
        static CannedHttpClient xml(String namespace, boolean resultWrapper) {
            return new CannedHttpClient(request -> {
                String action = action(request);
                return "<" + action + "Response xmlns=\"" + namespace + "\">" + (resultWrapper ? "<" + action + "Result/>" : "")
                        + "<requestId>priming</requestId></" + action + "Response>";
            }, "text/xml");
        }

        /** The {@code Action} parameter of a form-encoded Query request body. */
        static String action(String formBody) {
            for (String pair : formBody.split("&")) {
                if (pair.startsWith("Action=")) {
                    String a = URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
                    if (a.matches("[A-Za-z0-9]{1,100}")) {
                        return a;
                    }
                }
            }
            throw new IllegalArgumentException("not a Query request: no Action parameter");
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            String requestBody = request.contentStreamProvider().map(p -> {
                try (InputStream in = p.newStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).orElse("");
            byte[] answer = body.apply(requestBody).getBytes(StandardCharsets.UTF_8);
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200).putHeader("Content-Type", contentType)
                                    .putHeader("Content-Length", Integer.toString(answer.length))
                                    .putHeader("x-amzn-RequestId", "priming").build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer))).build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
