package io.github.vpcroutefailover.importer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.List;

/** Strict reading (duplicate keys and trailing documents refused, sizes bounded) and plain writing of YAML/JSON. */
final class Yaml {
    /** Larger than any real route spec; a bound so a hostile file cannot make us build a huge tree. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private static final ObjectMapper READ_YAML = strict(new ObjectMapper(YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1_000_000).build()).build()));
    private static final ObjectMapper READ_JSON = strict(new ObjectMapper(new com.fasterxml.jackson.core.JsonFactoryBuilder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1_000_000).build()).build()));
    private static final ObjectMapper WRITE = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR).build());

    private Yaml() {
    }

    private static ObjectMapper strict(ObjectMapper m) {
        return m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    static JsonNode readYaml(String text, String source) {
        return read(READ_YAML, text, source, "YAML");
    }

    static JsonNode readJson(String text, String source) {
        return read(READ_JSON, text, source, "JSON");
    }

    private static JsonNode read(ObjectMapper m, String text, String source, String what) {
        if (text.length() > MAX_BYTES) {
            throw new ImportException(source + ": larger than " + MAX_BYTES / (1024 * 1024) + " MiB; this is not a route config");
        }
        try {
            JsonNode n = m.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new ImportException(source + ": empty; expected a " + what + " document");
            }
            return n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new ImportException(source + ": not valid " + what + where + ": " + e.getOriginalMessage());
        }
    }

    static String write(Object tree, List<String> headerComments) {
        StringBuilder b = new StringBuilder();
        headerComments.forEach(c -> b.append(c.isEmpty() ? "#" : "# " + c.replaceAll("[\\r\\n]", " ")).append('\n'));
        try {
            b.append(WRITE.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return b.toString();
    }
}
