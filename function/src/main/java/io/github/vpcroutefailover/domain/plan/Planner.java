// Just over 400 lines: one route's decision (pin, hold, fail-back, fallback, data path, table kinds) reads as one sequence; candidate choice is in CandidatePicker.
package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.plan.CandidateStanding.Eval;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.ownership.RecordMachine;
import io.github.vpcroutefailover.yaml.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Computes the actions that bring every managed route to its desired target. Pure and deterministic: the same
 * {@link PlanInput} (in any list order) gives an equal {@link Plan}. The decision rules are documented in
 * docs/planner.md; the short form:
 *
 * <ol>
 *   <li>Tables: a route's selectors (a union) over the tables of the configured VPC. A non-optional selector that
 *   matches nothing is an ERROR note; the route is still managed in the tables its other selectors matched.</li>
 *   <li>A (table, destination) claimed by two routes is an ERROR note and left alone; the VPC's local route and
 *   propagated routes are never touched.</li>
 *   <li>A PENDING ownership claim younger than the claim lease means another invocation is mid-change: hands off.
 *   An APPLIED record younger than the lease whose hop the table does not show yet is EC2 read-after-write lag:
 *   hands off too (no second change on the new version).</li>
 *   <li>An active pin wins (if the pinned target is a candidate and eligible, or the pin is forced).</li>
 *   <li>An eligible (HEALTHY, not drained) holder keeps the route, unless fail-back to a more preferred candidate
 *   applies (preempt, failBack enabled, that candidate healthy for at least the hold time), or it is a fallback
 *   and a regular candidate is eligible. A holder whose health is UNKNOWN (no data yet) keeps the route too.</li>
 *   <li>Otherwise the best eligible candidate takes it: zone affinity picks the first eligible same-zone candidate,
 *   else the least-loaded eligible candidate (fewest tables assigned in this plan); without zone affinity the
 *   first eligible in preference order. With none eligible, whenNoneHealthy decides: keep, fallback or withdraw.</li>
 * </ol>
 */
// Over 400 lines on purpose: Run.decide is one decision procedure, the rules listed above in their order; split up,
// the precedence between pins, claims, holders, fail-back and whenNoneHealthy would have to be read across files.
// Table selection (TableSelection) and candidate health (CandidateStanding) live apart.
public final class Planner {
    private final HealthEvaluator evaluator = new HealthEvaluator();

    public Plan plan(PlanInput input) {
        return new Run(input).plan();
    }

    private enum Kind { KEEP, SET, DELETE, DEFER }

    /**
     * @param endorsed the route as it is is what the planner wants (status shows it as desired)
     */
    private record Decision(Kind kind, Candidate to, String reason, boolean endorsed, boolean forced, List<PlanNote> notes) {
        static Decision keep(String reason, boolean endorsed, List<PlanNote> notes) {
            return new Decision(Kind.KEEP, null, reason, endorsed, false, notes);
        }

        static Decision set(Candidate to, String reason, List<PlanNote> notes) {
            return new Decision(Kind.SET, to, reason, true, false, notes);
        }

        /** A move to a pinned target; {@code forced}: the pin was set with force. */
        static Decision pinned(Candidate to, String reason, boolean forced, List<PlanNote> notes) {
            return new Decision(Kind.SET, to, reason, true, forced, notes);
        }
    }

    /** A managed route in one table. */
    private record Managed(RouteKey key, RouteSpec spec, ObservedRouteTable table, List<Candidate> candidates) {
    }

    private final class Run {
        private final PlanInput in;
        private final Instant now;
        private final List<PlanNote> notes = new ArrayList<>();
        private final CandidateResolver.Resolved resolved;
        private final CandidateStanding standing;
        private final DataPathJudge dataPath;
        private final Map<RouteSpec, List<Candidate>> candidatesBySpec = new java.util.IdentityHashMap<>();
        private final Map<RouteSpec, List<RouteStatus.CandidateHealth>> healthBySpec = new java.util.IdentityHashMap<>();
        private final Map<String, Map<Destination, ObservedRoute>> routeIndex = new HashMap<>();
        private final Map<String, Integer> load = new HashMap<>();
        private final CandidatePicker picker;

