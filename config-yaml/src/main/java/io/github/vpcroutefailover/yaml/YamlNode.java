package io.github.vpcroutefailover.yaml;

import java.util.List;

/**
 * One node of a YAML document, with the 1-based position where it starts. Mappings keep every entry in file order,
 * duplicates included, so each reader decides how to report them (the function lists every problem, the agent stops
 * at the first). An alias is the very node its anchor names (shared, not copied); {@link YamlReader} bounds how large
 * the document becomes once aliases are expanded.
 */
public sealed interface YamlNode {

    Position at();

    /** 1-based line and column, the way editors count. */
    record Position(int line, int column) {
        @Override
        public String toString() {
            return "line " + line + ", column " + column;
        }
    }

    /**
     * A value resolved by the YAML 1.2 core schema: {@code String}, {@code Integer}/{@code Long}/{@code BigInteger},
     * {@code Double}, {@code Boolean}, or null.
     *
     * @param text   the scalar as written (after YAML unquoting and folding)
     * @param quoted written in quotes or as a block scalar, so never resolved to a number, boolean or null
     */
    record Scalar(Object value, String text, boolean quoted, Position at) implements YamlNode {
    }

    record Sequence(List<YamlNode> items, Position at) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    record Mapping(List<Entry> entries, Position at) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }
    }

    /** A key and its value; the key is usually a {@link Scalar} but YAML allows any node. */
    record Entry(YamlNode key, YamlNode value) {
    }
}
