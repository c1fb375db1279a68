package io.github.vpcroutefailover.aws.light;

import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.runtime.transform.Marshaller;
import software.amazon.awssdk.protocols.query.AwsEc2ProtocolFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.*;
import software.amazon.awssdk.services.ec2.transform.*;

/**
 * An {@link Ec2Client} for the controller's cold path: only the operations our adapters call (LightClientsCoverageTest
 * keeps that list and the adapters in step), each through {@link LightTransport} with the SDK's own generated
 * marshaller and EC2 protocol handlers. Any other operation is the interface's default and throws
 * {@link UnsupportedOperationException} (the stack names it); code that needs more EC2 than the adapters do (the
 * CLI's sandbox) uses the SDK client ({@code AwsClients.ec2()}). Why it exists: BENCHMARKS.md "Cold controller".
 */
public final class LightEc2Client implements Ec2Client {
    private final LightTransport transport;
    private final AwsEc2ProtocolFactory protocol;

    LightEc2Client(LightTransport transport) {
        this.transport = transport;
        this.protocol = AwsEc2ProtocolFactory.builder()
                .clientConfiguration(transport.protocolConfiguration())
                .defaultServiceExceptionSupplier(Ec2Exception::builder)
                .build();
    }

    private <I extends SdkRequest, O extends AwsResponse> O call(String operation, I request, Marshaller<I> marshaller,
                                                                 Supplier<? extends SdkPojo> response) {
        return transport.call(operation, request, marshaller, protocol.createResponseHandler(response::get),
                protocol.createErrorResponseHandler());
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // Nothing held between calls: each attempt opens (and the JDK pools) its own connection.
    }

    @Override
    public DescribeRouteTablesResponse describeRouteTables(DescribeRouteTablesRequest request) {
        return call("DescribeRouteTables", request, new DescribeRouteTablesRequestMarshaller(protocol), DescribeRouteTablesResponse::builder);
    }

    @Override
    public DescribeSubnetsResponse describeSubnets(DescribeSubnetsRequest request) {
        return call("DescribeSubnets", request, new DescribeSubnetsRequestMarshaller(protocol), DescribeSubnetsResponse::builder);
    }

    @Override
    public DescribeInstancesResponse describeInstances(DescribeInstancesRequest request) {
        return call("DescribeInstances", request, new DescribeInstancesRequestMarshaller(protocol), DescribeInstancesResponse::builder);
    }

    @Override
    public DescribeInstanceStatusResponse describeInstanceStatus(DescribeInstanceStatusRequest request) {
        return call("DescribeInstanceStatus", request, new DescribeInstanceStatusRequestMarshaller(protocol), DescribeInstanceStatusResponse::builder);
    }

    @Override
    public DescribeNetworkInterfacesResponse describeNetworkInterfaces(DescribeNetworkInterfacesRequest request) {
        return call("DescribeNetworkInterfaces", request, new DescribeNetworkInterfacesRequestMarshaller(protocol), DescribeNetworkInterfacesResponse::builder);
    }

    @Override
    public DescribeTransitGatewayRouteTablesResponse describeTransitGatewayRouteTables(DescribeTransitGatewayRouteTablesRequest request) {
        return call("DescribeTransitGatewayRouteTables", request, new DescribeTransitGatewayRouteTablesRequestMarshaller(protocol), DescribeTransitGatewayRouteTablesResponse::builder);
    }

    @Override
    public DescribeTransitGatewayAttachmentsResponse describeTransitGatewayAttachments(DescribeTransitGatewayAttachmentsRequest request) {
        return call("DescribeTransitGatewayAttachments", request, new DescribeTransitGatewayAttachmentsRequestMarshaller(protocol), DescribeTransitGatewayAttachmentsResponse::builder);
    }

    @Override
    public SearchTransitGatewayRoutesResponse searchTransitGatewayRoutes(SearchTransitGatewayRoutesRequest request) {
        return call("SearchTransitGatewayRoutes", request, new SearchTransitGatewayRoutesRequestMarshaller(protocol), SearchTransitGatewayRoutesResponse::builder);
    }

    @Override
    public CreateRouteResponse createRoute(CreateRouteRequest request) {
        return call("CreateRoute", request, new CreateRouteRequestMarshaller(protocol), CreateRouteResponse::builder);
    }

    @Override
    public ReplaceRouteResponse replaceRoute(ReplaceRouteRequest request) {
        return call("ReplaceRoute", request, new ReplaceRouteRequestMarshaller(protocol), ReplaceRouteResponse::builder);
    }

    @Override
    public DeleteRouteResponse deleteRoute(DeleteRouteRequest request) {
        return call("DeleteRoute", request, new DeleteRouteRequestMarshaller(protocol), DeleteRouteResponse::builder);
    }

    @Override
    public CreateTransitGatewayRouteResponse createTransitGatewayRoute(CreateTransitGatewayRouteRequest request) {
        return call("CreateTransitGatewayRoute", request, new CreateTransitGatewayRouteRequestMarshaller(protocol), CreateTransitGatewayRouteResponse::builder);
    }

    @Override
    public ReplaceTransitGatewayRouteResponse replaceTransitGatewayRoute(ReplaceTransitGatewayRouteRequest request) {
        return call("ReplaceTransitGatewayRoute", request, new ReplaceTransitGatewayRouteRequestMarshaller(protocol), ReplaceTransitGatewayRouteResponse::builder);
    }

    @Override
    public DeleteTransitGatewayRouteResponse deleteTransitGatewayRoute(DeleteTransitGatewayRouteRequest request) {
        return call("DeleteTransitGatewayRoute", request, new DeleteTransitGatewayRouteRequestMarshaller(protocol), DeleteTransitGatewayRouteResponse::builder);
    }

    @Override
    public ModifyNetworkInterfaceAttributeResponse modifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest request) {
        return call("ModifyNetworkInterfaceAttribute", request, new ModifyNetworkInterfaceAttributeRequestMarshaller(protocol), ModifyNetworkInterfaceAttributeResponse::builder);
    }
}
