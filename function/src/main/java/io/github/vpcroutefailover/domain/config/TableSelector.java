package io.github.vpcroutefailover.domain.config;

import java.util.Map;

/**
 * Selects route tables of the configured VPC. A route's selectors are a union. A selector that matches no table
 * is an error unless {@code optional} (as AWSnycast's {@code no_results_ok}), so a typo cannot silently leave
 * a route unmanaged.
 */
public sealed interface TableSelector permits TableSelector.ById, TableSelector.ByTags, TableSelector.BySubnet, TableSelector.Main {
    boolean optional();

    /** Human-readable, for errors and status: "id rtb-0abc", "tags {tier=private} not {env=test}". */
    String describe();

    record ById(String routeTableId, boolean optional) implements TableSelector {
        @Override
        public String describe() {
            return "id " + routeTableId;
        }
    }

    /**
     * Every table whose tags contain all of {@code match} and none of {@code exclude}. A value of "*" means
     * "the key is present, any value".
     */
    record ByTags(Map<String, String> match, Map<String, String> exclude, boolean optional) implements TableSelector {
        public ByTags {
            match = Map.copyOf(match);
            exclude = Map.copyOf(exclude);
        }

        @Override
        public String describe() {
            return "tags " + new java.util.TreeMap<>(match) + (exclude.isEmpty() ? "" : " not " + new java.util.TreeMap<>(exclude));
        }
    }

    /** The table explicitly associated with a subnet (or the main table when the subnet has no association). */
    record BySubnet(String subnetId, boolean optional) implements TableSelector {
        @Override
        public String describe() {
            return "subnet " + subnetId;
        }
    }

    /** The VPC's main route table. */
    record Main(boolean optional) implements TableSelector {
        @Override
        public String describe() {
            return "main table";
        }
    }
}
