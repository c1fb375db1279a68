package io.github.vpcroutefailover.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The code-configured logging writes what logback.xml wrote: one JSON object per line, key-values at top level. */
class JsonLogConfiguratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneJsonObjectPerLineWithKeyValuesAsTopLevelFields() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // what the SLF4J provider gives the real one
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            JsonLogConfigurator configurator = new JsonLogConfigurator();
            configurator.setContext(context);
            assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            context.getLogger("io.github.vpcroutefailover.x").atInfo().addKeyValue("event", "reconcile").addKeyValue("actions", 2)
                    .addKeyValue("at", Instant.parse("2026-11-28T10:15:30.123Z")).addKeyValue("after", Duration.ofMillis(1500))
                    .addKeyValue("zone", ZoneOffset.UTC).addKeyValue("day", LocalDate.of(2026, 11, 28))
                    .log("line \"one\"\nwith a newline");
            context.getLogger("software.amazon.awssdk.request").info("SDK chatter below WARN is dropped");
            context.getLogger("software.amazon.awssdk.request").warn("SDK warning kept");
        } finally {
            context.stop();
            System.setOut(original);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).as(context.getStatusManager().getCopyOfStatusList().toString()).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.path("message").asText()).isEqualTo("line \"one\"\nwith a newline");
        assertThat(first.path("event").asText()).isEqualTo("reconcile");
        assertThat(first.path("actions").asInt()).isEqualTo(2);
        // java.time values are their ISO-8601 text: readable, and never a line lost to a type the encoder cannot write.
        assertThat(first.path("at").asText()).isEqualTo("2026-11-28T10:15:30.123Z");
        assertThat(first.path("after").asText()).isEqualTo("PT1.5S");
        assertThat(first.path("zone").asText()).isEqualTo("Z");
        assertThat(first.path("day").asText()).isEqualTo("2026-11-28");
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("logger_name").asText()).isEqualTo("io.github.vpcroutefailover.x");
        assertThat(first.has("time")).isTrue();
        assertThat(first.has("@timestamp") || first.has("@version") || first.has("level_value")).as(first.toString()).isFalse();
        assertThat(JSON.readTree(lines.get(1)).path("level").asText()).isEqualTo("WARN");
    }

    @Test
    void theLevelComesFromTheEnvironmentAndFallsBackToInfo() {
        assertThat(JsonLogConfigurator.level("debug")).isEqualTo(Level.DEBUG);
        assertThat(JsonLogConfigurator.level(" WARN ")).isEqualTo(Level.WARN);
        assertThat(JsonLogConfigurator.level("OFF")).isEqualTo(Level.OFF);
        assertThat(JsonLogConfigurator.level("loud")).isEqualTo(Level.INFO);
        assertThat(JsonLogConfigurator.level("")).isEqualTo(Level.INFO);
        assertThat(JsonLogConfigurator.level(null)).isEqualTo(Level.INFO);
    }
}
