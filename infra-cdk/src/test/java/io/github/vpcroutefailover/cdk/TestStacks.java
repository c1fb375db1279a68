package io.github.vpcroutefailover.cdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.assertions.Template;

/**
 * The stacks under test, each synthesized once per test JVM (a CDK synth takes seconds on 2 cores). cdk-nag's
 * AwsSolutions pack is attached before the first synth so every test class sees the same, checked, assembly.
 * Every app gets cdk.json's context (the feature flags), as {@code cdk synth} would pass it: the templates under
 * test are the ones users deploy.
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

    /** cdk.json's "context" block: the feature flags the CLI passes to every synth. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> cdkJsonContext() {
        try {
            Map<String, Object> cdkJson = new ObjectMapper().readValue(SampleConfigs.repoRoot().resolve("infra-cdk/cdk.json").toFile(), Map.class);
            return (Map<String, Object>) cdkJson.get("context");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An app as the CDK CLI would start it from infra-cdk/ (cdk.json's context applied). */
    static App app() {
        return new App(AppProps.builder().context(cdkJsonContext()).build());
    }

    /** nat-two-az.yaml with everything on: two probes, VPC endpoints, an ASG lifecycle hook, a created topic. */
    static VpcRouteFailoverProps.Builder fullProps() {
        return VpcRouteFailoverProps.builder().config(SampleConfigs.natTwoAz())
                .configFile(SampleConfigs.natTwoAzYaml()).functionJar(FunctionArtifacts.defaultJar())
                .vpcCidr("10.0.0.0/16")
                .probeSubnets(List.of(ProbeSubnet.parse("subnet-0aaaaaaaaaaaaaaaa:eu-west-1a:rtb-0aaaaaaaaaaaaaaaa"),
                        ProbeSubnet.parse("subnet-0bbbbbbbbbbbbbbbb:eu-west-1b:rtb-0bbbbbbbbbbbbbbbb")))
                .vpcEndpoints(true).dynamodbPrefixListId(DYNAMODB_PREFIX_LIST)
                .asgNames(List.of("nat-asg")).notificationTopic("create")
                .alarmPrefix(ALARM_PREFIX);
    }

    static synchronized Synth full() {
        if (full == null) {
            full = synth(VrfStackProps.builder().env(ENV).stackName("VrfTest").failover(fullProps().name("VrfTest").build()).build());
        }
        return full;
    }

    /**
     * The NAT pair by ids, with the options the other way round: no probes, no endpoints, an existing topic,
     * no ASG, no reserved concurrency, no deletion protection.
     */
    static synchronized Synth minimal() {
        if (minimal == null) {
            minimal = synth(VrfStackProps.builder().env(ENV).stackName("VrfMinimal").failover(VpcRouteFailoverProps.builder()
                    .name("VrfMinimal").config(SampleConfigs.natPairByIds())
                    .configFile(SampleConfigs.natTwoAzYaml()).functionJar(FunctionArtifacts.defaultJar())
                    .vpcEndpoints(false).notificationTopic(EXISTING_TOPIC).reservedConcurrency(false)
                    .tableDeletionProtection(false).scheduleMinutes(5).logRetentionDays(90)
                    .alarmPrefix(ALARM_PREFIX).build()).build());
        }
        return minimal;
    }

    private static Synth synth(VrfStackProps props) {
        App app = app();
        VrfStack stack = new VrfStack(app, props.stackName(), props);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return new Synth(stack, Template.fromStack(stack));
    }
}
