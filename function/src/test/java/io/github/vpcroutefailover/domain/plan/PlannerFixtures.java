package io.github.vpcroutefailover.domain.plan;

import static io.github.vpcroutefailover.domain.plan.World.NOW;
import static io.github.vpcroutefailover.domain.plan.World.hop;
import static io.github.vpcroutefailover.domain.plan.World.instanceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The planner tests' world: two private tables in 1a and 1b, NAT instances a, b (and c), a NAT gateway fallback. */
final class PlannerFixtures {
    private PlannerFixtures() {
    }

    static final String RTB_A = "rtb-0000000000000000a";
    static final String RTB_B = "rtb-0000000000000000b";
    static final String RTB_C = "rtb-0000000000000000c";
    static final String A = instanceId('a');
    static final String B = instanceId('b');
    static final String C = instanceId('c');
    static final RouteTarget NAT_GW = RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-0cccccccccccccccc");
    static final Map<String, String> PRIVATE = Map.of("tier", "private");
    static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));

    static RouteKey key(String table) {
        return key(table, "0.0.0.0/0");
    }

    static RouteKey key(String table, String dest) {
        return new RouteKey(table, Destination.parse(dest));
    }

    static String natConfig(String policy) {
        return """
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  tcp: {type: tcp, port: 22}
                targets:
                  nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [tcp]}
                  nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [tcp]}
                  nat-c: {instance: i-0cccccccccccccccc, checks: [tcp]}
                  nat-gw: {natGateway: nat-0cccccccccccccccc}
                routes:
                  - name: egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    fallback: [nat-gw]
                    policy: %s
                """.formatted(policy);
    }

    /** Tables in 1a and 1b, NAT instances a (1a) and b (1b), both healthy for an hour. */
    static World nat(String policy) {
        return new World(natConfig(policy))
                .table(RTB_A, "us-east-1a", PRIVATE).table(RTB_B, "us-east-1b", PRIVATE)
                .instance('a', "us-east-1a").instance('b', "us-east-1b").instance('c', "us-east-1c")
                .healthy(A, LONG_AGO, "tcp").healthy(B, LONG_AGO, "tcp");
    }

    static World natConverged(String policy) {
        return nat(policy).route(RTB_A, "0.0.0.0/0", hop('a')).route(RTB_B, "0.0.0.0/0", hop('b'));
    }

    static RouteAction only(Plan p) {
        assertThat(p.actions()).hasSize(1);
        return p.actions().get(0);
    }

    static RouteStatus status(Plan p, RouteKey k) {
        return p.routes().stream().filter(s -> s.key().equals(k)).findFirst().orElseThrow();
    }
}
