package io.github.vpcroutefailover.testsupport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Builds a small VPC for a test through the real EC2 API: a VPC, one subnet per AZ, an internet gateway,
 * and whatever route tables, instances and NAT gateways the test asks for. Every resource is tagged with
 * {@code vrf:test=<run>} so that runs against a real account can find and remove what they created.
 */
public final class TestNetwork implements AutoCloseable {
    private final Ec2Client ec2;
    private final String region;
    private final String vpcId;
    private final String igwId;
    private final List<String> subnetIds = new ArrayList<>();
    private final List<String> instanceIds = new ArrayList<>();
    private final List<String> routeTableIds = new ArrayList<>();
    private final List<String> natGatewayIds = new ArrayList<>();
    private String imageId;

    private TestNetwork(LocalAws aws, String cidr, int zones) {
        this(aws.ec2(), aws.region().id(), cidr, zones);
    }

    private TestNetwork(Ec2Client ec2, String region, String cidr, int zones) {
        this.ec2 = ec2;
        this.region = region;
        this.vpcId = ec2.createVpc(r -> r.cidrBlock(cidr).tagSpecifications(tags(ResourceType.VPC, "vpc"))).vpc().vpcId();
        this.igwId = ec2.createInternetGateway(r -> r.tagSpecifications(tags(ResourceType.INTERNET_GATEWAY, "igw")))
                .internetGateway().internetGatewayId();
        ec2.attachInternetGateway(r -> r.vpcId(vpcId).internetGatewayId(igwId));
        String prefix = cidr.substring(0, cidr.indexOf('.', cidr.indexOf('.') + 1)); // "10.0"
        for (int i = 0; i < zones; i++) {
            String az = zone(i);
            String subnetCidr = prefix + "." + i + ".0/24";
            subnetIds.add(ec2.createSubnet(r -> r.vpcId(vpcId).cidrBlock(subnetCidr).availabilityZone(az)
                    .tagSpecifications(tags(ResourceType.SUBNET, "subnet-" + az))).subnet().subnetId());
        }
    }

    /** A VPC {@code 10.0.0.0/16} with one /24 subnet in each of the first {@code zones} AZs of the region. */
    public static TestNetwork create(LocalAws aws, int zones) {
        return new TestNetwork(aws, "10.0.0.0/16", zones);
    }

    /** As {@link #create(LocalAws, String, int)}, through another EC2 client: another account's (assumed role) or region's. */
    public static TestNetwork create(Ec2Client ec2, String region, String cidr, int zones) {
        return new TestNetwork(ec2, region, cidr, zones);
    }

    public String vpcId() {
        return vpcId;
    }

    public String internetGatewayId() {
        return igwId;
    }

    /** The AZ name of zone index {@code i} (0 -> "us-east-1a"). */
    public String zone(int i) {
        return region + (char) ('a' + i);
    }

    public String subnet(int zoneIndex) {
        return subnetIds.get(zoneIndex);
    }

    /** A route table associated with the subnet of the given zone, tagged with the given tags (key=value pairs). */
    public String routeTable(int zoneIndex, String... tagKeyValues) {
        String id = ec2.createRouteTable(r -> r.vpcId(vpcId).tagSpecifications(tags(ResourceType.ROUTE_TABLE, "rtb-" + zone(zoneIndex), tagKeyValues)))
                .routeTable().routeTableId();
        routeTableIds.add(id);
        ec2.associateRouteTable(r -> r.routeTableId(id).subnetId(subnet(zoneIndex)));
        return id;
    }

    /** A route table not associated with any subnet. */
    public String detachedRouteTable(String... tagKeyValues) {
        String id = ec2.createRouteTable(r -> r.vpcId(vpcId).tagSpecifications(tags(ResourceType.ROUTE_TABLE, "rtb", tagKeyValues)))
                .routeTable().routeTableId();
        routeTableIds.add(id);
        return id;
    }

