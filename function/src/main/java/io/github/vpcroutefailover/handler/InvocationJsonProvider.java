package io.github.vpcroutefailover.handler;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * Adds {@code requestId} (the Lambda request id) and {@code coldStart} (true/false) to every function log line
 * while an invocation runs (added to the encoder by logging.JsonLogConfigurator); lines logged during init or SnapStart priming have neither.
 */
public final class InvocationJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
        String requestId = Invocation.requestId();
        if (requestId != null) {
            generator.writeStringField("requestId", requestId);
            generator.writeBooleanField("coldStart", Invocation.coldStart());
        }
    }
}
