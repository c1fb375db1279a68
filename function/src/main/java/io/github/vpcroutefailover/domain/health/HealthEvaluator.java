package io.github.vpcroutefailover.domain.health;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies observations to stored check states with rise/fall hysteresis. Pure.
 *
 * <p>Rules, per check: the state starts UNKNOWN; {@code rise} consecutive passes make it HEALTHY, {@code fall}
 * consecutive failures make it UNHEALTHY (from UNKNOWN too), and a {@code hard} failure makes it UNHEALTHY at
 * once. Observations are applied in time order and one whose time is not after the check's {@code lastAt} is
 * ignored, so redelivered or out-of-order observations change nothing and each observation counts once.
 *
 * <p>Staleness is not decided here: a health source that stops hearing from a target (no agent metric within
 * {@code staleAfter}, a probe that could not run) must emit a failing observation saying so. That keeps this
 * class free of a clock-dependent "no news" rule and makes silence count towards {@code fall} like any failure.
 */
public final class HealthEvaluator {
    /**
     * Observations stamped further ahead than this are ignored: one bogus future timestamp would otherwise become
     * {@code lastAt} and silence every later observation until that time.
     */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final int COUNTER_CAP = 1_000_000;

    private static final Comparator<Observation> ORDER = Comparator.comparing(Observation::at)
            // Same instant, conflicting results: apply the failure first; the pass is then ignored (at <= lastAt).
            // Conservative, and independent of delivery order.
            .thenComparing(Observation::passed)
            .thenComparing(o -> !o.hard())
            .thenComparing(o -> String.valueOf(o.source()))
            .thenComparing(o -> String.valueOf(o.detail()));

    /**
     * The new state of one target after applying {@code observations} (any order, duplicates allowed).
     *
     * @param checks the specs of the checks this target lists, by name; observations for other checks are ignored
     * @param now    used to reject far-future observations and to date {@code healthySince} of a target without checks
     */
    public TargetState apply(TargetState previous, Map<String, CheckSpec> checks, List<Observation> observations, Instant now) {
        Map<String, CheckState> states = new HashMap<>(previous.checks());
        Instant horizon = now.plus(MAX_CLOCK_SKEW);
        observations.stream()
                .filter(o -> o.check() != null && checks.containsKey(checkName(o.check())) && o.at() != null && !o.at().isAfter(horizon))
                .sorted(ORDER)
                .forEach(o -> {
                    CheckState s = states.getOrDefault(o.check(), CheckState.unknown());
                    states.put(o.check(), step(s, checks.get(checkName(o.check())), o));
                });
        // A data-path verdict is judged per route by the planner, not part of the target's own health: a standby
        // that never carried the route has none, and that must not keep it from counting as healthy.
        List<String> own = checks.entrySet().stream().filter(e -> !(e.getValue() instanceof CheckSpec.DataPath)).map(Map.Entry::getKey).toList();
        Health before = health(previous, own);
        TargetState next = new TargetState(previous.targetKey(), states, previous.drain(), null, previous.version());
        Health after = health(next, own);
        Instant healthySince = null;
        if (after == Health.HEALTHY) {
            if (before == Health.HEALTHY && previous.healthySince() != null) {
                healthySince = previous.healthySince();
            } else {
                // The moment the last of its checks turned healthy is when the target did.
                healthySince = states.entrySet().stream().filter(e -> own.contains(checkName(e.getKey())))
                        .map(e -> e.getValue().changedAt()).max(Comparator.naturalOrder()).orElse(now);
            }
        }
        return new TargetState(previous.targetKey(), states, previous.drain(), healthySince, previous.version());
    }

    /**
     * One observation applied to one check: the single rise/fall rule. The in-VPC probe steps its in-memory counters
     * with it too, so the probe's verdict and the stored state's verdict can never disagree.
     */
    public static CheckState step(CheckState s, CheckSpec spec, Observation o) {
        if (!o.at().isAfter(s.lastAt())) {
            return s;
        }
        if (o.passed()) {
            int passes = Math.min(s.passes() + 1, COUNTER_CAP);
            Health h = s.health() != Health.HEALTHY && passes >= spec.rise() ? Health.HEALTHY : s.health();
            return new CheckState(h, passes, 0, o.at(), h != s.health() ? o.at() : s.changedAt(), o.detail());
        }
        int failures = Math.min(s.failures() + 1, COUNTER_CAP);
        Health h = s.health() != Health.UNHEALTHY && (o.hard() || failures >= spec.fall()) ? Health.UNHEALTHY : s.health();
        return new CheckState(h, 0, failures, o.at(), h != s.health() ? o.at() : s.changedAt(), o.detail());
    }

    /**
     * HEALTHY only when every listed check is HEALTHY; UNHEALTHY when any is; else UNKNOWN (a listed check that was
     * never observed is UNKNOWN). A target that lists no checks (a NAT gateway, say: AWS runs it) is HEALTHY.
     *
     * <p>A check observed from several vantage points (the in-VPC probe runs in every AZ) is stored once per vantage
     * point under {@code check@az}; each keeps its own rise/fall counters, and the check is HEALTHY only when every
     * vantage point says so and UNHEALTHY when any does: a target its clients in one AZ cannot reach must not keep
     * routes, and counters from two AZs never interleave (one AZ's passes resetting the other's failures).
     */
    public Health health(TargetState state, List<String> checkNames) {
        boolean allHealthy = true;
        for (String c : checkNames) {
            Health h = Health.UNKNOWN;
            boolean any = false;
            boolean all = true;
            if (state != null) {
                for (Map.Entry<String, CheckState> e : statesOf(state, c).entrySet()) {
                    any = true;
                    if (e.getValue().health() == Health.UNHEALTHY) {
                        return Health.UNHEALTHY;
                    }
                    all &= e.getValue().health() == Health.HEALTHY;
                }
            }
            if (any && all) {
                h = Health.HEALTHY;
            }
            allHealthy &= h == Health.HEALTHY;
        }
        return allHealthy ? Health.HEALTHY : Health.UNKNOWN;
    }

    /** The configured check a stored state key belongs to: {@code tcp} for {@code tcp} and for {@code tcp@us-east-1a}. */
    public static String checkName(String stateKey) {
        int at = stateKey.indexOf('@');
        return at < 0 ? stateKey : stateKey.substring(0, at);
    }

    /** The state key of a check observed from one vantage point; config names cannot contain '@'. */
    public static String stateKey(String check, String vantage) {
        return vantage == null || vantage.isBlank() ? check : check + "@" + vantage;
    }

    /** Every stored state of one check (plain and per vantage point), by state key, in key order. */
    public static Map<String, CheckState> statesOf(TargetState state, String check) {
        Map<String, CheckState> out = new java.util.TreeMap<>();
        state.checks().forEach((k, v) -> {
            if (k.equals(check) || (k.startsWith(check) && k.length() > check.length() && k.charAt(check.length()) == '@')) {
                out.put(k, v);
            }
        });
        return out;
    }
}
