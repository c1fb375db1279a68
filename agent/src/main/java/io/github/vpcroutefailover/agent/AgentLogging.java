package io.github.vpcroutefailover.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging set up in code, found by logback through {@code META-INF/services}: one JSON object per line on
 * stdout (systemd's journal keeps it), flat, with the same field names as the function's lines ({@link AgentJsonEncoder}). Configuring in code
 * rather than with logback.xml spares the agent logback's XML configurator and the JDK's XML parser, about
 * 500 classes, which is memory on every target instance. {@code VRF_AGENT_LOG_LEVEL} sets the agent's level.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class AgentLogging extends ContextAwareBase implements Configurator {
    static final String LEVEL_VARIABLE = "VRF_AGENT_LOG_LEVEL";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        // Agent messages are constant text with the values in key-value pairs, so the raw message is the whole message.
        AgentJsonEncoder encoder = new AgentJsonEncoder();
        encoder.setContext(context);
        encoder.start();

        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("json");
        stdout.setEncoder(encoder);
        stdout.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stdout);
        context.getLogger("io.github.vpcroutefailover.agent").setLevel(level(System.getenv(LEVEL_VARIABLE)));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static Level level(String configured) {
        return configured == null || configured.isBlank() ? Level.INFO : Level.toLevel(configured.trim(), Level.INFO);
    }
}
