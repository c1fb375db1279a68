package io.github.vpcroutefailover.config;

/**
 * One thing wrong with a config.
 *
 * @param path    where, as a path into the document: "routes[0].destination", "checks.nat-agent.fall"
 * @param line    1-based line in the file, or 0 when unknown (e.g. config registered at runtime)
 * @param message what is wrong and how to fix it
 */
public record ConfigProblem(String path, int line, String message) {
    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ", " : "") + path + ": " + message;
    }
}
