package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every function log line of an invocation carries requestId and coldStart, through the real encoder (logging.JsonLogConfigurator). */
class InvocationLoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Context context(String requestId) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getAwsRequestId") ? requestId : null);
    }

    /** Encodes a line with the JSON appender's encoder exactly as JsonLogConfigurator configures it. */
    private static JsonNode logLine(String message) throws Exception {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<?> appender = (OutputStreamAppender<?>) root.getAppender("JSON");
        @SuppressWarnings("unchecked")
        var encoder = (ch.qos.logback.core.encoder.Encoder<ch.qos.logback.classic.spi.ILoggingEvent>) appender.getEncoder();
        LoggingEvent event = new LoggingEvent(InvocationLoggingTest.class.getName(), root, Level.INFO, message, null, null);
        return JSON.readTree(encoder.encode(event));
    }

    @AfterEach
    void clear() {
        Invocation.reset();
    }

    @Test
    void requestIdAndColdStartOnEveryLineOfAnInvocation() throws Exception {
        Invocation.reset();
        assertThat(logLine("init").has("requestId")).as("no invocation yet").isFalse();

        Invocation.begin(context("req-1"));
        JsonNode first = logLine("first");
        assertThat(first.get("requestId").asText()).isEqualTo("req-1");
        assertThat(first.get("coldStart").isBoolean()).isTrue();
        assertThat(first.get("coldStart").asBoolean()).isTrue();
        assertThat(first.get("message").asText()).isEqualTo("first");
        assertThat(first.has("time")).isTrue();
        Invocation.end();

        Invocation.begin(context("req-2"));
        AtomicReference<JsonNode> fromWorker = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                fromWorker.set(logLine("worker"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        worker.start();
        worker.join();
        assertThat(fromWorker.get().get("requestId").asText()).as("worker threads log the request id too").isEqualTo("req-2");
        assertThat(fromWorker.get().get("coldStart").asBoolean()).isFalse();
        Invocation.end();

        assertThat(logLine("after").has("requestId")).isFalse();
    }
}
