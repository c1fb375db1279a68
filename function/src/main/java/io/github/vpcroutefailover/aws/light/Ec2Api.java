package io.github.vpcroutefailover.aws.light;

import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateRouteRequest;
import software.amazon.awssdk.services.ec2.model.CreateRouteResponse;
import software.amazon.awssdk.services.ec2.model.CreateTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.CreateTransitGatewayRouteResponse;
import software.amazon.awssdk.services.ec2.model.DeleteRouteRequest;
import software.amazon.awssdk.services.ec2.model.DeleteRouteResponse;
import software.amazon.awssdk.services.ec2.model.DeleteTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.DeleteTransitGatewayRouteResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceStatusRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceStatusResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeTransitGatewayAttachmentsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeTransitGatewayAttachmentsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeTransitGatewayRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeTransitGatewayRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.ModifyNetworkInterfaceAttributeRequest;
import software.amazon.awssdk.services.ec2.model.ModifyNetworkInterfaceAttributeResponse;
import software.amazon.awssdk.services.ec2.model.ReplaceRouteRequest;
import software.amazon.awssdk.services.ec2.model.ReplaceRouteResponse;
import software.amazon.awssdk.services.ec2.model.ReplaceTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.ReplaceTransitGatewayRouteResponse;
import software.amazon.awssdk.services.ec2.model.SearchTransitGatewayRoutesRequest;
import software.amazon.awssdk.services.ec2.model.SearchTransitGatewayRoutesResponse;

/**
 * The EC2 operations the adapters call, and nothing else: implemented by {@link LightEc2Client}, and by
 * {@link #of(Ec2Client)} over any SDK client. Not {@link Ec2Client} itself: that interface declares ~2,000 operations
 * (a 1.1 MB class), and loading it plus a class implementing it cost a cold controller ~50 ms of init (issue #17).
 * Being this narrow also lets the compiler keep the adapters and the light client in step: an operation the light
 * client lacks cannot be called.
 */
public interface Ec2Api extends AutoCloseable {

    /** Any SDK client (the generated one, LocalStack's, a test's) as the adapters' EC2. */
    static Ec2Api of(Ec2Client sdk) {
        return new Sdk(Objects.requireNonNull(sdk, "sdk"));
    }

    DescribeRouteTablesResponse describeRouteTables(DescribeRouteTablesRequest request);

    DescribeSubnetsResponse describeSubnets(DescribeSubnetsRequest request);

    DescribeInstancesResponse describeInstances(DescribeInstancesRequest request);

    DescribeInstanceStatusResponse describeInstanceStatus(DescribeInstanceStatusRequest request);

    DescribeNetworkInterfacesResponse describeNetworkInterfaces(DescribeNetworkInterfacesRequest request);

    DescribeTransitGatewayRouteTablesResponse describeTransitGatewayRouteTables(DescribeTransitGatewayRouteTablesRequest request);

    DescribeTransitGatewayAttachmentsResponse describeTransitGatewayAttachments(DescribeTransitGatewayAttachmentsRequest request);

    SearchTransitGatewayRoutesResponse searchTransitGatewayRoutes(SearchTransitGatewayRoutesRequest request);

    CreateRouteResponse createRoute(CreateRouteRequest request);

    ReplaceRouteResponse replaceRoute(ReplaceRouteRequest request);

    DeleteRouteResponse deleteRoute(DeleteRouteRequest request);

    CreateTransitGatewayRouteResponse createTransitGatewayRoute(CreateTransitGatewayRouteRequest request);

    ReplaceTransitGatewayRouteResponse replaceTransitGatewayRoute(ReplaceTransitGatewayRouteRequest request);

    DeleteTransitGatewayRouteResponse deleteTransitGatewayRoute(DeleteTransitGatewayRouteRequest request);

