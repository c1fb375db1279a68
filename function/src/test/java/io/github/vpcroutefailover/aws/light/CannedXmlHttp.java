package io.github.vpcroutefailover.aws.light;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client for the XML-reading tests: each request's form body is recorded and answered with the XML the test
 * gives for it, so a light client and a client that reads the SDK's models can be given the same bytes. Throwing
 * {@link Refused} from the answer function answers with that status and error body instead.
 */
public final class CannedXmlHttp {
    private CannedXmlHttp() {
    }

    /** An error answer: thrown by a test's answer function. */
    public static final class Refused extends RuntimeException {
        final int status;
        final String body;

        public Refused(int status, String body) {
            super("HTTP " + status, null, false, false);
            this.status = status;
            this.body = body;
        }

        /** EC2's 403 for a call the role may not make. */
        public static Refused ec2Unauthorized() {
            return new Refused(403, "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors>"
                    + "<RequestID>r</RequestID></Response>");
        }
    }

    /** @param answerOf the answer to a request's form body; @param requests each request's form body, in order */
    public static SdkHttpClient http(Function<String, String> answerOf, List<String> requests) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                String form = request.contentStreamProvider().map(p -> {
                    try (InputStream in = p.newStream()) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).orElse("");
                requests.add(form);
                int status;
                String body;
                try {
                    body = answerOf.apply(form);
                    status = 200;
                } catch (Refused e) {
                    status = e.status;
                    body = e.body;
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                int code = status;
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() {
                        return HttpExecuteResponse.builder().response(SdkHttpResponse.builder().statusCode(code)
                                        .putHeader("Content-Type", "text/xml").putHeader("Content-Length", Integer.toString(bytes.length)).build())
                                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes))).build();
                    }

                    @Override
                    public void abort() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * The same client, seen by the adapters as any {@link Ec2Api} but the light one: they read its answers through the
     * SDK's models instead of the XML tree, so a test can read the same bytes both ways.
     */
    public static Ec2Api viaModels(Ec2Api light) {
        return (Ec2Api) java.lang.reflect.Proxy.newProxyInstance(Ec2Api.class.getClassLoader(), new Class<?>[] {Ec2Api.class}, (proxy, method, args) -> {
            try {
                return method.invoke(light, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** A class-path resource as text (the priming fixtures are AWS-shaped answers). */
    public static String resource(String path) {
        try (InputStream in = CannedXmlHttp.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no class-path resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
