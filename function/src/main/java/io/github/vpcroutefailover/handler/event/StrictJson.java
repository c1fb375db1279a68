package io.github.vpcroutefailover.handler.event;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.json.JsonTrees;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The one JSON reader for everything the controller is handed: manual invokes, EventBridge events and the route
 * objects of {@code register}. Anything a lenient parser would resolve silently is refused with the field at fault:
 * a duplicated key (Jackson keeps the last one, so {@code "dryRun":true,"dryRun":false} would be a real drain),
 * content after the first value ({@code {"action":"status"} {"action":"drain"}}), a root that is not an object,
 * and anything past the bounds below (depth, key, string, number and document size), which Jackson checks while it
 * streams, so a hostile payload costs bounded time and memory before it is refused.
 *
 * <p>Bounds, chosen far above any legitimate input and far below anything that hurts: an EventBridge event is at most
 * 256 KB and the deepest one we handle (alarm state change) nests 7 levels; a manual invoke is a few hundred bytes.
 */
public final class StrictJson {
    /** EventBridge's own limit for an event; a manual invoke is far smaller. */
    public static final int MAX_DOCUMENT_BYTES = 256 * 1024;
    public static final int MAX_DEPTH = 32;
    /** Keys are field names, tag keys (128 in EC2) and metric dimension names (255 in CloudWatch). */
    public static final int MAX_KEY_CHARS = 256;
    /** Longest string value of any kind; each field has its own, smaller limit in {@link InputPolicy}. */
    public static final int MAX_STRING_CHARS = 64 * 1024;
    public static final int MAX_NUMBER_CHARS = 64;
    public static final long MAX_TOKENS = 100_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_DOCUMENT_BYTES)
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNameLength(MAX_KEY_CHARS)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxTokenCount(MAX_TOKENS)
                    .build())
            // Jackson quotes offending tokens in its messages; keep those quotes short (we bound them again anyway).
            .errorReportConfiguration(ErrorReportConfiguration.builder().maxErrorTokenLength(InputPolicy.ECHO_CHARS)
                    .maxRawContentLength(InputPolicy.ECHO_CHARS).build())
            .build();

    private StrictJson() {
    }

    /**
     * Reads one JSON object and nothing else.
     *
     * @throws BadRequestException naming the field at fault ({@code $} for the document as a whole)
     */
    public static ObjectNode readObject(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new BadRequestException("$", "empty input; expected a JSON object like {\"action\": \"status\"} or an EventBridge event");
        }
        JsonNode root;
        JsonParser p = null;
        try {
            // A stream, not the array: Jackson checks the document length as it loads chunks, so an oversized string
            // is refused at its own limit, naming its field, and an oversized document at 256 KB, naming $.
            // Read as a tree through the streaming parser, not a mapper: BENCHMARKS.md "Cold controller", eighth look.
            p = FACTORY.createParser(new java.io.ByteArrayInputStream(payload));
            root = p.nextToken() == null ? null : JsonTrees.read(p);
            if (root != null) {
                // What a mapper does after the value: clear its last token, then refuse any further one.
                p.clearCurrentToken();
                if (p.nextToken() != null) {
                    throw new BadRequestException("$", "content after the JSON object"
                            + (p.currentTokenLocation().getByteOffset() < 0 ? "" : " at byte " + p.currentTokenLocation().getByteOffset())
                            + "; send exactly one object");
                }
            }
        } catch (StreamConstraintsException e) {
            // Size and token count are properties of the whole document; depth and lengths of where the parser stood.
            String m = String.valueOf(e.getOriginalMessage());
            if (m.startsWith("Document length") || m.startsWith("Token count")) {
                throw new BadRequestException("$", "the input is larger than " + MAX_DOCUMENT_BYTES / 1024 + " KB or " + MAX_TOKENS
                        + " tokens; EventBridge events are at most 256 KB and manual invokes far less");
            }
            throw new BadRequestException(path(p), constraint(m));
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            if (m != null && m.startsWith("Duplicate field")) {
                throw new BadRequestException(path(p), "given more than once; each key may appear only once (a lenient parser would "
                        + "silently keep the last one)");
            }
            if (afterFirstValue(p)) {
                throw new BadRequestException("$", "content after the JSON object (" + bounded(m) + "); send exactly one object");
            }
            throw new BadRequestException(path(p), "not valid JSON: " + bounded(m));
        } catch (IOException e) {
            throw new BadRequestException("$", "unreadable input: " + bounded(e.getMessage()));
        } finally {
            close(p);
        }
        if (root == null || root.isMissingNode()) {
            throw new BadRequestException("$", "empty input; expected a JSON object like {\"action\": \"status\"} or an EventBridge event");
        }
        if (!root.isObject()) {
            throw new BadRequestException("$", "expected a JSON object, got " + kind(root) + "; e.g. {\"action\": \"status\"}");
        }
        requireNumbersInRange(root, "");
        return (ObjectNode) root;
    }

    /**
     * Integers beyond a long and non-finite numbers are refused here, once: the tree would keep them as big numbers,
     * and {@code asLong()}/{@code asInt()} would silently wrap 18446744073709551619 to 3.
     */
    private static void requireNumbersInRange(JsonNode n, String path) {
        if (n.isContainerNode()) {
            if (n.isObject()) {
                for (var it = n.fields(); it.hasNext(); ) {
                    var e = it.next();
                    requireNumbersInRange(e.getValue(), path.isEmpty() ? InputPolicy.key(e.getKey()) : path + "." + InputPolicy.key(e.getKey()));
                }
            } else {
                for (int i = 0; i < n.size(); i++) {
                    requireNumbersInRange(n.get(i), (path.isEmpty() ? "$" : path) + "[" + i + "]");
                }
            }
        } else if (n.isNumber()) {
            boolean ok = n.isIntegralNumber() ? n.canConvertToLong() : Double.isFinite(n.asDouble());
            if (!ok) {
                throw new BadRequestException(path.isEmpty() ? "$" : path, InputPolicy.escape(n.asText(), InputPolicy.ECHO_CHARS)
                        + " is out of range; numbers must fit in 64 bits");
            }
        }
    }

    /** {@link #readObject(byte[])} for text, e.g. a route object stored as JSON. */
    public static ObjectNode readObject(String text) {
        return readObject(text == null ? null : text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Jackson's limit messages name its own classes; say what the caller exceeded instead. */
    private static String constraint(String jackson) {
        if (jackson.startsWith("String value length")) {
            return "a string longer than " + MAX_STRING_CHARS + " characters; no field accepts anything near that (reason: "
                    + InputPolicy.MAX_REASON_CHARS + ", requestedBy: " + InputPolicy.MAX_REQUESTED_BY_CHARS + ")";
        }
        if (jackson.startsWith("Document nesting depth")) {
            return "nested deeper than " + MAX_DEPTH + " levels";
        }
        if (jackson.startsWith("Number value length")) {
            return "a number longer than " + MAX_NUMBER_CHARS + " characters";
        }
        if (jackson.startsWith("Name length")) {
            return "a key longer than " + MAX_KEY_CHARS + " characters";
        }
        return bounded(jackson);
    }

    /** True when the parser failed on what follows a complete root value (garbage rather than a second value). */
    private static boolean afterFirstValue(JsonParser p) {
        // The root value's last token is cleared before the next is read (readObject), and the failed token is never set.
        return p != null && p.currentToken() == null && p.getLastClearedToken() != null && p.getParsingContext() != null
                && p.getParsingContext().inRoot();
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * Where the parser stood when it gave up, in the notation our errors use ({@code detail.instance-id},
     * {@code routeTableIds[2]}, {@code $} for the root), each key escaped and bounded.
     */
    static String path(JsonParser p) {
        if (p == null) {
            return "$";
        }
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                if (c.getCurrentIndex() >= 0) {
                    parts.push("[" + c.getCurrentIndex() + "]");
                }
            } else if (c.getCurrentName() != null) {
                parts.push("." + InputPolicy.key(c.getCurrentName()));
            }
        }
        if (parts.isEmpty()) {
            return "$";
        }
        String s = String.join("", parts);
        return s.startsWith(".") ? s.substring(1) : "$" + s;
    }

    private static String bounded(String s) {
        return InputPolicy.escape(s == null ? "" : s, InputPolicy.MAX_ERROR_CHARS / 2);
    }

    private static void close(JsonParser p) {
        if (p != null) {
            try {
                p.close();
            } catch (IOException ignored) {
                // a byte array: nothing to release
            }
        }
    }
}
