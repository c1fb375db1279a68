package io.github.vpcroutefailover.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used, with every problem found (not just the first). */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;

    public ConfigException(String source, List<ConfigProblem> problems) {
        super("invalid route config " + source + " (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