    /** A running instance in the given zone's subnet, tagged with the given tags. */
    public String instance(int zoneIndex, String... tagKeyValues) {
        String id = ec2.runInstances(r -> r.imageId(image()).instanceType(InstanceType.T3_MICRO).minCount(1).maxCount(1)
                .subnetId(subnet(zoneIndex))
                .tagSpecifications(tags(ResourceType.INSTANCE, "instance-" + zone(zoneIndex), tagKeyValues)))
                .instances().get(0).instanceId();
        instanceIds.add(id);
        return id;
    }

    /** The primary network interface of an instance. */
    public String primaryEni(String instanceId) {
        return ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .networkInterfaces().stream()
                .filter(n -> n.attachment() != null && n.attachment().deviceIndex() == 0)
                .findFirst().orElseThrow().networkInterfaceId();
    }

    /** A public NAT gateway in the given zone's subnet. */
    public String natGateway(int zoneIndex) {
        String eip = ec2.allocateAddress(r -> r.domain("vpc")).allocationId();
        String id = ec2.createNatGateway(r -> r.subnetId(subnet(zoneIndex)).allocationId(eip)
                .tagSpecifications(tags(ResourceType.NATGATEWAY, "nat-" + zone(zoneIndex)))).natGateway().natGatewayId();
        natGatewayIds.add(id);
        return id;
    }

    public void stopInstance(String id) {
        ec2.stopInstances(r -> r.instanceIds(id));
    }

    public void startInstance(String id) {
        ec2.startInstances(r -> r.instanceIds(id));
    }

    /**
     * A VPC with the given /16 and one /24 per zone ({@code <a.b>.<zone>.0/24}). A {@code 127.x.0.0/16} VPC gives
     * instances loopback private IPs, so a probe or agent connecting to a target's private IP reaches a listener the
     * test opened on that address (moto does not restrict VPC ranges the way EC2 does).
     */
    public static TestNetwork create(LocalAws aws, String cidr, int zones) {
        return new TestNetwork(aws, cidr, zones);
    }

    private String image() {
        if (imageId == null) {
            List<Image> images = ec2.describeImages(r -> r.owners("amazon").filters(
                    Filter.builder().name("architecture").values("x86_64").build(),
                    Filter.builder().name("state").values("available").build())).images();
            imageId = images.stream().max(Comparator.comparing(Image::creationDate, Comparator.nullsFirst(Comparator.naturalOrder())))
                    .orElseThrow(() -> new IllegalStateException("no x86_64 Amazon image found in " + region))
                    .imageId();
        }
        return imageId;
    }

    private static TagSpecification tags(ResourceType type, String name, String... keyValues) {
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.builder().key("Name").value("vrf-test-" + name).build());
        tags.add(Tag.builder().key("vrf:test").value("true").build());
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("tag '" + kv + "' must be key=value");
            }
            tags.add(Tag.builder().key(kv.substring(0, eq)).value(kv.substring(eq + 1)).build());
        }
        return TagSpecification.builder().resourceType(type).tags(tags).build();
    }

    /** Removes what this network created; on the emulators the per-test reset makes this a formality. */
    @Override
    public void close() {
        if (!instanceIds.isEmpty()) {
            ec2.terminateInstances(r -> r.instanceIds(instanceIds));
        }
        natGatewayIds.forEach(id -> ignore(() -> ec2.deleteNatGateway(r -> r.natGatewayId(id))));
        routeTableIds.forEach(id -> ignore(() -> {
            ec2.describeRouteTables(r -> r.routeTableIds(id)).routeTables().get(0).associations()
                    .forEach(a -> ec2.disassociateRouteTable(r -> r.associationId(a.routeTableAssociationId())));
            ec2.deleteRouteTable(r -> r.routeTableId(id));
        }));
        subnetIds.forEach(id -> ignore(() -> ec2.deleteSubnet(r -> r.subnetId(id))));
        ignore(() -> ec2.detachInternetGateway(r -> r.vpcId(vpcId).internetGatewayId(igwId)));
        ignore(() -> ec2.deleteInternetGateway(r -> r.internetGatewayId(igwId)));
        ignore(() -> ec2.deleteVpc(r -> r.vpcId(vpcId)));
    }

    private static void ignore(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // Best-effort cleanup: a dependency still draining on real AWS must not fail the test that passed.
        }
    }
}
