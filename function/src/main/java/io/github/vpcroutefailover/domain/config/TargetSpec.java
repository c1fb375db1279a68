package io.github.vpcroutefailover.domain.config;

import java.util.List;
import java.util.Map;

/** A named next hop in the config. */
public sealed interface TargetSpec permits TargetSpec.Instance, TargetSpec.Eni, TargetSpec.Gateway {
    String name();

    /** Check names that must all pass; gateways may have none (AWS runs them). */
    List<String> checks();

    /** What to do about source/destination checking before pointing a route at an instance or ENI. */
    enum SourceDestCheck {
        /** Refuse to route to a target that still has the check enabled (the route would drop forwarded traffic). */
        VERIFY,
        /** Disable the check (ec2:ModifyNetworkInterfaceAttribute) before routing to the target. */
        FIX,
        /** Do not look (e.g. the target only terminates traffic for its own /32). */
        IGNORE
    }

    /**
     * An instance by id, or every non-terminated instance in the VPC whose tags match (all of {@code tags} must
     * match). Routes go to the ENI at {@code deviceIndex} (0 = primary), which is what multi-ENI appliances need.
     */
    record Instance(String name, String instanceId, Map<String, String> tags, int deviceIndex, List<String> checks,
                    SourceDestCheck sourceDestCheck) implements TargetSpec {
        public Instance {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            checks = List.copyOf(checks);
        }

        public boolean byTags() {
            return instanceId == null;
        }
    }

    /** A specific network interface, e.g. one leg of a multi-ENI appliance. */
    record Eni(String name, String eniId, List<String> checks, SourceDestCheck sourceDestCheck) implements TargetSpec {
        public Eni {
            checks = List.copyOf(checks);
        }
    }

    /**
     * A next hop AWS runs: a regional gateway (NAT gateway, transit gateway, ...), typically a fallback used when no
     * candidate is healthy; a Gateway Load Balancer endpoint; or a transit gateway attachment.
     *
     * @param applianceInstanceId for endpoints and attachments: the instance of the appliance behind this next hop,
     *                            whose health is this next hop's health (its agent, EC2 status and alarm checks
     *                            judge it); null when the target's own alarm checks are the only health
     */
    record Gateway(String name, io.github.vpcroutefailover.domain.model.TargetKind kind, String id, List<String> checks,
                   String applianceInstanceId) implements TargetSpec {
        public Gateway {
            checks = List.copyOf(checks);
        }

        public Gateway(String name, io.github.vpcroutefailover.domain.model.TargetKind kind, String id, List<String> checks) {
            this(name, kind, id, checks, null);
        }
    }
}
