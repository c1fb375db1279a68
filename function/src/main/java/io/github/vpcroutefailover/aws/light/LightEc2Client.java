package io.github.vpcroutefailover.aws.light;

import software.amazon.awssdk.protocols.query.AwsEc2ProtocolFactory;
import software.amazon.awssdk.protocols.query.unmarshall.XmlElement;
import software.amazon.awssdk.services.ec2.model.*;
import software.amazon.awssdk.services.ec2.transform.*;

/**
 * The adapters' {@link Ec2Api} for the controller's cold path: exactly the operations the adapters call, each through
 * {@link LightTransport} with the SDK's own generated marshaller and EC2 protocol handlers. Not an {@code Ec2Client}
 * (see {@link Ec2Api} for why); code that needs more EC2 than the adapters do (the CLI's sandbox) uses the SDK client
 * ({@code AwsClients.ec2()}). Why it exists: BENCHMARKS.md "Cold controller".
 */
public final class LightEc2Client implements Ec2Api {
    private final LightTransport transport;
    private final AwsEc2ProtocolFactory protocol;

    LightEc2Client(LightTransport transport) {
        this.transport = transport;
        this.protocol = AwsEc2ProtocolFactory.builder()
                .clientConfiguration(transport.protocolConfiguration())
                .defaultServiceExceptionSupplier(Ec2Exception::builder)
                .build();
    }

    @Override
    public void close() {
        // Nothing held between calls: each attempt opens (and the JDK pools) its own connection.
    }

    @Override
    public DescribeRouteTablesResponse describeRouteTables(DescribeRouteTablesRequest request) {
        return transport.query(protocol, "DescribeRouteTables", request, new DescribeRouteTablesRequestMarshaller(protocol), DescribeRouteTablesResponse::builder);
    }

    @Override
    public DescribeSubnetsResponse describeSubnets(DescribeSubnetsRequest request) {
        return transport.query(protocol, "DescribeSubnets", request, new DescribeSubnetsRequestMarshaller(protocol), DescribeSubnetsResponse::builder);
    }

    @Override
    public DescribeInstancesResponse describeInstances(DescribeInstancesRequest request) {
        return transport.query(protocol, "DescribeInstances", request, new DescribeInstancesRequestMarshaller(protocol), DescribeInstancesResponse::builder);
    }

    /**
     * DescribeInstances answered as the SDK's parsed XML tree instead of model objects, for {@code Ec2Instances} to
     * read the few members it needs: the model of one instance is ~60 classes and ~600 field accessors, the largest
     * single cost of a cold reconcile's first invocation (BENCHMARKS.md "Cold controller", seventh look). Request
     * marshalling, signing, retries and error responses are the SDK's, as for every other call.
     */
    public XmlElement describeInstancesXml(DescribeInstancesRequest request) {
        return transport.call("DescribeInstances", request, new DescribeInstancesRequestMarshaller(protocol), XmlAnswers.handler("EC2", "DescribeInstances"),
                protocol.createErrorResponseHandler());
    }

    /** DescribeInstanceStatus as XML, for the same reason as {@link #describeInstancesXml}. */
    public XmlElement describeInstanceStatusXml(DescribeInstanceStatusRequest request) {
        return transport.call("DescribeInstanceStatus", request, new DescribeInstanceStatusRequestMarshaller(protocol),
                XmlAnswers.handler("EC2", "DescribeInstanceStatus"), protocol.createErrorResponseHandler());
    }

    /** DescribeRouteTables as XML, for the reason {@link #describeInstancesXml} is: a route table's model is the next largest. */
    public XmlElement describeRouteTablesXml(DescribeRouteTablesRequest request) {
        return transport.call("DescribeRouteTables", request, new DescribeRouteTablesRequestMarshaller(protocol),
                XmlAnswers.handler("EC2", "DescribeRouteTables"), protocol.createErrorResponseHandler());
    }

    /** DescribeSubnets as XML, for the same reason. */
    public XmlElement describeSubnetsXml(DescribeSubnetsRequest request) {
        return transport.call("DescribeSubnets", request, new DescribeSubnetsRequestMarshaller(protocol),
                XmlAnswers.handler("EC2", "DescribeSubnets"), protocol.createErrorResponseHandler());
    }

