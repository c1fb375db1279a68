package io.github.vpcroutefailover.domain.fleet;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every VPC one controller manages. A config file with a single {@code vpc} is a fleet of one home site
 * ({@link #single}); a file with {@code vpcs} lists several, each with its own targets and routes.
 *
 * @param sites  in file order; VPC ids are unique, and so are route names across all sites (manual actions name a
 *               route, and find its VPC by that name)
 * @param single true for the single-{@code vpc} format of earlier releases
 */
public record FleetConfig(List<VpcSite> sites, boolean single) {
    public FleetConfig {
        sites = List.copyOf(sites);
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("a fleet has at least one VPC");
        }
        if (single && sites.size() != 1) {
            throw new IllegalArgumentException("a single-VPC config has exactly one site");
        }
    }

    public static FleetConfig single(FailoverConfig config) {
        return new FleetConfig(List.of(VpcSite.home(config)), true);
    }

    public Optional<VpcSite> site(String vpcId) {
        return sites.stream().filter(s -> s.vpcId().equals(vpcId)).findFirst();
    }

    /** The site whose config has a route of that name. */
    public Optional<VpcSite> siteOfRoute(String routeName) {
        return sites.stream().filter(s -> s.config().route(routeName).isPresent()).findFirst();
    }

    /** Every role the controller assumes, in file order, each once (the controller's sts:AssumeRole scope). */
    public Set<String> roleArns() {
        Set<String> out = new LinkedHashSet<>();
        sites.forEach(s -> {
            if (s.roleArn() != null) {
                out.add(s.roleArn());
            }
        });
        return out;
    }

    public boolean needsHomeAccount() {
        return sites.stream().anyMatch(VpcSite::needsHomeAccount);
    }
}
