package io.github.vpcroutefailover.aws.ec2;

import static io.github.vpcroutefailover.aws.light.XmlAnswers.child;
import static io.github.vpcroutefailover.aws.light.XmlAnswers.eachPage;
import static io.github.vpcroutefailover.aws.light.XmlAnswers.items;
import static io.github.vpcroutefailover.aws.light.XmlAnswers.text;

import io.github.vpcroutefailover.aws.light.Ec2Api;
import io.github.vpcroutefailover.aws.light.LightEc2Client;
import io.github.vpcroutefailover.aws.light.Pages;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.ports.Instances;
import io.github.vpcroutefailover.ports.RouteChangeException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.protocols.query.unmarshall.XmlElement;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceStatusRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceStatusResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstanceStatus;
import software.amazon.awssdk.services.ec2.model.ModifyNetworkInterfaceAttributeRequest;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SummaryStatus;
import software.amazon.awssdk.utils.DateUtils;

/** {@link Instances} over the EC2 API. Every read is one paged call however many ids it is given (up to 1000 per filter). */
public final class Ec2Instances implements Instances {
    /** EC2 accepts up to 1000 values per filter (200 for some APIs); chunk to stay well inside. */
    private static final int FILTER_VALUES = 200;
    private static final List<String> NOT_TERMINATED = List.of("pending", "running", "stopping", "stopped", "shutting-down");

    private final Ec2Api ec2;

    public Ec2Instances(Ec2Api ec2) {
        this.ec2 = Objects.requireNonNull(ec2, "ec2");
    }

    /** Over any SDK client. */
    public Ec2Instances(Ec2Client ec2) {
        this(Ec2Api.of(ec2));
    }

    @Override
    public List<ObservedInstance> describeInstances(Collection<String> instanceIds) {
        List<ObservedInstance> out = new ArrayList<>();
        for (List<String> chunk : chunks(instanceIds)) {
            // A filter rather than InstanceIds: one unknown id must not fail the read of all the others.
            describe(DescribeInstancesRequest.builder().filters(Filter.builder().name("instance-id").values(chunk).build()).build(), out);
        }
        return out;
    }

