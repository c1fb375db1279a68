package io.github.vpcroutefailover.config;

import java.nio.file.Path;

/**
 * Reads and validates the YAML route config (format: samples/config/*.yaml and README "Route config").
 * Reports every problem at once, each with its path and line.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** @throws ConfigException listing every problem found */
    public static FailoverConfig load(Path file) {
        throw new UnsupportedOperationException("ConfigLoader.load: being implemented");
    }

    /** @param sourceName how to name the source in errors, e.g. a file name */
    public static FailoverConfig parse(String yaml, String sourceName) {
        throw new UnsupportedOperationException("ConfigLoader.parse: being implemented");
    }
}
