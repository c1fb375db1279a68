package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller for every VPC of a {@link FleetConfig}: each VPC has its own {@link Controller} (its own clients,
 * credentials and key scope, built on first use and kept for the process), and every trigger runs on all of them
 * through the {@link FleetScheduler}, so one VPC's failure or throttling is reported for that VPC and never keeps
 * another from converging. A VPC whose controller cannot even be built (its role cannot be assumed) is such a
 * failure too.
 */
public final class FleetController {
    private static final Logger LOG = LoggerFactory.getLogger(FleetController.class);
    /** Enough to give each of dozens of VPCs a thread without starving Lambda's own (BENCHMARKS.md "Many VPCs"). */
    public static final int DEFAULT_PARALLELISM = 8;

    private final FleetConfig fleet;
    private final Function<VpcSite, Controller> build;
    private final Map<String, Controller> controllers = new ConcurrentHashMap<>();
    private final FleetScheduler scheduler;

    public FleetController(FleetConfig fleet, Function<VpcSite, Controller> build, int parallelism) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.build = Objects.requireNonNull(build, "build");
        this.scheduler = new FleetScheduler(parallelism);
    }

    public FleetConfig fleet() {
        return fleet;
    }

    /** The VPC's controller, built on first use. */
    public Controller controller(VpcSite site) {
        return controllers.computeIfAbsent(site.vpcId(), id -> build.apply(site));
    }

    /** A scheduled reconcile of every VPC. */
    public List<FleetScheduler.Run<VpcSite, ReconcileResult>> reconcile(String caller) {
        return each("reconcile", c -> c.reconcile(caller));
    }

    /** {@code work} on every VPC's controller, isolated; failures are logged per VPC and returned, never thrown. */
    public <T> List<FleetScheduler.Run<VpcSite, T>> each(String what, Function<Controller, T> work) {
        return eachSite(what, site -> work.apply(controller(site)));
    }

    /** As {@link #each}, handed the site itself (for work that needs more of the VPC's graph than its controller). */
    public <T> List<FleetScheduler.Run<VpcSite, T>> eachSite(String what, Function<VpcSite, T> work) {
        List<FleetScheduler.Run<VpcSite, T>> runs = scheduler.run(fleet.sites(), work);
        for (FleetScheduler.Run<VpcSite, T> r : runs) {
            if (!r.ok()) {
                LOG.atError().setCause(r.failure()).addKeyValue("event", "vpc-failed").addKeyValue("what", what)
                        .addKeyValue("vpc", r.site().vpcId()).addKeyValue("account", r.site().account())
                        .addKeyValue("region", r.site().region()).addKeyValue("budgetMs", r.budget().toMillis())
                        .log(what + " of " + r.site().label() + " failed; the other VPCs went on: " + r.failure());
            }
        }
        return runs;
    }

    /** Per VPC: its label, ok, and either {@code detail(value)} or the error. The handlers' JSON answer. */
    public static <T> List<Map<String, Object>> describe(List<FleetScheduler.Run<VpcSite, T>> runs, Function<T, Object> detail) {
        return runs.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vpc", r.site().vpcId());
            if (r.site().account() != null) {
                m.put("account", r.site().account());
            }
            if (r.site().region() != null) {
                m.put("region", r.site().region());
            }
            m.put("ok", r.ok());
            if (r.ok()) {
                m.put("result", detail.apply(r.value()));
            } else {
                String message = r.failure().getClass().getSimpleName() + ": " + r.failure().getMessage();
                // SDK messages can be long (and quote request ids); the log line has the whole exception.
                m.put("error", message.length() > 500 ? message.substring(0, 500) + "..." : message);
            }
            return m;
        }).toList();
    }
}
