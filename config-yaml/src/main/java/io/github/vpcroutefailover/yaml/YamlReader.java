package io.github.vpcroutefailover.yaml;

import io.github.vpcroutefailover.yaml.YamlException.Kind;
import io.github.vpcroutefailover.yaml.YamlNode.Position;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads one YAML 1.2 document (core schema: {@code yes}/{@code on} stay text, {@code 017} is seventeen, {@code ~} is
 * null) into {@link YamlNode}s with positions, within fixed bounds, and never recursively: the size is checked before
 * parsing, the nesting depth and the alias-expanded size while the parser streams its events, so a hostile file
 * (20,000 nested brackets, 40 MB, a billion laughs) is refused quickly, with little memory, and without
 * {@link StackOverflowError}.
 *
 * <p>snakeyaml-engine's event parser is used, not its composer: the composer recurses once per nesting level and
 * has no depth bound, and it would refuse duplicate keys without saying where the first one was.
 */
public final class YamlReader {

    /** Largest config accepted: 1 MiB (bytes of a file; characters of text given directly). Real configs are a few KB. */
    public static final int MAX_BYTES = 1 << 20;
    /** Deepest nesting of lists and mappings accepted; the config's own schema needs 6. */
    public static final int MAX_DEPTH = 64;
    /** Most values (scalars, lists, mappings) a document may hold once every alias is expanded. */
    public static final int MAX_VALUES = 100_000;

    private static final CoreSchema SCHEMA = new CoreSchema();
    private static final ScalarResolver RESOLVER = SCHEMA.getScalarResolver();
    private static final Map<Tag, ConstructNode> CONSTRUCTORS = SCHEMA.getSchemaTagConstructors();
    /** The core schema's scalars; anything else (!!binary, !!timestamp, local tags) has no meaning in a config. */
    private static final Set<Tag> CORE_TAGS = Set.of(Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL);
    private static final LoadSettings SETTINGS = LoadSettings.builder()
            .setSchema(SCHEMA)
            .setCodePointLimit(MAX_BYTES)
            .setUseMarks(true)
            .build();

    private YamlReader() {
    }

    /**
     * @param root          the document's root, or null when there is no document (empty, or only comments)
     * @param extraDocument where a second document starts ({@code ---}), or null when there is one; its content is
     *                      not read
     */
    public record Document(YamlNode root, Position extraDocument) {
    }

