package io.github.vpcroutefailover.domain.config;

import java.time.Duration;

/**
 * A named health check. A target is healthy only when every check it lists passes (after rise/fall).
 * {@code rise}/{@code fall}: consecutive passes to become healthy / failures to become unhealthy
 * (defaults 2 and 3, as AWSnycast).
 */
public sealed interface CheckSpec permits CheckSpec.Agent, CheckSpec.Tcp, CheckSpec.Http, CheckSpec.Ec2Status, CheckSpec.Alarm,
        CheckSpec.DataPath {
    int DEFAULT_RISE = 2;
    int DEFAULT_FALL = 3;

    String name();

    int rise();

    int fall();

    /**
     * Results the on-instance agent publishes as the CloudWatch metric {@code CheckResult} with dimensions
     * {@code InstanceId} and {@code Check=agentCheck}. No datapoint for {@code staleAfter} counts as a failure.
     *
     * @param reportedByPeers {@code reportedBy: peers}: the result comes from the OTHER targets that list this check,
     *                        whose agents probe this one with a peer check and publish {@code Check=<agentCheck>:<this
     *                        instance id>} under their own InstanceId. The target fails only when every peer that
     *                        reported failed to reach it; silent peers are not held against it.
     */
    record Agent(String name, String agentCheck, Duration staleAfter, int rise, int fall, boolean reportedByPeers) implements CheckSpec {
        /** A check the target's own agent publishes ({@code reportedBy: self}, the default). */
        public Agent(String name, String agentCheck, Duration staleAfter, int rise, int fall) {
            this(name, agentCheck, staleAfter, rise, fall, false);
        }
    }

    /** TCP connect from the in-VPC probe function to the target's private IP. */
    record Tcp(String name, int port, Duration timeout, Duration interval, int rise, int fall) implements CheckSpec {
    }

    /** HTTP(S) request from the probe function; passes on {@code expectStatus} and, if set, a body containing {@code bodyContains}. */
    record Http(String name, String scheme, int port, String path, int expectStatus, String bodyContains,
                Duration timeout, Duration interval, int rise, int fall) implements CheckSpec {
    }

    /** EC2's own view: the instance is running and, if {@code statusChecks}, DescribeInstanceStatus is not impaired. */
    record Ec2Status(String name, boolean statusChecks, int rise, int fall) implements CheckSpec {
    }

    /** A CloudWatch alarm: ALARM fails the check at once (the fast path); OK counts as a pass towards rise. */
    record Alarm(String name, String alarmName, int rise, int fall) implements CheckSpec {
    }

    /**
     * A request THROUGH a route, from the private side: the probe sits in the private subnets whose tables are
     * managed and requests egress endpoints; the verdict belongs to the hop the route points at there. It is bound to
     * routes (not listed on targets) and judged per route by the planner: a failing data path fails the hop for
     * that route unless it fails through every candidate (then the destination itself is likely down and the route
     * stays). See {@link DataPathCheck} for the endpoint model.
     *
     * @param routes      the routes whose data path this checks (by name)
     * @param endpoints   endpoints requested from any probed table with no more specific entry in {@code paths}
     * @param paths       per-subnet or per-AZ endpoint lists (a subnet match wins over a zone match)
     * @param forgetAfter a failure older than this no longer counts against a hop that stopped carrying the route
     *                    (nothing re-tests it until it carries the route again)
     * @param settle      observations made within this time after the route changed are not attributed (the VPC
     *                    router may still use the old hop)
     */
    record DataPath(String name, java.util.List<String> routes, java.util.List<DataPathCheck.Endpoint> endpoints,
                    java.util.List<DataPathCheck.PathEndpoints> paths, Duration timeout, Duration interval,
                    Duration forgetAfter, Duration settle, int rise, int fall) implements CheckSpec {
        public DataPath {
            routes = java.util.List.copyOf(routes);
            endpoints = java.util.List.copyOf(endpoints);
            paths = java.util.List.copyOf(paths);
        }

        /** The endpoints for a table: its subnet's entry, else its zone's, else the default list (maybe empty). */
        public java.util.List<DataPathCheck.Endpoint> endpointsFor(java.util.Set<String> subnetIds, String zone) {
            for (DataPathCheck.PathEndpoints p : paths) {
                if (p.subnet() != null && subnetIds.contains(p.subnet())) {
                    return p.endpoints();
                }
            }
            for (DataPathCheck.PathEndpoints p : paths) {
                if (p.zone() != null && p.zone().equals(zone)) {
                    return p.endpoints();
                }
            }
            return endpoints;
        }

        /** This check narrowed to one table's endpoints (what one probe target runs). */
        public DataPath boundTo(java.util.List<DataPathCheck.Endpoint> tableEndpoints) {
            return new DataPath(name, routes, tableEndpoints, java.util.List.of(), timeout, interval, forgetAfter, settle, rise, fall);
        }
    }
}