        Run(PlanInput in) {
            this.in = in;
            this.now = in.now();
            this.resolved = CandidateResolver.resolve(in.config(), in.instances(), in.enis());
            this.standing = new CandidateStanding(in, resolved, evaluator);
            this.picker = new CandidatePicker(load, now);
            this.dataPath = new DataPathJudge(in, standing);
        }

        Plan plan() {
            notes.addAll(resolved.notes());
            Map<String, ObservedRouteTable> tables = new TreeMap<>();
            for (ObservedRouteTable t : in.tables()) {
                // Transit gateway tables belong to no VPC; only their explicit selectors pick them (TableSelection).
                if (Objects.equals(t.vpcId(), in.config().vpcId()) || t.transitGateway()) {
                    tables.putIfAbsent(t.id(), t);
                }
            }
            Map<RouteKey, List<RouteSpec>> claims = new TreeMap<>();
            for (RouteSpec spec : in.config().routes()) {
                for (String tableId : select(spec, tables)) {
                    claims.computeIfAbsent(new RouteKey(tableId, spec.destination()), k -> new ArrayList<>()).add(spec);
                }
            }
            List<Managed> managed = new ArrayList<>();
            for (Map.Entry<RouteKey, List<RouteSpec>> e : claims.entrySet()) {
                List<RouteSpec> specs = e.getValue();
                if (specs.size() > 1) {
                    String names = specs.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(" and "));
                    notes.add(new PlanNote(PlanNote.Level.ERROR, specs.get(0).name(), e.getKey(), "routes " + names + " both manage "
                            + e.getKey().destination() + " in " + e.getKey().routeTableId() + "; neither is applied there until their table selectors are disjoint"));
                    continue;
                }
                RouteSpec spec = specs.get(0);
                List<Candidate> candidates = candidatesBySpec.computeIfAbsent(spec, resolved::forRoute);
                String refused = TableKindRules.violation(tables.get(e.getKey().routeTableId()), spec.destination(), candidates);
                if (refused != null) {
                    notes.add(new PlanNote(PlanNote.Level.ERROR, spec.name(), e.getKey(), "route '" + spec.name() + "' is not managed in "
                            + e.getKey().routeTableId() + ": " + refused));
                    continue;
                }
                managed.add(new Managed(e.getKey(), spec, tables.get(e.getKey().routeTableId()), candidates));
            }

            // Phase 1 decides everything that does not depend on load (in RouteKey order), counting assignments;
            // phase 2 then places the rest on the least-loaded eligible candidate, also in RouteKey order.
            Map<RouteKey, Decision> decisions = new HashMap<>();
            List<Managed> deferred = new ArrayList<>();
            for (Managed m : managed) {
                Decision d = decide(m, false);
                if (d == null) {
                    continue;
                }
                if (d.kind() == Kind.DEFER) {
                    deferred.add(m);
                } else {
                    decisions.put(m.key(), d);
                    count(m, d);
                }
            }
            for (Managed m : deferred) {
                Decision d = decide(m, true);
                decisions.put(m.key(), d);
                count(m, d);
            }

            List<RouteAction> actions = new ArrayList<>();
            List<RouteStatus> statuses = new ArrayList<>();
            for (Managed m : managed) {
                Decision d = decisions.get(m.key());
                ObservedRoute route = route(m);
                if (d == null) {
                    continue;
                }
                notes.addAll(d.notes());
                Ownership own = in.ownership().get(m.key());
                long version = own == null ? 0 : own.version();
                RouteTarget current = route == null ? null : route.target();
                boolean blackhole = route != null && route.blackhole();
                RouteTarget desired = null;
                switch (d.kind()) {
                    case SET -> {
                        desired = d.to().target();
                        if (route == null) {
                            actions.add(new RouteAction.Create(m.key(), m.spec().name(), d.to(), d.reason(), version, d.forced()));
                        } else if (!d.to().target().sameHopAs(current)) {
                            actions.add(new RouteAction.Replace(m.key(), m.spec().name(), current, d.to(), d.reason(), version, d.forced()));
                        }
                    }
                    case DELETE -> {
                        if (route != null) {
                            actions.add(new RouteAction.Delete(m.key(), m.spec().name(), current, d.reason(), version));
                        }
                    }
                    default -> desired = d.endorsed() ? current : null;
                }
                List<RouteStatus.CandidateHealth> ch = healthBySpec.computeIfAbsent(m.spec(), s -> m.candidates().stream()
                        .map(c -> eval(m, c))
                        .map(e -> new RouteStatus.CandidateHealth(e.candidate(), e.health(), e.drained(), e.detail()))
                        .toList());
                String correlated = dataPath.correlated(m.spec(), m.candidates());
                String reason = correlated == null ? d.reason() : d.reason() + "; " + correlated;
                statuses.add(new RouteStatus(m.spec().name(), m.key(), m.table().zone(), current, blackhole, desired, version, ch, reason));
            }
            return new Plan(actions, notes, statuses, claims.keySet());
        }

