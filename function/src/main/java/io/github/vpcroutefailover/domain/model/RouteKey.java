package io.github.vpcroutefailover.domain.model;

import java.util.Comparator;
import java.util.Objects;

/** Identifies one managed route: a destination in a route table. The unit of ownership. */
public record RouteKey(String routeTableId, Destination destination) implements Comparable<RouteKey> {
    private static final Comparator<RouteKey> ORDER =
            Comparator.comparing(RouteKey::routeTableId).thenComparing(RouteKey::destination);

    public RouteKey {
        Objects.requireNonNull(routeTableId, "routeTableId");
        Objects.requireNonNull(destination, "destination");
    }

    /** "rtb-0abc|0.0.0.0/0": the DynamoDB key and log field. */
    public String id() {
        return routeTableId + "|" + destination.value();
    }

    public static RouteKey parse(String id) {
        int bar = id.indexOf('|');
        if (bar < 1) {
            throw new IllegalArgumentException("route key '" + id + "' must look like rtb-0123|10.0.0.0/8");
        }
        return new RouteKey(id.substring(0, bar), Destination.parse(id.substring(bar + 1)));
    }

    @Override
    public int compareTo(RouteKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return id();
    }
}
