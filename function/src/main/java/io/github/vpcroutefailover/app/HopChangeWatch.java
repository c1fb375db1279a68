package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.probe.ReportWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices, for one probe invocation, that the hop under a data path it tests has changed, so the loop reports that
 * path's first result through the new hop at once (docs/probe.md "Reporting a new hop"). Without it a steady pass is
 * handed over only when the invocation ends (a minute in the stack), and a drill or a move made by the controller,
 * which must conclude within the controller's 60 s, would wait for it.
 *
 * <p>The hint is the controller's own write: every move of a route is a claim settled in its ownership record, so
 * one strongly consistent read of the tested paths' records ({@code BatchGetItem}, one call per 100 paths) tells
 * whether a claim settled since the last read, and when. Not the route tables: EC2's Describe calls share the
 * account's request budget with the failover itself, and the record also says when the change settled, which is
 * what {@link DataPaths#attribute} measures {@code settle} from (a result made before that would be dropped). At most
 * one read per {@code every}; a failed read is logged and tried again one period later (the invocation's final
 * report is unchanged, so a lost read only delays a report).
 */
final class HopChangeWatch implements ReportWatch {
    private static final Logger LOG = LoggerFactory.getLogger(HopChangeWatch.class);

    private final Map<RouteKey, List<DataPaths.Path>> paths = new LinkedHashMap<>();
    private final Function<Collection<RouteKey>, Map<RouteKey, Ownership>> records;
    private final Duration every;
    /** Per route key, the last settled claim this invocation knows of (seeded from its observation of the world). */
    private final Map<RouteKey, Long> settled = new LinkedHashMap<>();
    private Instant nextRead;
    private int reads;
    private int failedReads;

    /**
     * @param baseline the records the invocation observed the world with (what its counters were seeded under)
     * @param records  a strongly consistent read of ownership records
     * @param every    at most one read per this (the first at the first round)
     */
    HopChangeWatch(List<DataPaths.Path> tested, Map<RouteKey, Ownership> baseline,
                   Function<Collection<RouteKey>, Map<RouteKey, Ownership>> records, Duration every) {
        for (DataPaths.Path p : tested) {
            RouteKey key = new RouteKey(p.table().id(), p.route().destination());
            paths.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
            Ownership o = baseline.get(key);
            if (o != null) {
                settled.put(key, claimOf(o));
            }
        }
        this.records = records;
        this.every = every;
    }

    @Override
    public Map<String, Instant> due(Instant now) {
        if (paths.isEmpty() || nextRead != null && now.isBefore(nextRead)) {
            return Map.of();
        }
        nextRead = now.plus(every);
        reads++;
        Map<RouteKey, Ownership> got;
        try {
            got = records.apply(paths.keySet());
        } catch (RuntimeException e) {
            failedReads++;
            LOG.atWarn().addKeyValue("event", "probe-hop-watch-failed").addKeyValue("failedReads", failedReads)
                    .log("could not read the ownership records of the tested data paths (tried again in " + every + "): " + e);
            return Map.of();
        }
        Map<String, Instant> out = new LinkedHashMap<>();
        got.forEach((key, o) -> {
            List<DataPaths.Path> ps = paths.get(key);
            if (ps == null || o.status() == Ownership.ClaimStatus.PENDING) {
                return; // mid-change: results are not attributable yet; the next read sees it settled
            }
            Long claim = claimOf(o);
            if (claim.equals(settled.put(key, claim))) {
                return;
            }
            Instant at = o.updatedAt() == null ? now : o.updatedAt();
            for (DataPaths.Path p : ps) {
                Duration settle = p.check().settle() == null ? Duration.ZERO : p.check().settle();
                out.put(p.key(), at.plus(settle));
            }
            LOG.atInfo().addKeyValue("event", "probe-hop-changed").addKeyValue("routeTableId", key.routeTableId())
                    .addKeyValue("destination", key.destination().toString()).addKeyValue("hop", String.valueOf(o.target()))
                    .log("the hop under a tested data path changed; its next result is reported at once");
        });
        return out;
    }

    int reads() {
        return reads;
    }

    /** The settled claim a record is at: a pin raises the version but moves nothing, so it does not count. */
    private static Long claimOf(Ownership o) {
        return o.claim() != null ? o.claim().version() : o.status() == Ownership.ClaimStatus.NONE ? 0L : o.version();
    }
}