        private static boolean sameHopOrBothAbsent(RouteTarget a, RouteTarget b) {
            return a == null ? b == null : b != null && a.sameHopAs(b);
        }

        private void count(Managed m, Decision d) {
            RouteTarget t = switch (d.kind()) {
                case SET -> d.to().target();
                case KEEP -> {
                    ObservedRoute r = route(m);
                    // Counted under the candidate's key (an endpoint's is its appliance's), as SET counts it.
                    yield r == null || r.target() == null ? null : m.candidates().stream().map(Candidate::target)
                            .filter(c -> c.sameHopAs(r.target())).findFirst().orElse(r.target());
                }
                default -> null;
            };
            if (t != null) {
                load.merge(t.key(), 1, Integer::sum);
            }
        }

        // ------------------------------------------------------------------------------------------ tables

        private Set<String> select(RouteSpec spec, Map<String, ObservedRouteTable> tables) {
            return TableSelection.select(spec, tables, in.config().vpcId(), notes);
        }

        // ------------------------------------------------------------------------------------------ decisions

        /** Null when the key is not ours to manage (immutable route). */
        private Decision decide(Managed m, boolean phase2) {
            RouteKey key = m.key();
            RouteSpec spec = m.spec();
            RoutePolicy policy = spec.policy();
            List<PlanNote> out = new ArrayList<>();
            ObservedRoute route = route(m);
            if (route != null && route.isImmutable()) {
                if (!phase2) {
                    notes.add(new PlanNote(PlanNote.Level.WARN, spec.name(), key, key.destination() + " in " + key.routeTableId()
                            + " is the VPC's local route or a propagated route, which EC2 does not let anyone replace; not managing it"));
                }
                return null;
            }
            RouteTarget current = route == null ? null : route.target();
            boolean blackhole = route != null && route.blackhole();
            Ownership own = in.ownership().get(key);

            RecordMachine.State recordState = RecordMachine.stateOf(own, now, in.claimLease());
            if (recordState == RecordMachine.State.PENDING) {
                String reason = "another invocation (" + own.updatedBy() + ") claimed this route at " + own.updatedAt()
                        + " and is changing it; leaving it alone until it settles the claim or its deadline "
                        + RecordMachine.deadlineOf(own, in.claimLease()) + " passes";
                out.add(new PlanNote(PlanNote.Level.INFO, spec.name(), key, reason));
                return Decision.keep(reason, false, out);
            }
            if (recordState == RecordMachine.State.ABANDONED) {
                // The reconciler repairs abandoned claims before planning; one still here could not be settled
                // (its repair failed), and a claim over it would be refused: the next reconcile repairs it.
                String reason = "the claim of " + own.updatedBy() + " (version " + own.version() + ") was abandoned at "
                        + RecordMachine.deadlineOf(own, in.claimLease()) + " and is not settled yet; the next reconcile repairs it";
                out.add(new PlanNote(PlanNote.Level.WARN, spec.name(), key, reason));
                return Decision.keep(reason, false, out);
            }
            if (own != null && own.status() == Ownership.ClaimStatus.APPLIED && !sameHopOrBothAbsent(own.target(), current)
                    && own.updatedAt() != null && java.time.Duration.between(own.updatedAt(), now).compareTo(in.claimLease()) < 0) {
                // EC2 is eventually consistent: a table read right after someone's ReplaceRoute may still show the old
                // hop. Re-planning on it would issue a second, redundant change on the new version; within the claim
                // lease we trust the record and wait for the table to catch up.
                String reason = "ownership says " + own.updatedBy() + " set " + (own.target() == null ? "no route" : own.target())
                        + " at " + own.updatedAt() + " (version " + own.version() + ") but the table still shows "
                        + (current == null ? "no route" : current) + "; waiting for EC2 to catch up (up to the "
                        + Durations.format(in.claimLease()) + " claim lease)";
                out.add(new PlanNote(PlanNote.Level.INFO, spec.name(), key, reason));
                return Decision.keep(reason, false, out);
            }
            if (own != null && own.status() == Ownership.ClaimStatus.APPLIED && own.target() != null && current != null
                    && !own.target().sameHopAs(current)) {
                out.add(new PlanNote(PlanNote.Level.WARN, spec.name(), key, "route was changed outside vpc-route-failover: we set " + own.target()
                        + " (version " + own.version() + "), the table now has " + current));
            }

            // EC2 says a blackholed route's next hop is gone, whatever its checks last said: never choose it again
            // for this route (choosing it would be a silent no-op, and the route would stay broken).
            List<Candidate> regular = m.candidates().stream().filter(c -> !c.fallback() && !(blackhole && c.target().sameHopAs(current))).toList();
            List<Candidate> fallbacks = m.candidates().stream().filter(c -> c.fallback() && !(blackhole && c.target().sameHopAs(current))).toList();
            String zone = m.table().zone();
            String correlated = dataPath.correlated(spec, m.candidates());
            if (correlated != null) {
                out.add(new PlanNote(PlanNote.Level.WARN, spec.name(), key, correlated));
            }

            // Pin.
            Ownership.Pin pin = own == null ? null : own.pin();
            if (pin != null && pin.activeAt(now)) {
                Candidate pinned = m.candidates().stream()
                        .filter(c -> c.key().equals(pin.targetKey()) || c.target().id().equals(pin.targetKey())).findFirst().orElse(null);
                String who = "pinned by " + pin.by() + " until " + pin.expiresAt() + (pin.reason() == null ? "" : " (" + pin.reason() + ")");
                if (pinned == null) {
                    out.add(new PlanNote(PlanNote.Level.WARN, spec.name(), key, "ignoring pin to " + pin.targetKey() + " (" + who
                            + "): it is not a candidate of route '" + spec.name() + "'"));
                } else if (eval(m, pinned).eligible() || pin.force()) {
                    Eval e = eval(m, pinned);
                    String reason = who + ": " + label(pinned) + (e.eligible() ? "" : ", forced although " + state(e));
                    return sameHop(pinned, current) ? Decision.keep(reason, true, out) : Decision.pinned(pinned, reason, pin.force(), out);
                } else {
                    out.add(new PlanNote(PlanNote.Level.WARN, spec.name(), key, "ignoring pin to " + label(pinned) + " (" + who + "): it is "
                            + state(eval(m, pinned)) + "; pin with force to route to it anyway"));
                }
            }

            Candidate holder = current == null ? null : m.candidates().stream().filter(c -> c.target().sameHopAs(current)).findFirst().orElse(null);
            if (holder != null && !blackhole) {
                Eval he = eval(m, holder);
                if (he.eligible()) {
                    if (holder.fallback()) {
                        CandidatePicker.Pick best = picker.best(c -> eval(m, c), regular, zone, policy, phase2);
                        if (best.defer()) {
                            return new Decision(Kind.DEFER, null, null, false, false, out);
                        }
                        if (best.candidate() != null) {
                            return Decision.set(best.candidate(), "leaving fallback " + label(holder) + ": " + label(best.candidate())
                                    + " is healthy; moving to it" + best.where(), out);
                        }
                        return Decision.keep("on fallback " + label(holder) + ": no candidate is eligible (" + summary(m, regular) + ")", true, out);
                    }
                    if (policy.preempt() && policy.failBack().enabled()) {
                        Candidate back = picker.failBack(c -> eval(m, c), holder, regular, zone, policy);
                        if (back != null) {
                            return Decision.set(back, "fail back to " + label(back) + ": healthy since " + eval(m, back).healthySince()
                                    + " (≥ hold " + Durations.format(policy.failBack().holdTime()) + "), preferred over " + label(holder)
                                    + (policy.zoneAffinity() && Objects.equals(back.zone(), zone) && zone != null ? " (same zone " + zone + ")" : ""), out);
                        }
                    }
                    return Decision.keep(label(holder) + " holds the route and is healthy", true, out);
                }
                if (he.health() == Health.UNKNOWN && !he.drained()) {
                    String reason = label(holder) + " holds the route and its health is UNKNOWN (" + he.detail()
                            + "); not moving a route on missing data";
                    out.add(new PlanNote(PlanNote.Level.INFO, spec.name(), key, reason));
                    return Decision.keep(reason, false, out);
                }
            }

            String why;
            if (route == null) {
                why = "route is missing";
            } else if (blackhole) {
                why = "route is a blackhole (next hop " + (current == null ? "unknown" : current) + " is gone)";
            } else if (current == null) {
                why = "route has a next hop this tool does not understand";
            } else if (holder == null) {
                why = "route points at " + current + ", which is not a target of route '" + spec.name() + "'";
            } else {
                why = label(holder) + " " + state(eval(m, holder));
            }

            CandidatePicker.Pick best = picker.best(c -> eval(m, c), regular, zone, policy, phase2);
            if (best.defer()) {
                return new Decision(Kind.DEFER, null, null, false, false, out);
            }
            if (best.candidate() != null) {
                return Decision.set(best.candidate(), why + "; " + (route == null ? "creating it to " : "moving to ") + label(best.candidate()) + best.where(), out);
            }
            String none = "no eligible candidate (" + summary(m, regular) + ")";
            switch (policy.whenNoneHealthy()) {
                case FALLBACK -> {
                    Candidate f = fallbacks.stream().filter(c -> eval(m, c).eligible()).findFirst().orElse(null);
                    if (f != null) {
                        return Decision.set(f, why + "; " + none + "; using fallback " + label(f), out);
                    }
                    String reason = why + "; " + none + " and no eligible fallback (" + summary(m, fallbacks) + "); keeping the route as it is";
                    out.add(new PlanNote(PlanNote.Level.ERROR, spec.name(), key, reason));
                    return Decision.keep(reason, false, out);
                }
                case WITHDRAW -> {
                    if (route == null) {
                        return Decision.keep("withdrawn: " + none, true, out);
                    }
                    return new Decision(Kind.DELETE, null, why + "; " + none + "; withdrawing the route so a less specific one takes over", true, false, out);
                }
                default -> {
                    String reason = why + "; " + none + "; keeping the route as it is (whenNoneHealthy: keep)";
                    out.add(new PlanNote(PlanNote.Level.WARN, spec.name(), key, reason));
                    return Decision.keep(reason, false, out);
                }
            }
        }

