package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.ports.HealthSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers {@code ec2-status} checks from what the reconcile already observed (no further API calls): an instance
 * that is missing or not running fails hard, an impaired one fails, and a route in state {@code blackhole} whose
 * next hop is the candidate fails hard (EC2 itself says the next hop is gone). Other check types are left to
 * their own sources.
 */
public final class Ec2HealthSource implements HealthSource {
    public static final String SOURCE = "ec2";

    private final Map<String, CheckSpec> checks;
    private final Map<String, ObservedInstance> instances;
    private final Map<String, ObservedEni> enis;
    private final List<ObservedRouteTable> tables;

    public Ec2HealthSource(Map<String, CheckSpec> checks, List<ObservedInstance> instances, List<ObservedEni> enis,
                           List<ObservedRouteTable> tables) {
        this.checks = Map.copyOf(checks);
        this.instances = instances.stream().collect(Collectors.toMap(ObservedInstance::instanceId, Function.identity(), (a, b) -> a));
        this.enis = enis.stream().collect(Collectors.toMap(ObservedEni::eniId, Function.identity(), (a, b) -> a));
        this.tables = List.copyOf(tables);
    }

    @Override
    public List<Observation> observe(Collection<Candidate> candidates, Instant now) {
        List<Observation> out = new ArrayList<>();
        for (Candidate c : candidates) {
            for (String checkName : c.checks()) {
                if (checks.get(checkName) instanceof CheckSpec.Ec2Status spec) {
                    out.add(observe(c, spec, now));
                }
            }
        }
        return out;
    }

    private Observation observe(Candidate c, CheckSpec.Ec2Status spec, Instant now) {
        String key = c.key();
        String instanceId = c.target().instanceId();
        if (instanceId != null) {
            ObservedInstance i = instances.get(instanceId);
            if (i == null) {
                return new Observation(key, spec.name(), false, true, now, SOURCE, "instance " + instanceId + " not found in EC2");
            }
            if (!i.running()) {
                return new Observation(key, spec.name(), false, true, now, SOURCE, "instance " + instanceId + " is " + i.state());
            }
            if (spec.statusChecks() && i.statusImpaired()) {
                return new Observation(key, spec.name(), false, false, now, SOURCE, "instance " + instanceId + " status checks impaired");
            }
        } else if (c.target().id().startsWith("eni-") && !enis.containsKey(c.target().id())) {
            return new Observation(key, spec.name(), false, true, now, SOURCE, "network interface " + c.target().id() + " not found in EC2");
        }
        for (ObservedRouteTable t : tables) {
            for (ObservedRoute r : t.routes()) {
                if (r.blackhole() && c.target().sameHopAs(r.target())) {
                    return new Observation(key, spec.name(), false, true, now, SOURCE,
                            "route " + t.id() + "|" + r.destination().value() + " to " + c.target() + " is a blackhole");
                }
            }
        }
        return new Observation(key, spec.name(), true, false, now, SOURCE, instanceId != null ? "instance running" : "present");
    }
}
