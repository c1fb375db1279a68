package io.github.vpcroutefailover.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import io.github.vpcroutefailover.handler.Invocation;

/**
 * Logging set up in code, found by logback through {@code META-INF/services}: one JSON object per line on stdout
 * (CloudWatch Logs in Lambda), SLF4J key-value pairs as top-level fields, {@code software.amazon.awssdk} at WARN, our
 * packages at {@code VRF_LOG_LEVEL} (default INFO).
 *
 * <p>Why not logback.xml: reading it costs a cold JVM an XML parser and logback's Joran configuration framework,
 * about 270 classes and a few hundred milliseconds of CPU before the first line is logged (BENCHMARKS.md "Cold
 * controller"). The lines are those logstash-logback-encoder wrote, plus the invocation fields ({@link JsonLineEncoder}).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class JsonLogConfigurator extends ContextAwareBase implements Configurator {
    static final String LEVEL_ENV = "VRF_LOG_LEVEL";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        context.getStatusManager().add(new NopStatusListener());

        // requestId and coldStart on every line of an invocation (handler.Invocation); none during init or priming.
        JsonLineEncoder encoder = new JsonLineEncoder((generator, event) -> {
            String requestId = Invocation.requestId();
            if (requestId != null) {
                generator.writeStringField("requestId", requestId);
                generator.writeBooleanField("coldStart", Invocation.coldStart());
            }
        });
        encoder.setContext(context);
        encoder.start();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("JSON");
        console.setEncoder(encoder);
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.getLogger("software.amazon.awssdk").setLevel(Level.WARN);
        context.getLogger("io.github.vpcroutefailover").setLevel(level(System.getenv(LEVEL_ENV)));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code VRF_LOG_LEVEL}: TRACE, DEBUG, INFO, WARN, ERROR or OFF, any case; unset, blank or unknown: INFO. */
    static Level level(String value) {
        return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.trim(), Level.INFO);
    }
}
