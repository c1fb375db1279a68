package io.github.vpcroutefailover.cdk;

import java.util.regex.Pattern;

/**
 * A private subnet that gets one in-VPC probe function.
 *
 * @param subnetId         where the probe's ENI lives
 * @param availabilityZone the subnet's AZ: Lambda's VPC config does not tell a function its AZ, and the probe
 *                         reports it ({@code VRF_PROBE_AZ}) so zone affinity can prefer same-AZ targets
 * @param routeTableId     the subnet's route table, for the DynamoDB gateway endpoint route (null if none is given;
 *                         required only when VPC endpoints are on)
 */
public record ProbeSubnet(String subnetId, String availabilityZone, String routeTableId) {
    private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8}([0-9a-f]{9})?");
    private static final Pattern AZ = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d[a-z]");
    private static final Pattern RTB = Pattern.compile("rtb-[0-9a-f]{8}([0-9a-f]{9})?");
    static final String FORMAT = "subnet-<id>:<availability zone>[:rtb-<id>], e.g. subnet-0aaaaaaaaaaaaaaaa:eu-west-1a:rtb-0aaaaaaaaaaaaaaaa";

    /**
     * Parses one {@code probeSubnets} entry.
     *
     * @throws IllegalArgumentException naming the entry and the expected format
     */
    public static ProbeSubnet parse(String entry) {
        String[] parts = entry.trim().split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("probeSubnets entry '" + entry + "' is not " + FORMAT);
        }
        if (!SUBNET.matcher(parts[0]).matches()) {
            throw new IllegalArgumentException("probeSubnets entry '" + entry + "': '" + parts[0] + "' is not a subnet id; expected " + FORMAT);
        }
        if (!AZ.matcher(parts[1]).matches()) {
            throw new IllegalArgumentException("probeSubnets entry '" + entry + "': '" + parts[1]
                    + "' is not an availability zone name (like eu-west-1a); expected " + FORMAT);
        }
        if (parts.length == 3 && !RTB.matcher(parts[2]).matches()) {
            throw new IllegalArgumentException("probeSubnets entry '" + entry + "': '" + parts[2] + "' is not a route table id; expected " + FORMAT);
        }
        return new ProbeSubnet(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }
}
