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
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.github.vpcroutefailover.handler.InvocationJsonProvider;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import net.logstash.logback.decorate.JsonFactoryDecorator;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/**
 * Logging set up in code, found by logback through {@code META-INF/services}: one JSON object per line on stdout
 * (CloudWatch Logs in Lambda), SLF4J key-value pairs as top-level fields, {@code software.amazon.awssdk} at WARN, our
 * packages at {@code VRF_LOG_LEVEL} (default INFO).
 *
 * <p>Why not logback.xml: reading it costs a cold JVM an XML parser and logback's Joran configuration framework,
 * about 270 classes and a few hundred milliseconds of CPU before the first line is logged (BENCHMARKS.md "Cold
 * controller"). The output is the same as the XML's was: same encoder, same field names, plus the invocation fields.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class JsonLogConfigurator extends ContextAwareBase implements Configurator {
    static final String LEVEL_ENV = "VRF_LOG_LEVEL";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        context.getStatusManager().add(new NopStatusListener());

        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setIncludeCallerData(false);
        LogstashFieldNames names = encoder.getFieldNames();
        names.setTimestamp("time");
        names.setVersion("[ignore]");
        names.setLevelValue("[ignore]");
        // requestId and coldStart on every line of an invocation (handler.Invocation).
        encoder.addProvider(new InvocationJsonProvider());
        // Not Jackson's JavaTimeModule (found on the class path by default): its ~75 classes cost a cold start ~40 ms
        // (BENCHMARKS.md "Cold controller"), and it wrote an Instant as epoch seconds. java.time values are written as
        // their ISO-8601 text instead, so no such value can make the encoder drop a line.
        encoder.setFindAndRegisterJacksonModules(false);
        encoder.setJsonFactoryDecorator(new JsonFactoryDecorator() {
            @Override
            public JsonFactory decorate(JsonFactory factory) {
                ((ObjectMapper) factory.getCodec()).registerModule(new SimpleModule("java-time-as-text")
                        .addSerializer(TemporalAccessor.class, ToStringSerializer.instance)
                        .addSerializer(TemporalAmount.class, ToStringSerializer.instance)
                        .addSerializer(ZoneId.class, ToStringSerializer.instance));
                return factory;
            }
        });
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
