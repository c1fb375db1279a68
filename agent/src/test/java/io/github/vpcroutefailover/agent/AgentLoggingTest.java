package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/** The journal gets one JSON object per line with the key-value pairs; logback finds the setup without any XML. */
class AgentLoggingTest {

    @Test
    void logbackDiscoversTheConfiguratorThroughServiceLoader() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type)).contains(AgentLogging.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachEventIsOneJsonLineWithItsKeyValuePairs() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // what logback's service provider does
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            AgentLogging logging = new AgentLogging();
            logging.setContext(context);
            logging.configure(context);
            context.getLogger("io.github.vpcroutefailover.agent.HealthAgent").atWarn().addKeyValue("reason", "kernel \"upgrade\"")
                    .addKeyValue("cycles", 3).log("instance is draining");
            context.getLogger("io.github.vpcroutefailover.agent.HealthAgent").error("placeholders filled: {} of {}", 2, "checks");
            context.getLogger("io.github.vpcroutefailover.agent.HealthAgent").debug("not at the default level");
            context.getLogger("org.example.Library").info("libraries log warnings and errors only");
        } finally {
            System.setOut(original);
            context.stop();
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        Map<String, Object> event = (Map<String, Object>) new Load(LoadSettings.builder().setSchema(new JsonSchema()).build()).loadFromString(lines.get(0));
        Map<String, Object> formatted = (Map<String, Object>) new Load(LoadSettings.builder().setSchema(new JsonSchema()).build()).loadFromString(lines.get(1));
        assertThat(formatted.get("message")).isEqualTo("placeholders filled: 2 of checks");
        assertThat(event.get("level")).isEqualTo("WARN");
        assertThat(event.get("message")).isEqualTo("instance is draining");
        assertThat(event.get("logger_name")).isEqualTo("io.github.vpcroutefailover.agent.HealthAgent");
        assertThat(event.get("thread_name")).isEqualTo(Thread.currentThread().getName());
        // Flat key-value pairs, as in the function's lines; numbers stay numbers.
        assertThat(event.get("reason")).isEqualTo("kernel \"upgrade\"");
        assertThat(event.get("cycles")).isEqualTo(3);
        assertThat(java.time.Instant.parse((String) event.get("time"))).isNotNull();
        assertThat(event).doesNotContainKeys("kvpList", "mdc", "context", "sequenceNumber", "loggerName", "timestamp");
    }

    @Test
    @SuppressWarnings("unchecked")
    void hostileValuesStayOneLineOfValidJsonWithoutDuplicateKeys() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            AgentLogging logging = new AgentLogging();
            logging.setContext(context);
            logging.configure(context);
            context.getLogger("io.github.vpcroutefailover.agent.X").atWarn().addKeyValue("message", "shadow")
                    .addKeyValue("detail", "line1\nline2\u0000\"\\").addKeyValue("ratio", Double.NaN)
                    .setCause(new IllegalStateException("boom")).log("failed");
        } finally {
            System.setOut(original);
            context.stop();
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        LoadSettings strict = LoadSettings.builder().setSchema(new JsonSchema()).setAllowDuplicateKeys(false).build();
        Map<String, Object> event = (Map<String, Object>) new Load(strict).loadFromString(lines.get(0));
        assertThat(event.get("message")).isEqualTo("failed");
        assertThat(event.get("kv_message")).isEqualTo("shadow");
        assertThat(event.get("detail")).isEqualTo("line1\nline2\u0000\"\\");
        assertThat(event.get("ratio")).isEqualTo("NaN");
        assertThat((String) event.get("stack_trace")).contains("IllegalStateException: boom");
    }

    @Test
    void levelVariableIsHonouredAndBadValuesFallBackToInfo() {
        assertThat(AgentLogging.level(null)).isEqualTo(Level.INFO);
        assertThat(AgentLogging.level("debug")).isEqualTo(Level.DEBUG);
        assertThat(AgentLogging.level("loud")).isEqualTo(Level.INFO);
    }
}
