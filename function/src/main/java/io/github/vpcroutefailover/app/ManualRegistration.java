package io.github.vpcroutefailover.app;

import static io.github.vpcroutefailover.app.ManualViews.*;
import io.github.vpcroutefailover.app.ManualActions.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.config.ConfigProblem;
import io.github.vpcroutefailover.config.RegistrationCoverage;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.ports.RouteRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Operator actions on registered routes (routes added at run time, beside the config file's). */
final class ManualRegistration {
    private final Controller controller;

    ManualRegistration(Controller controller) {
        this.controller = controller;
    }

    Map<String, Object> register(JsonNode spec, String caller) {
        FailoverConfig base = controller.baseConfig();
        JsonNode name = spec.get("name");
        if (name != null && name.isTextual() && base.route(name.asText()).isPresent()) {
            throw new InvalidRequestException("route.name", "'" + name.asText() + "' is a route of the config file; registered routes need their own name");
        }
        FailoverConfig effective = controller.effectiveConfig();
        RouteSpec route;
        try {
            route = ConfigLoader.parseRoute(spec, name != null && name.isTextual() ? effective.withoutRoute(name.asText()) : effective);
        } catch (ConfigException e) {
            ConfigProblem first = e.problems().get(0);
            throw new InvalidRequestException("route" + (first.path().isEmpty() ? "" : "." + first.path()),
                    e.problems().stream().map(p -> (p.path().isEmpty() ? "" : p.path() + ": ") + p.message()).reduce((a, b) -> a + "; " + b).orElse(e.getMessage()));
        }
        // IAM is computed from the config file at synth: a registered route may only use tables that policy covers,
        // or its changes would be refused with AccessDenied (RegistrationCoverage, docs/deploy.md).
        List<ConfigProblem> uncovered = RegistrationCoverage.problems(route, base);
        if (!uncovered.isEmpty()) {
            throw new InvalidRequestException("route." + uncovered.get(0).path(),
                    uncovered.stream().map(p -> p.path() + ": " + p.message()).reduce((a, b) -> a + "; " + b).orElseThrow());
        }
        controller.registry().put(new RouteRegistry.Registered(route.name(), spec.toString(), caller, controller.now()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("registered", route.name());
        out.put("reconcile", summary(controller.reconcile(caller)));
        return out;
    }

    /** Stops managing the route; its entries stay in the tables as they are (the controller lets go, it does not delete). */
    Map<String, Object> deregister(String name, String caller) {
        if (controller.baseConfig().route(name).isPresent()) {
            throw new InvalidRequestException("route", "'" + name + "' comes from the config file; remove it there, deregister only removes registered routes");
        }
        // Check first: even a conditional delete that fails is a write attempt, and bad input makes none.
        if (!registeredNames(controller).contains(name) || !controller.registry().remove(name)) {
            throw new InvalidRequestException("route", "no registered route named '" + name + "'; registered: " + registeredNames(controller));
        }
        return Map.of("deregistered", name);
    }
}
