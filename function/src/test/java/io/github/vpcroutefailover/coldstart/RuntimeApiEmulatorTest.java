package io.github.vpcroutefailover.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The emulated Runtime API speaks the protocol a runtime interface client expects, and flags what it does not. */
class RuntimeApiEmulatorTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> send(RuntimeApiEmulator api, String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://" + api.address() + RuntimeApiEmulator.PREFIX + path))
                .timeout(Duration.ofSeconds(20));
        r = method.equals("GET") ? r.GET() : r.POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void nextWaitsForAQueuedEventAndCarriesTheInvocationHeaders() throws Exception {
        try (RuntimeApiEmulator api = new RuntimeApiEmulator("arn:aws:lambda:us-east-1:111111111111:function:f")) {
            CompletableFuture<HttpResponse<String>> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return send(api, "GET", "invocation/next", null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            RuntimeApiEmulator.Event polled = api.nextEvent(Duration.ofSeconds(10));
            assertThat(polled.kind()).isEqualTo("next");
            assertThat(next).isNotDone(); // long poll: nothing queued yet
            String id = api.enqueue("{\"a\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
            HttpResponse<String> r = next.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"a\":1}");
            assertThat(r.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue(id);
            assertThat(r.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue("arn:aws:lambda:us-east-1:111111111111:function:f");
            assertThat(Long.parseLong(r.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow()))
                    .isGreaterThan(System.currentTimeMillis());

            assertThat(send(api, "POST", "invocation/" + id + "/response", "{\"ok\":true}").statusCode()).isEqualTo(202);
            RuntimeApiEmulator.Event response = api.nextEvent(Duration.ofSeconds(10));
            assertThat(response.kind()).isEqualTo("response");
            assertThat(response.requestId()).isEqualTo(id);
            assertThat(response.text()).isEqualTo("{\"ok\":true}");
            assertThat(response.atNanos()).isGreaterThanOrEqualTo(polled.atNanos());
            assertThat(api.protocolErrors()).isEmpty();
        }
    }

    @Test
    void aSecondAnswerForTheSameRequestAndUnknownPathsAreProtocolErrors() throws Exception {
        try (RuntimeApiEmulator api = new RuntimeApiEmulator("arn")) {
            String id = api.enqueue(new byte[0], Duration.ofSeconds(30));
            assertThat(send(api, "GET", "invocation/next", null).statusCode()).isEqualTo(200);
            assertThat(send(api, "POST", "invocation/" + id + "/error", "{\"errorMessage\":\"boom\"}").statusCode()).isEqualTo(202);
            assertThat(send(api, "POST", "invocation/" + id + "/response", "{}").statusCode()).isEqualTo(400);
            assertThat(send(api, "POST", "invocation/not-an-id/response", "{}").statusCode()).isEqualTo(400);
            assertThat(send(api, "GET", "invocation/" + id + "/response", null).statusCode()).isEqualTo(404);
            assertThat(api.protocolErrors()).hasSize(3);
            api.nextEvent(Duration.ofSeconds(5));
            assertThat(api.nextEvent(Duration.ofSeconds(5)).kind()).isEqualTo("error");
        }
    }

    @Test
    void initAndRestoreEndpointsAreRecorded() throws Exception {
        try (RuntimeApiEmulator api = new RuntimeApiEmulator("arn")) {
            assertThat(send(api, "GET", "restore/next", null).statusCode()).isEqualTo(200);
            assertThat(send(api, "POST", "init/error", "{\"errorType\":\"Runtime.X\"}").statusCode()).isEqualTo(202);
            assertThat(api.nextEvent(Duration.ofSeconds(5)).kind()).isEqualTo("restore-next");
            RuntimeApiEmulator.Event e = api.nextEvent(Duration.ofSeconds(5));
            assertThat(e.kind()).isEqualTo("init-error");
            assertThat(e.text()).contains("Runtime.X");
            assertThat(api.protocolErrors()).isEmpty();
        }
    }
}
