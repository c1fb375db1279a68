package io.github.vpcroutefailover.domain.config;

import java.util.Map;

/**
 * Selects route tables: VPC route tables of the configured VPC (id, tags, subnet, main, the gateway table of an
 * internet or virtual private gateway), or a transit gateway route table by id. A route's selectors are a union. A selector that matches no table
 * is an error unless {@code optional} (as AWSnycast's {@code no_results_ok}), so a typo cannot silently leave
 * a route unmanaged.
 */
public sealed interface TableSelector permits TableSelector.ById, TableSelector.ByTags, TableSelector.BySubnet, TableSelector.Main,
        TableSelector.ByGateway, TableSelector.TransitGatewayTable {
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

    /**
     * The gateway ("ingress") route table edge-associated with an internet or virtual private gateway of the VPC.
     * AWS limits what such a table may hold (docs/config.md, gateway route tables); the planner enforces it.
     */
    record ByGateway(String gatewayId, boolean optional) implements TableSelector {
        @Override
        public String describe() {
            return "gateway table of " + gatewayId;
        }
    }

    /**
     * A transit gateway route table. It belongs to a transit gateway, not to the VPC; its routes are written with
     * the transit gateway route API, and only its static routes are ever changed.
     */
    record TransitGatewayTable(String routeTableId, boolean optional) implements TableSelector {
        @Override
        public String describe() {
            return "transit gateway route table " + routeTableId;
        }
    }

    /** True for selectors that pick transit gateway route tables (which never mix with VPC tables in one route). */
    default boolean transitGateway() {
        return this instanceof TransitGatewayTable;
    }
}
