package io.github.vpcroutefailover.domain.config;

import java.time.Duration;

/**
 * A named health check. A target is healthy only when every check it lists passes (after rise/fall).
 * {@code rise}/{@code fall}: consecutive passes to become healthy / failures to become unhealthy
 * (defaults 2 and 3, as AWSnycast).
 */
public sealed interface CheckSpec permits CheckSpec.Agent, CheckSpec.Tcp, CheckSpec.Http, CheckSpec.Ec2Status, CheckSpec.Alarm {
    int DEFAULT_RISE = 2;
    int DEFAULT_FALL = 3;

    String name();

    int rise();

    int fall();

    /**
     * Results the on-instance agent publishes as the CloudWatch metric {@code CheckResult} with dimensions
     * {@code InstanceId} and {@code Check=agentCheck}. No datapoint for {@code staleAfter} counts as a failure.
     */
    record Agent(String name, String agentCheck, Duration staleAfter, int rise, int fall) implements CheckSpec {
    }

    /** TCP connect from the in-VPC probe function to the target's private IP. */
    record Tcp(String name, int port, Duration timeout, Duration interval, int rise, int fall) implements CheckSpec {
    }

    /** HTTP(S) request from the probe function; passes on {@code expectStatus} and, if set, a body containing {@code bodyContains}. */
    record Http(String name, String scheme, int port, String path, int expectStatus, String bodyContains,
                Duration timeout, Duration interval, int rise, int fall) implements CheckSpec {
    }

    /** EC2's own view: the instance is running and, if {@code statusChecks}, DescribeInstanceStatus is not impaired. */
    record Ec2Status(String name, boolean statusChecks, int rise, int fall) implements CheckSpec {
    }

    /** A CloudWatch alarm: ALARM fails the check at once (the fast path); OK counts as a pass towards rise. */
    record Alarm(String name, String alarmName, int rise, int fall) implements CheckSpec {
    }
}
