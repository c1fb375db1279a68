package io.github.vpcroutefailover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** The proxy's faults as the real SDK sees them: error shapes parse to the service's own error codes. */
@ExtendWith(LocalAwsExtension.class)
class FaultProxyIT {

    @Test
    void ec2ThrottlingIsRequestLimitExceeded503AndOtherCallsPassThrough(LocalAws aws) {
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY);
             Ec2Client ec2 = aws.configure(Ec2Client.builder(), "EC2").endpointOverride(proxy.endpoint())
                     .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).addExecutionInterceptor(aws.calls())).build()) {
            proxy.inject("DescribeVpcs", Fault.throttle(), 3);
            assertThatThrownBy(ec2::describeVpcs).isInstanceOfSatisfying(Ec2Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
            });
            assertThat(proxy.seen("DescribeVpcs")).as("the SDK retried the throttled call").isEqualTo(3);
            assertThat(proxy.forwarded("DescribeVpcs")).isZero();
            assertThat(ec2.describeVpcs().vpcs()).isNotNull();
            assertThat(proxy.forwarded("DescribeVpcs")).isEqualTo(1);
        }
    }

    @Test
    void dynamoDbThrottlingShapesAndLostResponses(LocalAws aws) {
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("DynamoDB").orElseThrow(), FaultProxy.Dialect.DYNAMODB_JSON);
             DynamoDbClient ddb = aws.configure(DynamoDbClient.builder(), "DynamoDB").endpointOverride(proxy.endpoint())
                     .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1))).build()) {
            proxy.inject("ListTables", new Fault.Throttle("ProvisionedThroughputExceededException"), 1);
            assertThatThrownBy(ddb::listTables).isInstanceOf(ProvisionedThroughputExceededException.class);
            proxy.inject("ListTables", Fault.throttle(), 1);
            assertThatThrownBy(ddb::listTables).isInstanceOfSatisfying(DynamoDbException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            });
            proxy.inject("ListTables", new Fault.LostResponse(), 1);
            assertThatThrownBy(ddb::listTables).isInstanceOf(SdkClientException.class);
            assertThat(proxy.forwarded("ListTables")).as("the lost response's request reached the emulator").isEqualTo(1);
            proxy.inject("ListTables", new Fault.ResetBefore(), 1);
            assertThatThrownBy(ddb::listTables).isInstanceOf(SdkClientException.class);
            assertThat(proxy.forwarded("ListTables")).as("a reset before forwarding never reaches it").isEqualTo(1);
            assertThat(ddb.listTables().tableNames()).isNotNull();
            assertThat(proxy.armed()).isZero();
        }
    }
}
