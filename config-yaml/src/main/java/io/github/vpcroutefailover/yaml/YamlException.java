package io.github.vpcroutefailover.yaml;

import io.github.vpcroutefailover.yaml.YamlNode.Position;

/**
 * A document that cannot be read at all. {@link #getMessage()} is one line naming where and why; the parts are kept
 * apart so that each product can word its own message around them.
 */
public final class YamlException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the document was refused. */
    public enum Kind {
        /** Not YAML (indentation, unclosed quote or bracket, undefined alias, unknown tag, ...). */
        SYNTAX,
        /** Larger than {@link YamlReader#MAX_BYTES}. */
        TOO_LARGE,
        /** Nested deeper than {@link YamlReader#MAX_DEPTH}. */
        TOO_DEEP,
        /** More than {@link YamlReader#MAX_VALUES} values once aliases are expanded (an "alias bomb"). */
        TOO_MANY_VALUES,
        /** Not UTF-8, or a character YAML does not allow. */
        ENCODING,
        /** The file could not be read. */
        IO
    }

    private final Kind kind;
    private final transient Position position;
    private final String problem;
    private final String context;
    private final transient Position contextPosition;

    YamlException(Kind kind, Position position, String problem, String context, Position contextPosition, Throwable cause) {
        super(format(position, problem, context, contextPosition), cause);
        this.kind = kind;
        this.position = position;
        this.problem = problem;
        this.context = context;
        this.contextPosition = contextPosition;
    }

    YamlException(Kind kind, Position position, String problem) {
        this(kind, position, problem, null, null, null);
    }

    private static String format(Position position, String problem, String context, Position contextPosition) {
        return (position == null ? "" : "at " + position + ": ") + problem
                + (context == null || context.isBlank() ? "" : " (" + context + (contextPosition == null ? "" : " at " + contextPosition) + ")");
    }

    public Kind kind() {
        return kind;
    }

    /** Where the problem is, or null when the library did not say (or the whole input is the problem). */
    public Position position() {
        return position;
    }

    /** 1-based line, 0 when unknown. */
    public int line() {
        return position == null ? 0 : position.line();
    }

    /** What is wrong, without position, without a full stop at the end. */
    public String problem() {
        return problem;
    }

    /** What the parser was reading when it found the problem ("while scanning a quoted scalar"), or null. */
    public String context() {
        return context;
    }

    public Position contextPosition() {
        return contextPosition;
    }
}