    @Override
    public List<ObservedInstance> findInstances(String vpcId, Map<String, String> tags) {
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().name("vpc-id").values(vpcId).build());
        filters.add(Filter.builder().name("instance-state-name").values(NOT_TERMINATED).build());
        tags.forEach((k, v) -> filters.add("*".equals(v)
                ? Filter.builder().name("tag-key").values(k).build()
                : Filter.builder().name("tag:" + k).values(v).build()));
        List<ObservedInstance> out = new ArrayList<>();
        describe(DescribeInstancesRequest.builder().filters(filters).build(), out);
        return out;
    }

    /**
     * Every page of one DescribeInstances. The light client's answer is read as XML ({@link #map(XmlElement)}), the
     * SDK client's as model objects ({@link #map(Instance)}); {@code Ec2InstancesXmlTest} keeps the two readings equal.
     */
    private void describe(DescribeInstancesRequest request, List<ObservedInstance> out) {
        if (!(ec2 instanceof LightEc2Client light)) {
            Pages.each("Ec2.DescribeInstances", request, ec2::describeInstances, DescribeInstancesResponse::nextToken,
                    (r, token) -> r.toBuilder().nextToken(token).build(),
                    page -> page.reservations().forEach(r -> r.instances().forEach(i -> out.add(map(i)))));
            return;
        }
        eachPage("Ec2.DescribeInstances", page -> text(page, "nextToken"), token -> light.describeInstancesXml(token == null ? request : request.toBuilder().nextToken(token).build()),
                page -> {
                    for (XmlElement reservation : items(page, "reservationSet")) {
                        for (XmlElement instance : items(reservation, "instancesSet")) {
                            out.add(map(instance));
                        }
                    }
                });
    }

    @Override
    public List<ObservedEni> describeEnis(Collection<String> eniIds) {
        List<ObservedEni> out = new ArrayList<>();
        for (List<String> chunk : chunks(eniIds)) {
            Pages.each("Ec2.DescribeNetworkInterfaces", DescribeNetworkInterfacesRequest.builder()
                            .filters(Filter.builder().name("network-interface-id").values(chunk).build()).build(),
                    ec2::describeNetworkInterfaces, DescribeNetworkInterfacesResponse::nextToken, (r, token) -> r.toBuilder().nextToken(token).build(),
                    page -> page.networkInterfaces().forEach(n -> out.add(map(n))));
        }
        return out;
    }

    @Override
    public Set<String> impairedInstances(Collection<String> instanceIds) {
        Set<String> out = new HashSet<>();
        for (List<String> chunk : chunks(instanceIds)) {
            DescribeInstanceStatusRequest request = DescribeInstanceStatusRequest.builder()
                    .filters(Filter.builder().name("instance-id").values(chunk).build()).build();
            if (ec2 instanceof LightEc2Client light) {
                // Read as XML for the reason describeInstances is (LightEc2Client.describeInstancesXml).
                eachPage("Ec2.DescribeInstanceStatus", page -> text(page, "nextToken"), token -> light.describeInstanceStatusXml(
                        token == null ? request : request.toBuilder().nextToken(token).build()), page -> {
                    for (XmlElement s : items(page, "instanceStatusSet")) {
                        if ("impaired".equals(text(child(s, "instanceStatus"), "status")) || "impaired".equals(text(child(s, "systemStatus"), "status"))) {
                            out.add(text(s, "instanceId"));
                        }
                    }
                });
                continue;
            }
            Pages.each("Ec2.DescribeInstanceStatus", request, ec2::describeInstanceStatus, DescribeInstanceStatusResponse::nextToken,
                    (r, token) -> r.toBuilder().nextToken(token).build(), page -> page.instanceStatuses().forEach(s -> {
                        if (impaired(s)) {
                            out.add(s.instanceId());
                        }
                    }));
        }
        return out;
    }

    private static boolean impaired(InstanceStatus s) {
        return (s.instanceStatus() != null && s.instanceStatus().status() == SummaryStatus.IMPAIRED)
                || (s.systemStatus() != null && s.systemStatus().status() == SummaryStatus.IMPAIRED);
    }

    @Override
    public boolean disableSourceDestCheck(String eniId, boolean dryRun) {
        try {
            if (dryRun) {
                ec2.modifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest.builder().networkInterfaceId(eniId)
                        .sourceDestCheck(b -> b.value(false)).dryRun(true).build());
                throw new IllegalStateException("ModifyNetworkInterfaceAttribute with DryRun=true succeeded instead of answering "
                        + "DryRunOperation: the endpoint ignored DryRun and changed " + eniId);
            }
            ec2.modifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest.builder().networkInterfaceId(eniId)
                    .sourceDestCheck(b -> b.value(false)).build());
            return true;
        } catch (Ec2Exception e) {
            String code = Ec2RouteTables.code(e);
            if (dryRun && "DryRunOperation".equals(code)) {
                return true;
            }
            String msg = switch (code == null ? "" : code) {
                case "InvalidNetworkInterfaceID.NotFound" -> "network interface " + eniId + " does not exist (deleted since it was observed?)";
                case "UnauthorizedOperation", "AccessDenied" -> "not permitted to disable source/dest check on " + eniId
                        + "; grant ec2:ModifyNetworkInterfaceAttribute, or set the target's sourceDestCheck to verify and disable it yourself";
                default -> "could not disable source/dest check on " + eniId + ": "
                        + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
            };
            throw new RouteChangeException(code, msg + " [" + code + "]", e);
        }
    }

    static ObservedInstance map(Instance i) {
        String zone = i.placement() == null ? null : i.placement().availabilityZone();
        List<ObservedEni> enis = new ArrayList<>();
        for (InstanceNetworkInterface n : i.networkInterfaces()) {
            int deviceIndex = n.attachment() == null || n.attachment().deviceIndex() == null ? -1 : n.attachment().deviceIndex();
            enis.add(new ObservedEni(n.networkInterfaceId(), i.instanceId(), deviceIndex, zone, n.subnetId(),
                    n.privateIpAddress(), !Boolean.FALSE.equals(n.sourceDestCheck()), n.statusAsString()));
        }
        String state = i.state() == null ? "unknown" : i.state().nameAsString();
        return new ObservedInstance(i.instanceId(), state, zone, i.launchTime(), Ec2RouteTables.tags(i.tags()), enis, false);
    }

    /** {@link #map(Instance)} on an {@code <instancesSet><item>} of EC2's XML answer: the same members, by their wire names. */
    static ObservedInstance map(XmlElement i) {
        String zone = text(child(i, "placement"), "availabilityZone");
        String instanceId = text(i, "instanceId");
        List<ObservedEni> enis = new ArrayList<>();
        for (XmlElement n : items(i, "networkInterfaceSet")) {
            String deviceIndex = text(child(n, "attachment"), "deviceIndex");
            String sourceDestCheck = text(n, "sourceDestCheck");
            // The SDK reads booleans with Boolean.parseBoolean: anything but "true" (any case) is false.
            enis.add(new ObservedEni(text(n, "networkInterfaceId"), instanceId, deviceIndex == null ? -1 : Integer.parseInt(deviceIndex), zone,
                    text(n, "subnetId"), text(n, "privateIpAddress"), sourceDestCheck == null || Boolean.parseBoolean(sourceDestCheck),
                    text(n, "status")));
        }
        XmlElement state = child(i, "instanceState");
        String launchTime = text(i, "launchTime");
        Map<String, String> tags = new LinkedHashMap<>();
        for (XmlElement t : items(i, "tagSet")) {
            String value = text(t, "value");
            tags.put(text(t, "key"), value == null ? "" : value);
        }
        return new ObservedInstance(instanceId, state == null ? "unknown" : text(state, "name"), zone,
                launchTime == null ? null : DateUtils.parseIso8601Date(launchTime), tags, enis, false);
    }

    static ObservedEni map(NetworkInterface n) {
        String instanceId = n.attachment() == null ? null : n.attachment().instanceId();
        int deviceIndex = n.attachment() == null || n.attachment().deviceIndex() == null ? -1 : n.attachment().deviceIndex();
        return new ObservedEni(n.networkInterfaceId(), instanceId, deviceIndex, n.availabilityZone(), n.subnetId(),
                n.privateIpAddress(), !Boolean.FALSE.equals(n.sourceDestCheck()), n.statusAsString());
    }

    /** The distinct ids, sorted, in chunks of at most {@link #FILTER_VALUES}: one filter each (Ec2RouteTables uses it too). */
    static List<List<String>> chunks(Collection<String> ids) {
        List<String> distinct = ids.stream().filter(Objects::nonNull).distinct().sorted().toList();
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < distinct.size(); i += FILTER_VALUES) {
            out.add(distinct.subList(i, Math.min(distinct.size(), i + FILTER_VALUES)));
        }
        return out;
    }
}