    ModifyNetworkInterfaceAttributeResponse modifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest request);

    /** {@link #describeRouteTables(DescribeRouteTablesRequest)} of a request built in place, as the SDK clients offer. */
    default DescribeRouteTablesResponse describeRouteTables(Consumer<DescribeRouteTablesRequest.Builder> request) {
        return describeRouteTables(DescribeRouteTablesRequest.builder().applyMutation(request).build());
    }

    /** {@link #describeSubnets(DescribeSubnetsRequest)} of a request built in place, as the SDK clients offer. */
    default DescribeSubnetsResponse describeSubnets(Consumer<DescribeSubnetsRequest.Builder> request) {
        return describeSubnets(DescribeSubnetsRequest.builder().applyMutation(request).build());
    }

    /** {@link #describeInstances(DescribeInstancesRequest)} of a request built in place, as the SDK clients offer. */
    default DescribeInstancesResponse describeInstances(Consumer<DescribeInstancesRequest.Builder> request) {
        return describeInstances(DescribeInstancesRequest.builder().applyMutation(request).build());
    }

    /** {@link #describeInstanceStatus(DescribeInstanceStatusRequest)} of a request built in place, as the SDK clients offer. */
    default DescribeInstanceStatusResponse describeInstanceStatus(Consumer<DescribeInstanceStatusRequest.Builder> request) {
        return describeInstanceStatus(DescribeInstanceStatusRequest.builder().applyMutation(request).build());
    }

    /** {@link #describeNetworkInterfaces(DescribeNetworkInterfacesRequest)} of a request built in place, as the SDK clients offer. */
    default DescribeNetworkInterfacesResponse describeNetworkInterfaces(Consumer<DescribeNetworkInterfacesRequest.Builder> request) {
        return describeNetworkInterfaces(DescribeNetworkInterfacesRequest.builder().applyMutation(request).build());
    }

    /** {@link #describeTransitGatewayRouteTables(DescribeTransitGatewayRouteTablesRequest)} of a request built in place, as the SDK clients offer. */
    default DescribeTransitGatewayRouteTablesResponse describeTransitGatewayRouteTables(Consumer<DescribeTransitGatewayRouteTablesRequest.Builder> request) {
        return describeTransitGatewayRouteTables(DescribeTransitGatewayRouteTablesRequest.builder().applyMutation(request).build());
    }

    /** {@link #describeTransitGatewayAttachments(DescribeTransitGatewayAttachmentsRequest)} of a request built in place, as the SDK clients offer. */
    default DescribeTransitGatewayAttachmentsResponse describeTransitGatewayAttachments(Consumer<DescribeTransitGatewayAttachmentsRequest.Builder> request) {
        return describeTransitGatewayAttachments(DescribeTransitGatewayAttachmentsRequest.builder().applyMutation(request).build());
    }

    /** {@link #searchTransitGatewayRoutes(SearchTransitGatewayRoutesRequest)} of a request built in place, as the SDK clients offer. */
    default SearchTransitGatewayRoutesResponse searchTransitGatewayRoutes(Consumer<SearchTransitGatewayRoutesRequest.Builder> request) {
        return searchTransitGatewayRoutes(SearchTransitGatewayRoutesRequest.builder().applyMutation(request).build());
    }

    /** {@link #createRoute(CreateRouteRequest)} of a request built in place, as the SDK clients offer. */
    default CreateRouteResponse createRoute(Consumer<CreateRouteRequest.Builder> request) {
        return createRoute(CreateRouteRequest.builder().applyMutation(request).build());
    }

    /** {@link #replaceRoute(ReplaceRouteRequest)} of a request built in place, as the SDK clients offer. */
    default ReplaceRouteResponse replaceRoute(Consumer<ReplaceRouteRequest.Builder> request) {
        return replaceRoute(ReplaceRouteRequest.builder().applyMutation(request).build());
    }

    /** {@link #deleteRoute(DeleteRouteRequest)} of a request built in place, as the SDK clients offer. */
    default DeleteRouteResponse deleteRoute(Consumer<DeleteRouteRequest.Builder> request) {
        return deleteRoute(DeleteRouteRequest.builder().applyMutation(request).build());
    }

    /** {@link #createTransitGatewayRoute(CreateTransitGatewayRouteRequest)} of a request built in place, as the SDK clients offer. */
    default CreateTransitGatewayRouteResponse createTransitGatewayRoute(Consumer<CreateTransitGatewayRouteRequest.Builder> request) {
        return createTransitGatewayRoute(CreateTransitGatewayRouteRequest.builder().applyMutation(request).build());
    }

    /** {@link #replaceTransitGatewayRoute(ReplaceTransitGatewayRouteRequest)} of a request built in place, as the SDK clients offer. */
    default ReplaceTransitGatewayRouteResponse replaceTransitGatewayRoute(Consumer<ReplaceTransitGatewayRouteRequest.Builder> request) {
        return replaceTransitGatewayRoute(ReplaceTransitGatewayRouteRequest.builder().applyMutation(request).build());
    }

    /** {@link #deleteTransitGatewayRoute(DeleteTransitGatewayRouteRequest)} of a request built in place, as the SDK clients offer. */
    default DeleteTransitGatewayRouteResponse deleteTransitGatewayRoute(Consumer<DeleteTransitGatewayRouteRequest.Builder> request) {
        return deleteTransitGatewayRoute(DeleteTransitGatewayRouteRequest.builder().applyMutation(request).build());
    }

    /** {@link #modifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest)} of a request built in place, as the SDK clients offer. */
    default ModifyNetworkInterfaceAttributeResponse modifyNetworkInterfaceAttribute(Consumer<ModifyNetworkInterfaceAttributeRequest.Builder> request) {
        return modifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest.builder().applyMutation(request).build());
    }

    @Override
    void close();

    /** An SDK client, call for call. */
    record Sdk(Ec2Client client) implements Ec2Api {
        @Override
        public DescribeRouteTablesResponse describeRouteTables(DescribeRouteTablesRequest request) {
            return client.describeRouteTables(request);
        }

        @Override
        public DescribeSubnetsResponse describeSubnets(DescribeSubnetsRequest request) {
            return client.describeSubnets(request);
        }

        @Override
        public DescribeInstancesResponse describeInstances(DescribeInstancesRequest request) {
            return client.describeInstances(request);
        }

        @Override
        public DescribeInstanceStatusResponse describeInstanceStatus(DescribeInstanceStatusRequest request) {
            return client.describeInstanceStatus(request);
        }

        @Override
        public DescribeNetworkInterfacesResponse describeNetworkInterfaces(DescribeNetworkInterfacesRequest request) {
            return client.describeNetworkInterfaces(request);
        }

        @Override
        public DescribeTransitGatewayRouteTablesResponse describeTransitGatewayRouteTables(DescribeTransitGatewayRouteTablesRequest request) {
            return client.describeTransitGatewayRouteTables(request);
        }

        @Override
        public DescribeTransitGatewayAttachmentsResponse describeTransitGatewayAttachments(DescribeTransitGatewayAttachmentsRequest request) {
            return client.describeTransitGatewayAttachments(request);
        }

        @Override
        public SearchTransitGatewayRoutesResponse searchTransitGatewayRoutes(SearchTransitGatewayRoutesRequest request) {
            return client.searchTransitGatewayRoutes(request);
        }

        @Override
        public CreateRouteResponse createRoute(CreateRouteRequest request) {
            return client.createRoute(request);
        }

        @Override
        public ReplaceRouteResponse replaceRoute(ReplaceRouteRequest request) {
            return client.replaceRoute(request);
        }

        @Override
        public DeleteRouteResponse deleteRoute(DeleteRouteRequest request) {
            return client.deleteRoute(request);
        }

        @Override
        public CreateTransitGatewayRouteResponse createTransitGatewayRoute(CreateTransitGatewayRouteRequest request) {
            return client.createTransitGatewayRoute(request);
        }

        @Override
        public ReplaceTransitGatewayRouteResponse replaceTransitGatewayRoute(ReplaceTransitGatewayRouteRequest request) {
            return client.replaceTransitGatewayRoute(request);
        }

        @Override
        public DeleteTransitGatewayRouteResponse deleteTransitGatewayRoute(DeleteTransitGatewayRouteRequest request) {
            return client.deleteTransitGatewayRoute(request);
        }

        @Override
        public ModifyNetworkInterfaceAttributeResponse modifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest request) {
            return client.modifyNetworkInterfaceAttribute(request);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
