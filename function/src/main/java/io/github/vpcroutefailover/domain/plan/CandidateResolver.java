package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns configured targets into concrete candidates using what EC2 reports: an instance becomes its ENI at
 * {@code deviceIndex}, a tag selector becomes every matching instance, a gateway is itself. Pure.
 *
 * <p>Besides candidates it reports why a candidate must not receive routes whatever its checks say
 * ({@link Resolved#blocked()}): the instance is not running, the ENI is detached, or source/dest checking is still
 * on while the target says {@code sourceDestCheck: verify}. The planner treats those as UNHEALTHY.
 */
public final class CandidateResolver {
    private static final Comparator<ObservedInstance> FLEET_ORDER = Comparator
            .comparing((ObservedInstance i) -> String.valueOf(i.zone()))
            .thenComparing(i -> i.launchTime() == null ? java.time.Instant.EPOCH : i.launchTime())
            .thenComparing(ObservedInstance::instanceId);

    private CandidateResolver() {
    }

    /**
     * @param byTarget candidates of each configured target (not yet marked fallback), in file order of targets
     * @param blocked  candidate key -> why it must not receive routes
     * @param notes    problems resolving targets (missing instances and ENIs, empty tag fleets, ...)
     */
    public record Resolved(Map<String, List<Candidate>> byTarget, Map<String, String> blocked, List<PlanNote> notes) {
        public Resolved {
            byTarget = Collections.unmodifiableMap(new LinkedHashMap<>(byTarget));
            blocked = Map.copyOf(blocked);
            notes = List.copyOf(notes);
        }

        /**
         * The route's candidates in preference order, then its fallbacks (marked {@code fallback=true}). A next hop
         * reachable through two targets is listed once, at its first position.
         */
        public List<Candidate> forRoute(RouteSpec route) {
            List<Candidate> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (String t : route.targets()) {
                for (Candidate c : byTarget.getOrDefault(t, List.of())) {
                    if (seen.add(c.key())) {
                        out.add(c);
                    }
                }
            }
            for (String t : route.fallback()) {
                for (Candidate c : byTarget.getOrDefault(t, List.of())) {
                    if (seen.add(c.key())) {
                        out.add(new Candidate(c.targetName(), c.target(), c.zone(), c.checks(), true));
                    }
                }
            }
            return out;
        }

        /**
         * Every candidate of every target some route uses, once per next hop (first occurrence, not marked fallback):
         * the set health is gathered for before planning.
         */
        public List<Candidate> candidates() {
            Map<String, Candidate> out = new LinkedHashMap<>();
            byTarget.values().forEach(list -> list.forEach(c -> out.putIfAbsent(c.key(), c)));
            return List.copyOf(out.values());
        }
    }

    public static Resolved resolve(FailoverConfig config, List<ObservedInstance> instances, List<ObservedEni> enis) {
        // Sorted maps: shuffled input lists must give the same result.
        Map<String, ObservedInstance> instancesById = new TreeMap<>();
        for (ObservedInstance i : instances) {
            instancesById.putIfAbsent(i.instanceId(), i);
        }
        Map<String, ObservedEni> enisById = new TreeMap<>();
        for (ObservedEni e : enis) {
            enisById.putIfAbsent(e.eniId(), e);
        }
        for (ObservedInstance i : instancesById.values()) {
            for (ObservedEni e : i.enis()) {
                enisById.putIfAbsent(e.eniId(), e);
            }
        }
        Map<String, List<Candidate>> byTarget = new LinkedHashMap<>();
        Map<String, String> blocked = new TreeMap<>();
        List<PlanNote> notes = new ArrayList<>();
        // Only targets some route uses: an unused target that is gone is not worth an operator's attention.
        Set<String> used = new HashSet<>();
        for (RouteSpec r : config.routes()) {
            used.addAll(r.targets());
            used.addAll(r.fallback());
        }
        for (TargetSpec spec : config.targets().values()) {
            if (!used.contains(spec.name())) {
                continue;
            }
            List<Candidate> out = new ArrayList<>();
            switch (spec) {
                case TargetSpec.Instance t when !t.byTags() -> {
                    ObservedInstance i = instancesById.get(t.instanceId());
                    if (i == null || "terminated".equals(i.state())) {
                        notes.add(error("target " + t.name() + ": instance " + t.instanceId() + (i == null ? " was not found" : " is terminated")
                                + "; no route will use it until targets." + t.name() + ".instance names a live instance"));
                    } else {
                        instanceCandidate(t, i, enis, blocked, notes).ifPresent(out::add);
                    }
                }
                case TargetSpec.Instance t -> {
                    List<ObservedInstance> fleet = instancesById.values().stream()
                            .filter(i -> !"terminated".equals(i.state()) && !"shutting-down".equals(i.state()))
                            .filter(i -> tagsMatch(i.tags(), t.tags()))
                            .sorted(FLEET_ORDER)
                            .toList();
                    if (fleet.isEmpty()) {
                        notes.add(new PlanNote(PlanNote.Level.WARN, null, null, "target " + t.name() + ": no live instance has tags "
                                + new TreeMap<>(t.tags()) + "; routes listing it have no candidate from it"));
                    }
                    for (ObservedInstance i : fleet) {
                        instanceCandidate(t, i, enis, blocked, notes).ifPresent(out::add);
                    }
                }
                case TargetSpec.Eni t -> {
                    ObservedEni e = enisById.get(t.eniId());
                    if (e == null) {
                        notes.add(error("target " + t.name() + ": network interface " + t.eniId() + " was not found; no route will use it until targets."
                                + t.name() + ".eni names an existing ENI"));
                    } else {
                        Candidate c = new Candidate(t.name(), RouteTarget.eni(e.eniId(), e.attachedInstanceId()), e.zone(), t.checks(), false);
                        if (e.attachedInstanceId() == null) {
                            blocked.put(c.key(), "network interface " + e.eniId() + " is not attached to an instance");
                        } else {
                            ObservedInstance owner = instancesById.get(e.attachedInstanceId());
                            if (owner != null && !owner.running()) {
                                blocked.put(c.key(), "instance " + owner.instanceId() + " behind " + e.eniId() + " is " + owner.state());
                            }
                        }
                        sourceDestCheck(t.name(), t.sourceDestCheck(), e, c, blocked, notes);
                        out.add(c);
                    }
                }
                case TargetSpec.Gateway g when g.applianceInstanceId() != null -> {
                    // The hop is the endpoint or attachment; its health is the appliance's (keyed by its instance).
                    ObservedInstance i = instancesById.get(g.applianceInstanceId());
                    Candidate c = new Candidate(g.name(), new RouteTarget(g.kind(), g.id(), g.applianceInstanceId()),
                            null, g.checks(), false);
                    if (i == null || "terminated".equals(i.state())) {
                        blocked.put(c.key(), "appliance " + g.applianceInstanceId() + " behind " + g.id()
                                + (i == null ? " was not found" : " is terminated"));
                    } else if (!i.running()) {
                        blocked.put(c.key(), "appliance " + i.instanceId() + " behind " + g.id() + " is " + i.state());
                    }
                    out.add(c);
                }
                case TargetSpec.Gateway g -> out.add(new Candidate(g.name(), RouteTarget.gateway(g.kind(), g.id()), null, g.checks(), false));
            }
            byTarget.put(spec.name(), out);
        }
        return new Resolved(byTarget, blocked, notes);
    }

    private static java.util.Optional<Candidate> instanceCandidate(TargetSpec.Instance t, ObservedInstance i, List<ObservedEni> enis,
                                                                  Map<String, String> blocked, List<PlanNote> notes) {
        ObservedEni eni = i.enis().stream().filter(e -> e.deviceIndex() == t.deviceIndex()).min(Comparator.comparing(ObservedEni::eniId))
                .or(() -> enis.stream().filter(e -> i.instanceId().equals(e.attachedInstanceId()) && e.deviceIndex() == t.deviceIndex())
                        .min(Comparator.comparing(ObservedEni::eniId)))
                .orElse(null);
        if (eni == null) {
            notes.add(error("target " + t.name() + ": instance " + i.instanceId() + " has no network interface at device index " + t.deviceIndex()
                    + "; attach one or fix targets." + t.name() + ".deviceIndex"));
            return java.util.Optional.empty();
        }
        Candidate c = new Candidate(t.name(), RouteTarget.eni(eni.eniId(), i.instanceId()), i.zone(), t.checks(), false);
        if (!i.running()) {
            blocked.put(c.key(), "instance " + i.instanceId() + " is " + i.state());
        }
        sourceDestCheck(t.name(), t.sourceDestCheck(), eni, c, blocked, notes);
        return java.util.Optional.of(c);
    }

    private static void sourceDestCheck(String name, TargetSpec.SourceDestCheck mode, ObservedEni eni, Candidate c, Map<String, String> blocked,
                                        List<PlanNote> notes) {
        if (mode == TargetSpec.SourceDestCheck.VERIFY && eni.sourceDestCheck()) {
            blocked.putIfAbsent(c.key(), "source/dest check is enabled on " + eni.eniId() + ", so it would drop forwarded traffic");
            notes.add(new PlanNote(PlanNote.Level.WARN, null, null, "target " + name + ": source/dest check is enabled on " + eni.eniId()
                    + "; routes will not use it until the check is disabled (or set targets." + name + ".sourceDestCheck: fix)"));
        }
    }

    /** All of {@code wanted} present; "*" means any value. */
    public static boolean tagsMatch(Map<String, String> tags, Map<String, String> wanted) {
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            String v = tags.get(w.getKey());
            if (v == null || !("*".equals(w.getValue()) || w.getValue().equals(v))) {
                return false;
            }
        }
        return true;
    }

    private static PlanNote error(String message) {
        return new PlanNote(PlanNote.Level.ERROR, null, null, message);
    }
}
