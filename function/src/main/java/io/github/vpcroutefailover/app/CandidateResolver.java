package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.config.FailoverConfig;
import io.github.vpcroutefailover.config.RouteSpec;
import io.github.vpcroutefailover.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves configured targets to the concrete next hops observed in EC2, so that health can be gathered for them
 * before planning. Instances resolve to the ENI at the configured device index; instances that are terminated or
 * lack that ENI yield no candidate.
 */
public final class CandidateResolver {
    private CandidateResolver() {
    }

    /** Every candidate of every route (targets first, then fallbacks), de-duplicated by key, in config order. */
    public static List<Candidate> all(FailoverConfig config, List<ObservedInstance> instances, List<ObservedEni> enis) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        for (RouteSpec route : config.routes()) {
            for (Candidate c : forRoute(config, route, instances, enis)) {
                out.putIfAbsent(c.key(), c);
            }
        }
        return List.copyOf(out.values());
    }

    public static List<Candidate> forRoute(FailoverConfig config, RouteSpec route, List<ObservedInstance> instances,
                                           List<ObservedEni> enis) {
        List<Candidate> out = new ArrayList<>();
        for (String name : route.targets()) {
            out.addAll(forTarget(config, name, false, instances, enis));
        }
        for (String name : route.fallback()) {
            out.addAll(forTarget(config, name, true, instances, enis));
        }
        return out;
    }

    public static List<Candidate> forTarget(FailoverConfig config, String targetName, boolean fallback,
                                            List<ObservedInstance> instances, List<ObservedEni> enis) {
        TargetSpec spec = config.targets().get(targetName);
        if (spec == null) {
            return List.of();
        }
        List<Candidate> out = new ArrayList<>();
        switch (spec) {
            case TargetSpec.Instance i -> {
                List<ObservedInstance> matched = i.byTags()
                        ? instances.stream().filter(o -> tagsMatch(o.tags(), i.tags()))
                                .sorted(Comparator.comparing(ObservedInstance::instanceId)).toList()
                        : instances.stream().filter(o -> o.instanceId().equals(i.instanceId())).toList();
                for (ObservedInstance o : matched) {
                    if ("terminated".equals(o.state()) || "shutting-down".equals(o.state())) {
                        continue;
                    }
                    eniAt(o, i.deviceIndex()).ifPresent(e -> out.add(new Candidate(targetName,
                            RouteTarget.eni(e.eniId(), o.instanceId()), o.zone(), i.checks(), fallback)));
                }
            }
            case TargetSpec.Eni e -> enis.stream().filter(o -> o.eniId().equals(e.eniId())).findFirst()
                    .ifPresent(o -> out.add(new Candidate(targetName, RouteTarget.eni(o.eniId(), o.attachedInstanceId()),
                            o.zone(), e.checks(), fallback)));
            case TargetSpec.Gateway g -> out.add(new Candidate(targetName, RouteTarget.gateway(g.kind(), g.id()), null,
                    g.checks(), fallback));
        }
        return out;
    }

    static Optional<ObservedEni> eniAt(ObservedInstance o, int deviceIndex) {
        return o.enis().stream().filter(e -> e.deviceIndex() == deviceIndex).findFirst();
    }

    /** All of {@code wanted} present; "*" means any value. */
    static boolean tagsMatch(Map<String, String> tags, Map<String, String> wanted) {
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            String v = tags.get(w.getKey());
            if (v == null || !("*".equals(w.getValue()) || w.getValue().equals(v))) {
                return false;
            }
        }
        return true;
    }
}
