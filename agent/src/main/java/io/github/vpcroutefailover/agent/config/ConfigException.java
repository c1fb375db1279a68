package io.github.vpcroutefailover.agent.config;

import java.util.List;

/**
 * A configuration the agent refuses to run with. Every problem names the field (as a path like
 * {@code checks[2].port}) and says how to fix it, so an operator can act on the message alone.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super("Invalid agent configuration " + source + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