    @Override
    public DescribeInstanceStatusResponse describeInstanceStatus(DescribeInstanceStatusRequest request) {
        return transport.query(protocol, "DescribeInstanceStatus", request, new DescribeInstanceStatusRequestMarshaller(protocol), DescribeInstanceStatusResponse::builder);
    }

    @Override
    public DescribeNetworkInterfacesResponse describeNetworkInterfaces(DescribeNetworkInterfacesRequest request) {
        return transport.query(protocol, "DescribeNetworkInterfaces", request, new DescribeNetworkInterfacesRequestMarshaller(protocol), DescribeNetworkInterfacesResponse::builder);
    }

    @Override
    public DescribeTransitGatewayRouteTablesResponse describeTransitGatewayRouteTables(DescribeTransitGatewayRouteTablesRequest request) {
        return transport.query(protocol, "DescribeTransitGatewayRouteTables", request, new DescribeTransitGatewayRouteTablesRequestMarshaller(protocol), DescribeTransitGatewayRouteTablesResponse::builder);
    }

    @Override
    public DescribeTransitGatewayAttachmentsResponse describeTransitGatewayAttachments(DescribeTransitGatewayAttachmentsRequest request) {
        return transport.query(protocol, "DescribeTransitGatewayAttachments", request, new DescribeTransitGatewayAttachmentsRequestMarshaller(protocol), DescribeTransitGatewayAttachmentsResponse::builder);
    }

    @Override
    public SearchTransitGatewayRoutesResponse searchTransitGatewayRoutes(SearchTransitGatewayRoutesRequest request) {
        return transport.query(protocol, "SearchTransitGatewayRoutes", request, new SearchTransitGatewayRoutesRequestMarshaller(protocol), SearchTransitGatewayRoutesResponse::builder);
    }

    @Override
    public CreateRouteResponse createRoute(CreateRouteRequest request) {
        return transport.query(protocol, "CreateRoute", request, new CreateRouteRequestMarshaller(protocol), CreateRouteResponse::builder);
    }

    @Override
    public ReplaceRouteResponse replaceRoute(ReplaceRouteRequest request) {
        return transport.query(protocol, "ReplaceRoute", request, new ReplaceRouteRequestMarshaller(protocol), ReplaceRouteResponse::builder);
    }

    @Override
    public DeleteRouteResponse deleteRoute(DeleteRouteRequest request) {
        return transport.query(protocol, "DeleteRoute", request, new DeleteRouteRequestMarshaller(protocol), DeleteRouteResponse::builder);
    }

    @Override
    public CreateTransitGatewayRouteResponse createTransitGatewayRoute(CreateTransitGatewayRouteRequest request) {
        return transport.query(protocol, "CreateTransitGatewayRoute", request, new CreateTransitGatewayRouteRequestMarshaller(protocol), CreateTransitGatewayRouteResponse::builder);
    }

    @Override
    public ReplaceTransitGatewayRouteResponse replaceTransitGatewayRoute(ReplaceTransitGatewayRouteRequest request) {
        return transport.query(protocol, "ReplaceTransitGatewayRoute", request, new ReplaceTransitGatewayRouteRequestMarshaller(protocol), ReplaceTransitGatewayRouteResponse::builder);
    }

    @Override
    public DeleteTransitGatewayRouteResponse deleteTransitGatewayRoute(DeleteTransitGatewayRouteRequest request) {
        return transport.query(protocol, "DeleteTransitGatewayRoute", request, new DeleteTransitGatewayRouteRequestMarshaller(protocol), DeleteTransitGatewayRouteResponse::builder);
    }

    @Override
    public ModifyNetworkInterfaceAttributeResponse modifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest request) {
        return transport.query(protocol, "ModifyNetworkInterfaceAttribute", request, new ModifyNetworkInterfaceAttributeRequestMarshaller(protocol), ModifyNetworkInterfaceAttributeResponse::builder);
    }
}
