package io.github.vpcroutefailover.aws.light;

import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.runtime.transform.Marshaller;
import software.amazon.awssdk.protocols.core.ExceptionMetadata;
import software.amazon.awssdk.protocols.query.AwsQueryProtocolFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.InvalidNextTokenException;
import software.amazon.awssdk.services.cloudwatch.transform.DescribeAlarmsRequestMarshaller;
import software.amazon.awssdk.services.cloudwatch.transform.GetMetricDataRequestMarshaller;

/**
 * A {@link CloudWatchClient} for the health sources' two reads (agent metrics, alarms), like {@link LightEc2Client}:
 * the SDK's marshallers and Query protocol handlers, any other operation throws {@link UnsupportedOperationException}.
 * A converged reconcile with agent-metric checks reads metrics on every run, so this client is on the cold path.
 */
public final class LightCloudWatchClient implements CloudWatchClient {
    private final LightTransport transport;
    private final AwsQueryProtocolFactory protocol;

    LightCloudWatchClient(LightTransport transport) {
        this.transport = transport;
        this.protocol = AwsQueryProtocolFactory.builder()
                .clientConfiguration(transport.protocolConfiguration())
                .registerModeledException(ExceptionMetadata.builder().errorCode("InvalidNextToken").httpStatusCode(400)
                        .exceptionBuilderSupplier(InvalidNextTokenException::builder).build())
                .defaultServiceExceptionSupplier(CloudWatchException::builder)
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
        // Nothing held between calls.
    }

    @Override
    public GetMetricDataResponse getMetricData(GetMetricDataRequest request) {
        return call("GetMetricData", request, new GetMetricDataRequestMarshaller(protocol), GetMetricDataResponse::builder);
    }

    @Override
    public DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest request) {
        return call("DescribeAlarms", request, new DescribeAlarmsRequestMarshaller(protocol), DescribeAlarmsResponse::builder);
    }
}