    /** Reads a file: refused above {@link #MAX_BYTES} before a byte is read, and unless it is UTF-8. */
    public static Document readFile(Path file) throws YamlException {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw tooLarge(size, "bytes");
            }
            return read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new YamlException(Kind.IO, null, "cannot read the file: " + e, null, null, e);
        }
    }

    /** Reads UTF-8 bytes (a leading byte-order mark is allowed). */
    public static Document read(byte[] utf8) throws YamlException {
        if (utf8.length > MAX_BYTES) {
            throw tooLarge(utf8.length, "bytes");
        }
        return read(decode(utf8));
    }

    /** Reads text; refused above {@link #MAX_BYTES} characters. */
    public static Document read(String text) throws YamlException {
        if (text.length() > MAX_BYTES) {
            throw tooLarge(text.length(), "characters");
        }
        try {
            return new Builder().build(new Parse(SETTINGS).parseString(text).iterator());
        } catch (YamlEngineException e) {
            throw translate(e, text);
        }
    }

    private static YamlException tooLarge(long size, String unit) {
        return new YamlException(Kind.TOO_LARGE, null, "the config is " + size + " " + unit + ", more than the "
                + MAX_BYTES + " (1 MiB) a config may have; a route config is a few KB, so this is likely the wrong file");
    }

    private static String decode(byte[] bytes) throws YamlException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            int column = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    column = 1;
                } else if ((bytes[i] & 0xC0) != 0x80) {
                    column++;
                }
            }
            throw new YamlException(Kind.ENCODING, new Position(line, column), "the file is not UTF-8 text (invalid byte 0x"
                    + String.format("%02X", bytes[offset] & 0xFF) + " at byte " + offset + "); save it as UTF-8");
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static Position position(Optional<Mark> mark) {
        return mark.map(m -> new Position(m.getLine() + 1, m.getColumn() + 1)).orElse(null);
    }

    private static Position position(Event e) {
        return position(e.getStartMark());
    }

    private static YamlException translate(YamlEngineException e, String text) {
        if (e instanceof MarkedYamlEngineException m) {
            return new YamlException(Kind.SYNTAX, position(m.getProblemMark()), withoutFullStop(m.getProblem()),
                    m.getContext(), position(m.getContextMark()), e);
        }
        if (e instanceof ReaderException r) {
            return new YamlException(Kind.ENCODING, position(text, r.getPosition()), withoutFullStop(r.getMessage())
                    + " (code point U+" + String.format("%04X", r.getCodePoint()) + ")", null, null, e);
        }
        String message = withoutFullStop(e.getMessage());
        Kind kind = message != null && message.contains("exceeds the limit") ? Kind.TOO_LARGE : Kind.SYNTAX;
        return new YamlException(kind, null, message, null, null, e);
    }

    /** The library's sentences sometimes end in a full stop; callers append their own ". Fix: ...". */
    private static String withoutFullStop(String s) {
        return s != null && s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** The reader reports only a code point offset; turn it into the line and column an operator can go to. */
    private static Position position(String text, int codePointOffset) {
        int line = 1;
        int column = 1;
        int[] cps = text.codePoints().limit(Math.max(0, codePointOffset)).toArray();
        for (int i = 0; i < cps.length; i++) {
            if (cps[i] == '\r' && i + 1 < cps.length && cps[i + 1] == '\n') {
                continue;
            }
            if (cps[i] == '\n' || cps[i] == '\r') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new Position(line, column);
    }

    /** Builds the tree from the event stream with an explicit stack (no recursion), counting depth and values. */
    private static final class Builder {
        private final Deque<Frame> stack = new ArrayDeque<>();
        private final Map<String, YamlNode> anchors = new HashMap<>();
        private final Map<YamlNode, Long> sizes = new IdentityHashMap<>();
        private long values;
        private YamlNode root;

        private static final class Frame {
            final boolean mapping;
            final Position at;
            final Optional<Anchor> anchor;
            final List<YamlNode> items = new ArrayList<>();
            long size = 1;

            Frame(boolean mapping, Position at, Optional<Anchor> anchor) {
                this.mapping = mapping;
                this.at = at;
                this.anchor = anchor;
            }
        }

        Document build(Iterator<Event> events) throws YamlException {
            boolean documentDone = false;
            while (events.hasNext()) {
                Event e = events.next();
                switch (e.getEventId()) {
                    case DocumentStart -> {
                        if (documentDone) {
                            return new Document(root, position(e));
                        }
                    }
                    case DocumentEnd -> documentDone = true;
                    case StreamEnd -> {
                        return new Document(root, null);
                    }
                    case Scalar -> {
                        ScalarEvent s = (ScalarEvent) e;
                        count(1, e);
                        YamlNode node = scalar(s);
                        sizes.put(node, 1L);
                        remember(s, node);
                        attach(node);
                    }
                    case Alias -> {
                        AliasEvent a = (AliasEvent) e;
                        YamlNode target = anchors.get(a.getAlias().getValue());
                        if (target == null) {
                            throw new YamlException(Kind.SYNTAX, position(e), "found undefined alias '*" + a.getAlias().getValue()
                                    + "' (an alias must come after its anchor '&" + a.getAlias().getValue() + "', and not inside it)");
                        }
                        count(sizes.get(target), e);
                        attach(target);
                    }
                    case SequenceStart, MappingStart -> {
                        CollectionStartEvent c = (CollectionStartEvent) e;
                        boolean mapping = e.getEventId() == Event.ID.MappingStart;
                        if (stack.size() >= MAX_DEPTH) {
                            throw new YamlException(Kind.TOO_DEEP, position(e), "lists and mappings are nested more than "
                                    + MAX_DEPTH + " levels deep here; a config needs a handful, so this is not a config");
                        }
                        checkCollectionTag(c, mapping);
                        count(1, e);
                        stack.push(new Frame(mapping, position(e), c.getAnchor()));
                    }
                    case SequenceEnd, MappingEnd -> {
                        Frame f = stack.pop();
                        YamlNode node;
                        if (f.mapping) {
                            List<YamlNode.Entry> entries = new ArrayList<>(f.items.size() / 2);
                            for (int i = 0; i + 1 < f.items.size(); i += 2) {
                                entries.add(new YamlNode.Entry(f.items.get(i), f.items.get(i + 1)));
                            }
                            node = new YamlNode.Mapping(entries, f.at);
                        } else {
                            node = new YamlNode.Sequence(f.items, f.at);
                        }
                        sizes.put(node, f.size);
                        f.anchor.ifPresent(anchor -> anchors.put(anchor.getValue(), node));
                        attach(node);
                    }
                    default -> {
                        // StreamStart, Comment: nothing to build.
                    }
                }
            }
            return new Document(root, null);
        }

        private void count(long n, Event at) throws YamlException {
            values += n;
            if (values > MAX_VALUES) {
                throw new YamlException(Kind.TOO_MANY_VALUES, position(at), "the document holds more than " + MAX_VALUES
                        + " values once its aliases (*name) are expanded; a config has a few hundred, so this is refused"
                        + " (it may be an alias bomb)");
            }
        }

        private void remember(NodeEvent e, YamlNode node) {
            e.getAnchor().ifPresent(anchor -> anchors.put(anchor.getValue(), node));
        }

        private void attach(YamlNode node) {
            Frame top = stack.peek();
            if (top == null) {
                root = node;
                return;
            }
            top.items.add(node);
            top.size += sizes.get(node);
        }

        private static void checkCollectionTag(CollectionStartEvent c, boolean mapping) throws YamlException {
            Optional<String> tag = c.getTag();
            if (tag.isEmpty() || tag.get().equals("!") || tag.get().equals((mapping ? Tag.MAP : Tag.SEQ).getValue())) {
                return;
            }
            throw unsupportedTag(tag.get(), position(c));
        }

        private static YamlNode scalar(ScalarEvent s) throws YamlException {
            String text = s.getValue();
            Optional<String> explicit = s.getTag();
            Tag tag = explicit.isEmpty() || explicit.get().equals("!")
                    ? RESOLVER.resolve(text, s.getImplicit().canOmitTagInPlainScalar())
                    : new Tag(explicit.get());
            Object value;
            if (tag.equals(Tag.STR)) {
                value = text;
            } else {
                ConstructNode constructor = CORE_TAGS.contains(tag) ? CONSTRUCTORS.get(tag) : null;
                if (constructor == null) {
                    throw unsupportedTag(tag.getValue(), position(s));
                }
                value = constructor.construct(new ScalarNode(tag, text, s.getScalarStyle()));
            }
            return new YamlNode.Scalar(value, text, !s.isPlain(), position(s));
        }

        private static YamlException unsupportedTag(String tag, Position at) {
            String shown = tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag;
            return new YamlException(Kind.SYNTAX, at, "the tag '" + shown + "' is not supported here; remove it and write"
                    + " the value as plain text, a number, true/false, a list or a mapping");
        }
    }
}
