package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.ProbeSample;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.testsupport.lab.RouteMirror;
import io.github.vpcroutefailover.testsupport.lab.Traffic;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Where an outage's time goes: timestamps ({@link System#nanoTime()}, the clock the lab's traffic uses) of each stage
 * between a fault and the first client success after it, taken from the probe's own metrics hook, the reconcile calls
 * and the route writes (decorators on the product's ports, which change nothing they pass through), the route
 * mirror's kernel route changes and the traffic samples.
 */
final class OutageTrace {
    /** One probe: when its verdict was in, of which target, and whether it passed. */
    record ProbeMark(long endNanos, String target, boolean passed) {
    }

    /** A call's start and end. */
    record Span(long startNanos, long endNanos) {
    }

    /**
     * One run, in ms after the fault (-1: did not happen within the run). {@code beforeFault} is the part of the
     * outage before the fault (last success to fault: the client's cadence, a lab artefact).
     */
    record Breakdown(double firstFailedProbe, double trigger, double routeReplaced, double reconcileMs, double replaceRouteMs,
                     double mirrored, double firstOk, double beforeFault, double outage, boolean boundary) {
        String describe() {
            return String.format(Locale.ROOT, (boundary ? "[at a probe invocation boundary] " : "") + "1st failed probe %s, fall/trigger %s, ReplaceRoute returned %s (reconcile %s, the call %s),"
                    + " mirror applied %s, first ok %s; outage %s of which %s before the fault",
                    ms(firstFailedProbe), ms(trigger), ms(routeReplaced), ms(reconcileMs), ms(replaceRouteMs), ms(mirrored), ms(firstOk),
                    ms(outage), ms(beforeFault));
        }

        private static String ms(double v) {
            return v < 0 ? "-" : String.format(Locale.ROOT, "%.0f ms", v);
        }
    }

    // Instant (the probe's clock) to nanoTime: one reference pair, good to the system clock's microseconds.
    private final long epochToNanoOffset = System.nanoTime() - toEpochNanos(Instant.now());
    private final List<ProbeMark> probes = new CopyOnWriteArrayList<>();
    private final List<Span> reconciles = new CopyOnWriteArrayList<>();
    private final List<Span> routeWrites = new CopyOnWriteArrayList<>();
    /** Probe invocations: from the deadline of one to the loop start of the next, nobody probes. */
    private final List<Long> deadlines = new CopyOnWriteArrayList<>();
    private final List<Long> loopStarts = new CopyOnWriteArrayList<>();
    /** How long after a fault detection still needs the probe (the fall-th probe): a blind gap in it delays the flip. */
    private static final long DETECTION_NANOS = 1_500_000_000L;

    /** The probe loop's metrics hook: records each probe's verdict time (round start + its latency). */
    ProbeMetrics metrics() {
        return samples -> {
            for (ProbeSample s : samples) {
                probes.add(new ProbeMark(toEpochNanos(s.at()) + epochToNanoOffset + s.result().latency().toNanos(), s.targetKey(),
                        s.result().passed()));
            }
        };
    }

    /** A probe invocation starts its loop now (its observe is done) and stops starting rounds at {@code deadline}. */
    void invocation(Instant deadline) {
        loopStarts.add(System.nanoTime());
        deadlines.add(toEpochNanos(deadline) + epochToNanoOffset);
    }

    /** Whether the detection window after {@code faultNanos} overlaps a gap between two probe invocations. */
    boolean atBoundary(long faultNanos) {
        for (int k = 0; k < deadlines.size(); k++) {
            long gapFrom = deadlines.get(k);
            long gapTo = k + 1 < loopStarts.size() ? loopStarts.get(k + 1) : Long.MAX_VALUE;
            if (gapFrom <= faultNanos + DETECTION_NANOS && gapTo >= faultNanos) {
                return true;
            }
        }
        return false;
    }

    /** Times a reconcile (the probe's trigger call). */
    <T> T reconcile(Supplier<T> call) {
        return timed(reconciles, call);
    }

    /** The route tables port with every route write timed; reads pass through untimed. */
    RouteTables routeTables(RouteTables delegate) {
        return new RouteTables() {
            @Override
            public List<ObservedRouteTable> describeVpcTables(String vpcId) {
                return delegate.describeVpcTables(vpcId);
            }

            @Override
            public List<ObservedRouteTable> describeTables(Collection<String> routeTableIds) {
                return delegate.describeTables(routeTableIds);
            }

            @Override
            public ApplyOutcome upsert(String routeTableId, Destination destination, RouteTarget target, boolean routeExists, boolean dryRun) {
                return timed(routeWrites, () -> delegate.upsert(routeTableId, destination, target, routeExists, dryRun));
            }

            @Override
            public ApplyOutcome delete(String routeTableId, Destination destination, boolean dryRun) {
                return timed(routeWrites, () -> delegate.delete(routeTableId, destination, dryRun));
            }
        };
    }

    /**
     * The stages of the run whose fault was applied at {@code faultNanos} to the NAT {@code victim}, up to
     * {@code untilNanos}. {@code victimProbes}: the probe targets whose failure is the victim's: its EC2 instance (its
     * tcp/http checks) and the data path of the subnet's table, whose route the victim holds (empty for systems
     * without a probe).
     */
    Breakdown breakdown(long faultNanos, long untilNanos, String victim, java.util.Set<String> victimProbes, String subnet, RouteMirror mirror,
                        Traffic traffic, Traffic.Outage outage) {
        double firstFailed = probes.stream().filter(p -> victimProbes.contains(p.target()) && !p.passed())
                .mapToLong(ProbeMark::endNanos).filter(t -> t >= faultNanos && t <= untilNanos).min().stream()
                .mapToDouble(t -> after(faultNanos, t)).findFirst().orElse(-1);
        Span reconcile = first(reconciles, faultNanos, untilNanos);
        Span write = first(routeWrites, faultNanos, untilNanos);
        double mirrored = mirror.changes().stream().filter(c -> c.subnet().equals(subnet) && !victim.equals(c.nat()))
                .mapToLong(RouteMirror.Change::nanos).filter(t -> t >= faultNanos && t <= untilNanos).min().stream()
                .mapToDouble(t -> after(faultNanos, t)).findFirst().orElse(-1);
        double firstOk = traffic.since(faultNanos).stream().filter(s -> s.ok() && !victim.equals(s.via()))
                .mapToLong(Traffic.Sample::endNanos).min().stream().mapToDouble(t -> after(faultNanos, t)).findFirst().orElse(-1);
        double before = outage.lastOkNanos() == 0 ? -1 : Math.max(0, (faultNanos - outage.lastOkNanos()) / 1e6);
        return new Breakdown(firstFailed, reconcile == null ? -1 : after(faultNanos, reconcile.startNanos()),
                write == null ? -1 : after(faultNanos, write.endNanos()),
                reconcile == null ? -1 : (reconcile.endNanos() - reconcile.startNanos()) / 1e6,
                write == null ? -1 : (write.endNanos() - write.startNanos()) / 1e6,
                mirrored, firstOk, before, outage.outage().toNanos() / 1e6, atBoundary(faultNanos));
    }

    private static Span first(List<Span> spans, long from, long until) {
        return spans.stream().filter(s -> s.startNanos() >= from && s.startNanos() <= until).findFirst().orElse(null);
    }

    private static double after(long fault, long t) {
        return (t - fault) / 1e6;
    }

    private static <T> T timed(List<Span> into, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            into.add(new Span(start, System.nanoTime()));
        }
    }

    private static long toEpochNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
