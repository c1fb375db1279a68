package io.github.vpcroutefailover.testsupport;

/**
 * The world most CLI and engine tests start from: a VPC with two zones, a NAT instance ({@code role=nat}) and a private
 * route table ({@code tier=private}) in each, and the config that manages them (route {@code default-egress},
 * 0.0.0.0/0 over nat-a then nat-b, ec2-status rise 1 / fall 1). Closing it removes the network.
 */
public record TwoNatWorld(TestNetwork net, String natA, String natB, String rtbA, String rtbB) implements AutoCloseable {

    public static TwoNatWorld create(LocalAws aws) {
        TestNetwork net = TestNetwork.create(aws, 2);
        return new TwoNatWorld(net, net.instance(0, "role=nat"), net.instance(1, "role=nat"),
                net.routeTable(0, "tier=private"), net.routeTable(1, "tier=private"));
    }

    /** This world's config (both NATs with {@code sourceDestCheck: fix}). */
    public String config() {
        return config(net.vpcId(), natA, natB, "fix");
    }

    /** The two-NAT config for any VPC and pair; {@code natASourceDestCheck} is nat-a's policy (nat-b's is fix). */
    public static String config(String vpcId, String natA, String natB, String natASourceDestCheck) {
        return header(vpcId, natA, natB, natASourceDestCheck) + """
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                """;
    }

    /** Everything of the two-NAT config up to and including {@code routes:}, for tests that list their own routes. */
    public static String header(String vpcId, String natA, String natB, String natASourceDestCheck) {
        return """
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, rise: 1, fall: 1}
                targets:
                  nat-a: {instance: %s, checks: [ec2], sourceDestCheck: %s}
                  nat-b: {instance: %s, checks: [ec2], sourceDestCheck: fix}
                routes:
                """.formatted(vpcId, natA, natASourceDestCheck, natB);
    }

    @Override
    public void close() {
        net.close();
    }
}
