package io.github.vpcroutefailover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
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

    /** STS, Auto Scaling and the other query services: the SDK reads the code of an ErrorResponse, not of EC2's Response. */
    @Test
    void queryServiceErrorsCarryTheirCodeAndEveryRequestItsSigner(LocalAws aws) {
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("Auto Scaling").orElseThrow(), FaultProxy.Dialect.AWS_QUERY);
             AutoScalingClient asg = aws.configure(AutoScalingClient.builder(), "Auto Scaling").endpointOverride(proxy.endpoint())
                     .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1))).build()) {
            proxy.inject("DescribeAutoScalingGroups", Fault.throttle(), 1);
            assertThatThrownBy(asg::describeAutoScalingGroups).isInstanceOfSatisfying(AutoScalingException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
                assertThat(e.isThrottlingException()).isTrue();
            });
            proxy.inject("DescribeAutoScalingGroups", new Fault.Error(403, "AccessDenied", "not authorized"), 1);
            assertThatThrownBy(asg::describeAutoScalingGroups).isInstanceOfSatisfying(AutoScalingException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
            assertThat(asg.describeAutoScalingGroups().autoScalingGroups()).isNotNull();
            String key = aws.credentials().resolveCredentials().accessKeyId();
            assertThat(proxy.seen()).hasSize(3).allSatisfy(s -> {
                assertThat(s.accessKeyId()).isEqualTo(key);
                assertThat(s.body()).contains("Action=DescribeAutoScalingGroups");
            });
        }
    }
}
