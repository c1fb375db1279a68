package io.github.vpcroutefailover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;

/**
 * Proves the test bed speaks the EC2 route API the product depends on, through the real SDK client:
 * route tables in two AZs, Create/Replace/DeleteRoute, and DescribeRouteTables with filters and pages.
 */
@ExtendWith(LocalAwsExtension.class)
class Ec2RouteApiIT {

    @Test
    void createReplaceAndDeleteRoutesBetweenInstancesInTwoZones(LocalAws aws) {
        Ec2Client ec2 = aws.ec2();
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String natA = net.instance(0, "role=nat");
            String natB = net.instance(1, "role=nat");
            String rtbA = net.routeTable(0, "tier=private");

            ec2.createRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("0.0.0.0/0").instanceId(natA));
            assertThat(route(ec2, rtbA, "0.0.0.0/0").instanceId()).isEqualTo(natA);

            ec2.replaceRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("0.0.0.0/0").instanceId(natB));
            assertThat(route(ec2, rtbA, "0.0.0.0/0").instanceId()).isEqualTo(natB);

            // An ENI target is what multi-ENI appliances need.
            String eniA = net.primaryEni(natA);
            ec2.createRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("192.168.1.1/32").networkInterfaceId(eniA));
            assertThat(route(ec2, rtbA, "192.168.1.1/32").networkInterfaceId()).isEqualTo(eniA);

            ec2.deleteRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("192.168.1.1/32"));
            assertThat(table(ec2, rtbA).routes()).extracting(Route::destinationCidrBlock).doesNotContain("192.168.1.1/32");

            // The 'local' route exists in every table and must never be ours to change.
            assertThat(table(ec2, rtbA).routes()).anySatisfy(r -> assertThat(r.gatewayId()).isEqualTo("local"));
        }
    }

    @Test
    void creatingARouteThatExistsFails(LocalAws aws) {
        Ec2Client ec2 = aws.ec2();
        try (TestNetwork net = TestNetwork.create(aws, 1)) {
            String nat = net.instance(0);
            String rtb = net.routeTable(0);
            ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("0.0.0.0/0").instanceId(nat));

            assertThatThrownBy(() -> ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("0.0.0.0/0").instanceId(nat)))
                    .isInstanceOf(Ec2Exception.class)
                    .satisfies(e -> assertThat(((Ec2Exception) e).awsErrorDetails().errorCode()).isEqualTo("RouteAlreadyExists"));
        }
    }

    @Test
    void describeRouteTablesFiltersByTagSubnetAndVpc(LocalAws aws) {
        Ec2Client ec2 = aws.ec2();
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String rtbA = net.routeTable(0, "tier=private", "az=a");
            String rtbB = net.routeTable(1, "tier=private", "az=b");
            String pub = net.detachedRouteTable("tier=public");

            assertThat(ids(ec2, Filter.builder().name("tag:tier").values("private").build(),
                    Filter.builder().name("vpc-id").values(net.vpcId()).build()))
                    .containsExactlyInAnyOrder(rtbA, rtbB);
            assertThat(ids(ec2, Filter.builder().name("association.subnet-id").values(net.subnet(1)).build()))
                    .containsExactly(rtbB);
            assertThat(ids(ec2, Filter.builder().name("tag:tier").values("public").build(),
                    Filter.builder().name("vpc-id").values(net.vpcId()).build()))
                    .containsExactly(pub);
            assertThat(ids(ec2, Filter.builder().name("association.main").values("true").build(),
                    Filter.builder().name("vpc-id").values(net.vpcId()).build()))
                    .hasSize(1).doesNotContain(rtbA, rtbB, pub);
        }
    }

    @Test
    void describeRouteTablesPaginates(LocalAws aws) {
        Ec2Client ec2 = aws.ec2();
        try (TestNetwork net = TestNetwork.create(aws, 1)) {
            List<String> created = IntStream.range(0, 12).mapToObj(i -> net.detachedRouteTable("batch=paging")).toList();
            aws.calls().reset();

            List<software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse> pages = ec2.describeRouteTablesPaginator(
                    DescribeRouteTablesRequest.builder()
                            .filters(Filter.builder().name("tag:batch").values("paging").build())
                            .maxResults(5).build())
                    .stream().toList();
            List<String> seen = pages.stream().flatMap(p -> p.routeTables().stream()).map(RouteTable::routeTableId).toList();

            assertThat(seen).containsExactlyInAnyOrderElementsOf(created);
            // One call per page: the count a reconcile makes grows with pages, never with items.
            assertThat(aws.calls().snapshot()).containsEntry("Ec2.DescribeRouteTables", (long) pages.size());
            if (aws.target() != AwsTarget.LOCAL_EMULATORS) {
                // moto ignores MaxResults here and answers with one page; EC2 and LocalStack page at 5.
                assertThat(pages).hasSize(3).allSatisfy(p -> assertThat(p.routeTables()).hasSizeLessThanOrEqualTo(5));
            }
        }
    }

    private static List<String> ids(Ec2Client ec2, Filter... filters) {
        return ec2.describeRouteTablesPaginator(r -> r.filters(filters)).routeTables().stream()
                .map(RouteTable::routeTableId).toList();
    }

    private static RouteTable table(Ec2Client ec2, String id) {
        return ec2.describeRouteTables(r -> r.routeTableIds(id)).routeTables().get(0);
    }

    private static Route route(Ec2Client ec2, String rtb, String cidr) {
        return table(ec2, rtb).routes().stream().filter(r -> cidr.equals(r.destinationCidrBlock())).findFirst().orElseThrow();
    }
}
