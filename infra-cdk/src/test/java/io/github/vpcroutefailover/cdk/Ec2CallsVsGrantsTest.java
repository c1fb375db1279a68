package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reads the controller's EC2 adapters (function/.../aws/ec2) and the actions ControllerPermissions grants, and
 * checks them against each other: an EC2 operation added to an adapter without its IAM action would pass every
 * emulator test (moto does not enforce IAM) and fail only in a real account, with AccessDenied, during a failover.
 * The Sandbox (cli) holds an SDK Ec2Client, but runs with the operator's own credentials, not the controller role.
 */
class Ec2CallsVsGrantsTest {
    private static final Path EC2_ADAPTERS = SampleConfigs.repoRoot().resolve("function/src/main/java/io/github/vpcroutefailover/aws/ec2");
    /**
     * {@code ec2.createThing(}, {@code ec2::describeThings} (a paged read through {@code Pages.each}) or
     * {@code light.describeThingsXml(} (the light client's XML reading of the same operation): each names the API operation.
     */
    private static final Pattern CALL = Pattern.compile("\\b(?:ec2\\.|ec2::|light\\.)([a-z][A-Za-z]*?)(?:Paginator|Xml)?(?=[(,)\\s])");

    private static Set<String> actionsCalledIn(Path source) throws IOException {
        String code = Files.readString(source);
        Set<String> out = new TreeSet<>();
        Matcher m = CALL.matcher(code);
        while (m.find()) {
            out.add("ec2:" + Character.toUpperCase(m.group(1).charAt(0)) + m.group(1).substring(1));
        }
        return out;
    }

    @Test
    void everyAdapterHoldsItsClientAsEc2SoTheScanSeesEveryCall() throws IOException {
        // Why: the scan keys on the field name; an adapter naming its client otherwise would be silently unchecked.
        try (Stream<Path> files = Files.list(EC2_ADAPTERS)) {
            List<Path> adapters = files.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(adapters).hasSizeGreaterThanOrEqualTo(3);
            for (Path adapter : adapters) {
                String code = Files.readString(adapter);
                if (code.contains("Ec2Api")) {
                    assertThat(code).as(adapter.toString()).contains("Ec2Api ec2;");
                    assertThat(actionsCalledIn(adapter)).as(adapter.toString()).isNotEmpty();
                }
            }
        }
    }

    @Test
    void theTransitGatewayAdapterCallsExactlyTheGrantedTransitGatewayActions() throws IOException {
        // Why: both directions. Every call needs its action (SearchTransitGatewayRoutes and the two Describe calls
        // included), and every granted action is one the adapter uses (no grant kept "just in case").
        Set<String> called = actionsCalledIn(EC2_ADAPTERS.resolve("Ec2TransitGatewayRouteTables.java"));
        Set<String> granted = new TreeSet<>(ControllerPermissions.TGW_ROUTE_MUTATIONS);
        granted.addAll(ControllerPermissions.TGW_DESCRIBE);
        assertThat(called).isEqualTo(granted);
    }

    @Test
    void theVpcAdaptersCallOnlyGrantedActions() throws IOException {
        // Why: route tables of every VPC kind (subnet, main, gateway/edge) and the instances behind targets go
        // through these; each call must be covered by ObserveVpc, a route-table statement or FixSourceDestCheck.
        Set<String> granted = new TreeSet<>(ControllerPermissions.EC2_DESCRIBE);
        granted.addAll(ControllerPermissions.ROUTE_MUTATIONS);
        granted.add("ec2:ModifyNetworkInterfaceAttribute");
        Set<String> called = new TreeSet<>(actionsCalledIn(EC2_ADAPTERS.resolve("Ec2RouteTables.java")));
        called.addAll(actionsCalledIn(EC2_ADAPTERS.resolve("Ec2Instances.java")));
        assertThat(called).contains("ec2:DescribeRouteTables", "ec2:DescribeSubnets", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus",
                "ec2:DescribeNetworkInterfaces", "ec2:ReplaceRoute");
        assertThat(granted).containsAll(called);
    }
}
