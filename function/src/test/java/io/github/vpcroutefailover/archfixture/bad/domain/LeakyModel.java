package io.github.vpcroutefailover.archfixture.bad.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.archfixture.bad.config.Parser;
import software.amazon.awssdk.regions.Region;

/** A domain class that breaks every domain rule on purpose: AWS SDK, Jackson, and the config parser. */
public record LeakyModel(Region region, JsonNode raw) {
    public static LeakyModel parse(String text) {
        return Parser.parse(text);
    }
}