        private boolean sameHop(Candidate c, RouteTarget current) {
            return c.target().sameHopAs(current);
        }

        // ------------------------------------------------------------------------------------------ health

        private ObservedRoute route(Managed m) {
            return routeIndex.computeIfAbsent(m.table().id(), id -> {
                Map<Destination, ObservedRoute> byDestination = new HashMap<>();
                for (ObservedRoute r : m.table().routes()) {
                    if (r.overridable()) {
                        continue;
                    }
                    byDestination.putIfAbsent(r.destination(), r);
                }
                return byDestination;
            }).get(m.key().destination());
        }

        /** A candidate's standing for this managed route: its own, and the route's data-path verdict on it. */
        private Eval eval(Managed m, Candidate c) {
            return dataPath.eval(m.spec(), m.candidates(), c);
        }

        private String state(Eval e) {
            return CandidateStanding.state(e);
        }

        private String summary(Managed m, List<Candidate> cs) {
            if (cs.isEmpty()) {
                return "none configured or resolved";
            }
            return cs.stream().map(c -> {
                Eval e = eval(m, c);
                return label(c) + " " + (e.drained() ? "drained" : e.health().name());
            }).collect(Collectors.joining(", "));
        }
    }

    static String label(Candidate c) {
        return c.targetName() + " (" + c.key() + ")";
    }
}
