package io.github.vpcroutefailover.aws.light;

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
        return transport.query(protocol, "GetMetricData", request, new GetMetricDataRequestMarshaller(protocol), GetMetricDataResponse::builder);
    }

    @Override
    public DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest request) {
        return transport.query(protocol, "DescribeAlarms", request, new DescribeAlarmsRequestMarshaller(protocol), DescribeAlarmsResponse::builder);
    }
}
