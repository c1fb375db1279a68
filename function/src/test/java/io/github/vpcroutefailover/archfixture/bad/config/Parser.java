package io.github.vpcroutefailover.archfixture.bad.config;

import io.github.vpcroutefailover.archfixture.bad.domain.LeakyModel;
import software.amazon.awssdk.regions.Region;

/** The parser the leaky domain class calls back into (closing a config <-> domain cycle). */
public final class Parser {
    private Parser() {
    }

    public static LeakyModel parse(String text) {
        return new LeakyModel(Region.of(text), null);
    }
}
