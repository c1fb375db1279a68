package io.github.vpcroutefailover.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.assertions.Template;

/**
 * The stacks under test, each synthesized once per test JVM (a CDK synth takes seconds on 2 cores). cdk-nag's
 * AwsSolutions pack is attached before the first synth so every test class sees the same, checked, assembly.
 */
final class TestStacks {
    private TestStacks() {
    }

    static final String ACCOUNT = "111111111111";
    static final String REGION = "eu-west-1";
    static final Environment ENV = Environment.builder().account(ACCOUNT).region(REGION).build();
    static final String ALARM_PREFIX = "vrf-";
    static final String EXISTING_TOPIC = "arn:aws:sns:eu-west-1:111111111111:ops-alerts";
    static final String DYNAMODB_PREFIX_LIST = "pl-6fa54006";

    record Synth(VrfStack stack, Template template) {
    }

    private static Synth full;
    private static Synth minimal;

    /**
     * nat-two-az.yaml with everything on: two probes, VPC endpoints, an ASG lifecycle hook, a created topic.
     */
    static synchronized Synth full() {
        if (full == null) {
            full = synth(VrfStackProps.builder().env(ENV).stackName("VrfTest").config(SampleConfigs.natTwoAz())
                    .configFile(SampleConfigs.natTwoAzYaml()).functionJar(FunctionArtifacts.defaultJar())
                    .vpcCidr("10.0.0.0/16")
                    .probeSubnets(List.of(ProbeSubnet.parse("subnet-0aaaaaaaaaaaaaaaa:eu-west-1a:rtb-0aaaaaaaaaaaaaaaa"),
                            ProbeSubnet.parse("subnet-0bbbbbbbbbbbbbbbb:eu-west-1b:rtb-0bbbbbbbbbbbbbbbb")))
                    .vpcEndpoints(true).dynamodbPrefixListId(DYNAMODB_PREFIX_LIST)
                    .asgNames(List.of("nat-asg")).notificationTopic("create")
                    .alarmPrefix(ALARM_PREFIX).build());
        }
        return full;
    }

    /**
     * The NAT pair by ids, with the options the other way round: no probes, no endpoints, an existing topic,
     * no ASG, no reserved concurrency, no deletion protection.
     */
    static synchronized Synth minimal() {
        if (minimal == null) {
            minimal = synth(VrfStackProps.builder().env(ENV).stackName("VrfMinimal").config(SampleConfigs.natPairByIds())
                    .configFile(SampleConfigs.natTwoAzYaml()).functionJar(FunctionArtifacts.defaultJar())
                    .vpcEndpoints(false).notificationTopic(EXISTING_TOPIC).reservedConcurrency(false)
                    .tableDeletionProtection(false).scheduleMinutes(5).logRetentionDays(90)
                    .alarmPrefix(ALARM_PREFIX).build());
        }
        return minimal;
    }

    private static Synth synth(VrfStackProps props) {
        App app = new App();
        VrfStack stack = new VrfStack(app, props.stackName(), props);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return new Synth(stack, Template.fromStack(stack));
    }
}
