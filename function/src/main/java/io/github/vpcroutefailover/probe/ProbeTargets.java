package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.ports.Prober;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns resolved candidates into probe targets: their TCP/HTTP checks and the private IP of the ENI routes go to. */
public final class ProbeTargets {
    private ProbeTargets() {
    }

    /**
     * @param candidates candidates of the managed routes (the same candidate may appear under several routes)
     * @param checks     the config's checks by name
     * @param enis       observed network interfaces; a candidate's route target id is its ENI id
     * @return one target per candidate key that lists at least one tcp/http check, in first-seen order; the address is
     *         null when the ENI was not observed or the candidate is a gateway (nothing to connect to)
     */
    public static List<ProbeTarget> resolve(Collection<Candidate> candidates, Map<String, CheckSpec> checks,
                                            Collection<ObservedEni> enis) {
        Map<String, String> ipByEni = new LinkedHashMap<>();
        for (ObservedEni eni : enis) {
            if (eni.privateIp() != null) {
                ipByEni.put(eni.eniId(), eni.privateIp());
            }
        }
        Map<String, String> addressByKey = new LinkedHashMap<>();
        Map<String, Set<CheckSpec>> checksByKey = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            List<CheckSpec> probeChecks = new ArrayList<>();
            for (String name : candidate.checks()) {
                CheckSpec spec = checks.get(name);
                if (spec != null && Prober.isProbeCheck(spec)) {
                    probeChecks.add(spec);
                }
            }
            if (probeChecks.isEmpty()) {
                continue;
            }
            TargetKind kind = candidate.target().kind();
            boolean hasEni = kind == TargetKind.INSTANCE || kind == TargetKind.NETWORK_INTERFACE;
            String address = hasEni ? ipByEni.get(candidate.target().id()) : null;
            addressByKey.merge(candidate.key(), address == null ? "" : address, (a, b) -> a.isEmpty() ? b : a);
            checksByKey.computeIfAbsent(candidate.key(), k -> new LinkedHashSet<>()).addAll(probeChecks);
        }
        List<ProbeTarget> targets = new ArrayList<>();
        checksByKey.forEach((key, specs) -> {
            String address = addressByKey.get(key);
            targets.add(new ProbeTarget(key, address.isEmpty() ? null : address, List.copyOf(specs)));
        });
        return targets;
    }

    /**
     * One target per data-path path: keyed by the path (the reconcile attributes results to the hop the table holds
     * when they arrive), its "address" a label naming the table (the requests go to the check's endpoints), its only
     * check the path's data-path check narrowed to that table's endpoints.
     */
    public static List<ProbeTarget> dataPaths(Collection<DataPaths.Path> paths) {
        List<ProbeTarget> out = new ArrayList<>();
        for (DataPaths.Path p : paths) {
            out.add(new ProbeTarget(p.key(), "via " + p.table().id(), List.of(p.boundCheck())));
        }
        return out;
    }
}
