package io.github.vpcroutefailover.aws.light;

import software.amazon.awssdk.protocols.core.ExceptionMetadata;
import software.amazon.awssdk.protocols.query.AwsQueryProtocolFactory;
import software.amazon.awssdk.protocols.query.unmarshall.XmlElement;
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

    /**
     * GetMetricData answered as the SDK's parsed XML tree instead of model objects, for {@code AgentMetricHealthSource}
     * to read ids, timestamps and values: a converged reconcile with agent checks makes this call on every run, and loading
     * and running the response models cost its first invocation ~50 ms (issue #17). Request marshalling, signing,
     * retries and error answers (modeled exceptions included) are the SDK's, as for {@link #getMetricData}.
     */
    public XmlElement getMetricDataXml(GetMetricDataRequest request) {
        return transport.call("GetMetricData", request, new GetMetricDataRequestMarshaller(protocol), XmlAnswers.handler("CloudWatch", "GetMetricData"),
                protocol.createErrorResponseHandler());
    }

    @Override
    public DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest request) {
        return transport.query(protocol, "DescribeAlarms", request, new DescribeAlarmsRequestMarshaller(protocol), DescribeAlarmsResponse::builder);
    }

    /** DescribeAlarms as XML, for {@code AlarmHealthSource} and the same reason as {@link #getMetricDataXml}: a metric alarm's model is ~30 members. */
    public XmlElement describeAlarmsXml(DescribeAlarmsRequest request) {
        return transport.call("DescribeAlarms", request, new DescribeAlarmsRequestMarshaller(protocol), XmlAnswers.handler("CloudWatch", "DescribeAlarms"),
                protocol.createErrorResponseHandler());
    }
}
