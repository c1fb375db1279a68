package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.Reconciler.World;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.ports.Instances;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.ports.CallDeadline;
import io.github.vpcroutefailover.ports.TargetStateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Reconcile phase 1, observe: reads EC2 and both tables in a bounded number of calls into one {@link World}. */
final class WorldObserver {
    private final RouteTables routeTables;
    private final Instances instances;
    private final OwnershipStore ownership;
    private final TargetStateStore targetStates;

    WorldObserver(RouteTables routeTables, Instances instances, OwnershipStore ownership, TargetStateStore targetStates) {
        this.routeTables = routeTables;
        this.instances = instances;
        this.ownership = ownership;
        this.targetStates = targetStates;
    }

    /**
     * Reads the world in a fixed number of calls: it grows with pages and configured targets, never with routes.
     *
     * <p>Ownership is read <em>before</em> the route tables. A writer marks a record APPLIED only after its EC2 change,
     * so whatever version we see, the tables we read afterwards already contain that version's change. Read the
     * other way round, we could pair an old table with the new record, plan the same change again on the new
     * version, and win that claim: a second, redundant route change.
     */
    World observe(FailoverConfig config) {
        Set<String> eniIds = new LinkedHashSet<>();
        Set<String> configured = new LinkedHashSet<>();
        Set<Map<String, String>> tagSets = new LinkedHashSet<>();
        for (TargetSpec t : config.targets().values()) {
            switch (t) {
                case TargetSpec.Eni e -> eniIds.add(e.eniId());
                case TargetSpec.Instance i -> {
                    if (i.byTags()) {
                        tagSets.add(i.tags());
                    } else {
                        configured.add(i.instanceId());
                    }
                }
                case TargetSpec.Gateway g -> {
                }
            }
        }
        // Independent reads run in parallel, so a slow endpoint costs its latency once per dependency level rather
        // than once per read. The one ordering kept: route tables are read after ownership (see above).
        try (ExecutorService pool = Executors.newFixedThreadPool(4, Reconciler.threads())) {
            Future<Map<RouteKey, Ownership>> owners = pool.submit(CallDeadline.propagate(ownership::loadAll));
            Future<List<ObservedRouteTable>> tables = pool.submit(CallDeadline.propagate(() -> {
                Reconciler.get(owners);
                return routeTables.describeVpcTables(config.vpcId());
            }));
            Future<Map<String, TargetState>> states = pool.submit(CallDeadline.propagate(targetStates::loadAll));
            Future<List<ObservedEni>> enisF = pool.submit(CallDeadline.propagate(
                    () -> eniIds.isEmpty() ? List.<ObservedEni>of() : instances.describeEnis(eniIds)));
            Future<List<ObservedInstance>> byTags = pool.submit(CallDeadline.propagate(() -> {
                List<ObservedInstance> out = new ArrayList<>();
                for (Map<String, String> tags : tagSets) {
                    out.addAll(instances.findInstances(config.vpcId(), tags));
                }
                return out;
            }));
            Future<List<ObservedInstance>> named = pool.submit(CallDeadline.propagate(
                    () -> configured.isEmpty() ? List.<ObservedInstance>of() : instances.describeInstances(configured)));
            List<ObservedEni> enis = Reconciler.get(enisF);
            Map<String, ObservedInstance> found = new LinkedHashMap<>();
            Reconciler.get(named).forEach(i -> found.put(i.instanceId(), i));
            Set<String> behindEnis = new LinkedHashSet<>();
            enis.stream().map(ObservedEni::attachedInstanceId).filter(Objects::nonNull).filter(id -> !found.containsKey(id))
                    .forEach(behindEnis::add);
            if (!behindEnis.isEmpty()) {
                instances.describeInstances(behindEnis).forEach(i -> found.put(i.instanceId(), i));
            }
            Reconciler.get(byTags).forEach(i -> found.putIfAbsent(i.instanceId(), i));
            List<ObservedInstance> observed = new ArrayList<>(found.values());
            boolean wantStatus = config.checks().values().stream().anyMatch(c -> c instanceof CheckSpec.Ec2Status s && s.statusChecks());
            List<String> running = observed.stream().filter(ObservedInstance::running).map(ObservedInstance::instanceId).toList();
            if (wantStatus && !running.isEmpty()) {
                Set<String> impaired = instances.impairedInstances(running);
                observed = observed.stream().map(i -> impaired.contains(i.instanceId())
                        ? new ObservedInstance(i.instanceId(), i.state(), i.zone(), i.launchTime(), i.tags(), i.enis(), true) : i).toList();
            }
            List<ObservedRouteTable> vpcTables = Reconciler.get(tables);
            if (vpcTables.isEmpty()) {
                // Every VPC has a main route table, so none means the VPC is not there (wrong id, account or region).
                throw new WorldMismatchException("vpc", "vpc " + config.vpcId() + " has no route tables: it does not exist in this account and "
                        + "region (every VPC has a main route table). Fix 'vpc' in the config, or deploy to the VPC's account and region");
            }
            return new World(enrich(vpcTables, observed, enis), observed, enis, Reconciler.get(owners), Reconciler.get(states));
        }
    }

    /**
     * EC2 reports the instance behind an ENI route; not every endpoint does (moto). Fill it in from the instances we
     * observed so that a route to an instance's ENI is recognised as that instance.
     */
    static List<ObservedRouteTable> enrich(List<ObservedRouteTable> tables, List<ObservedInstance> instances, List<ObservedEni> enis) {
        Map<String, String> instanceOfEni = new HashMap<>();
        instances.forEach(i -> i.enis().forEach(e -> instanceOfEni.put(e.eniId(), i.instanceId())));
        enis.stream().filter(e -> e.attachedInstanceId() != null).forEach(e -> instanceOfEni.put(e.eniId(), e.attachedInstanceId()));
        List<ObservedRouteTable> out = new ArrayList<>(tables.size());
        for (ObservedRouteTable t : tables) {
            List<ObservedRoute> routes = t.routes().stream().map(r -> {
                RouteTarget target = r.target();
                if (target != null && target.kind() == TargetKind.NETWORK_INTERFACE && target.instanceId() == null
                        && instanceOfEni.containsKey(target.id())) {
                    return new ObservedRoute(r.destination(), RouteTarget.eni(target.id(), instanceOfEni.get(target.id())),
                            r.blackhole(), r.origin());
                }
                return r;
            }).toList();
            out.add(new ObservedRouteTable(t.id(), t.vpcId(), t.tags(), t.subnetIds(), t.main(), t.zone(), routes));
        }
        return out;
    }
}
