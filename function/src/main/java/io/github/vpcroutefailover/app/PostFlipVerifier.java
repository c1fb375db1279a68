package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.Prober;
import io.github.vpcroutefailover.probe.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post-flip verification (issue #14): after a probe-triggered reconcile moved a route in a table whose data path this
 * probe tests, test the path through the new hop at once, not at the loop's next rounds: wait the check's
 * {@code settle} (the VPC router may still use the old hop), then probe it up to {@code fall} times, {@code spacing}
 * apart, stopping at the first pass. The results go through a reconcile like every probe observation, attributed to
 * the hop the table holds, so a failing new hop is marked failed by the same rise/fall rule and the planner moves
 * the route on: to the next candidate, or back if the old hop has recovered (its own failure may have been a
 * data-path failure that still counts: then the route stays, see "correlated" in docs/planner.md). Every move goes
 * through the ownership protocol (claim, EC2, settle); nothing here writes a route.
 *
 * <p>Bounded: at most {@code maxMoves} verify-and-reconcile steps per trigger, each at most {@code settle + fall x
 * (timeout + spacing)}, and nothing starts after the deadline. It runs on the probe loop's trigger thread, so the
 * loop's rounds pause meanwhile (seconds, once per flip).
 */
public final class PostFlipVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(PostFlipVerifier.class);
    static final String SOURCE = "probe-verify";

    private final Prober prober;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String vantage;
    private final Duration spacing;
    private final int maxMoves;

    /**
     * @param vantage  the probe's AZ: results are stored under {@code check@az} like the loop's own
     * @param spacing  between attempts on one path (the loop's confirmation spacing)
     * @param maxMoves verify-and-reconcile steps per trigger (each may move the route once more)
     */
    public PostFlipVerifier(Prober prober, Clock clock, Sleeper sleeper, String vantage, Duration spacing, int maxMoves) {
        this.prober = Objects.requireNonNull(prober, "prober");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.vantage = vantage;
        this.spacing = spacing;
        this.maxMoves = maxMoves;
    }

    /** Verifies what {@code first} moved (and what each further reconcile moves); returns those further reconciles. */
    List<ReconcileResult> verify(FailoverConfig config, ReconcileResult first, Set<String> zones, ProbeCycle.Backend backend,
                                 String caller, Instant deadline) {
        List<ReconcileResult> out = new ArrayList<>();
        ReconcileResult last = first;
        for (int step = 1; step <= maxMoves; step++) {
            Set<RouteKey> moved = new java.util.HashSet<>();
            last.applied().forEach(o -> moved.add(o.key()));
            if (moved.isEmpty() || !clock.instant().isBefore(deadline)) {
                break;
            }
            List<DataPaths.Path> paths = DataPaths.paths(config, backend.observe(config).tables(), zones).stream()
                    .filter(p -> p.hop() != null && moved.contains(new RouteKey(p.table().id(), p.route().destination()))).toList();
            if (paths.isEmpty()) {
                break;
            }
            Duration settle = paths.stream().map(p -> p.check().settle()).filter(Objects::nonNull).max(Duration::compareTo).orElse(Duration.ZERO);
            if (!pause(settle.plusMillis(50))) {
                break;
            }
            List<Observation> observations = new ArrayList<>();
            boolean anyFailed = false;
            for (DataPaths.Path p : paths) {
                anyFailed |= !verifyOne(p, observations, deadline);
            }
            ReconcileResult next = backend.reconcile(config, ReconcileOptions.apply(caller + "#verify" + step), observations);
            out.add(next);
            if (!anyFailed) {
                break;
            }
            last = next;
        }
        return out;
    }

    /** Probes one path until it passes or fails {@code fall} times; true when it passed. */
    private boolean verifyOne(DataPaths.Path p, List<Observation> observations, Instant deadline) {
        String check = HealthEvaluator.stateKey(p.check().name(), vantage);
        for (int attempt = 1; attempt <= p.check().fall(); attempt++) {
            if (attempt > 1 && (!clock.instant().isBefore(deadline) || !pause(spacing))) {
                break;
            }
            ProbeResult r = prober.probe("via " + p.table().id(), p.boundCheck());
            String detail = "post-flip verification of " + p.hop() + " for route '" + p.route().name() + "' in " + p.table().id()
                    + ", attempt " + attempt + "/" + p.check().fall() + ": " + r.detail();
            observations.add(new Observation(p.key(), check, r.passed(), false, clock.instant(), SOURCE, detail));
            LOG.atLevel(r.passed() ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.WARN)
                    .addKeyValue("event", r.passed() ? "post-flip-verified" : "post-flip-verify-failed")
                    .addKeyValue("route", p.route().name()).addKeyValue("table", p.table().id()).addKeyValue("hop", String.valueOf(p.hop()))
                    .addKeyValue("attempt", attempt).log(detail);
            if (r.passed()) {
                return true;
            }
        }
        return false;
    }

    private boolean pause(Duration d) {
        try {
            sleeper.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
