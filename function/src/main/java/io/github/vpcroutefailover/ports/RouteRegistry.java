package io.github.vpcroutefailover.ports;

import java.time.Instant;
import java.util.List;

/**
 * Routes registered at run time (manual {@code register}), kept as the JSON the operator sent so that every reconcile
 * re-validates them against the current config file exactly like a route in the file.
 */
public interface RouteRegistry {

    /** Every registered route, by name order. */
    List<Registered> all();

    /** Adds or replaces the route of that name. */
    void put(Registered route);

    /** @return false when no route of that name was registered */
    boolean remove(String name);

    /** @param spec the route object as JSON text, same keys as a route in the config file */
    record Registered(String name, String spec, String by, Instant at) {
    }
}
