package io.github.vpcroutefailover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;

/**
 * {@code vrf --stack}: the real SDK CloudFormation client reads the stack's outputs from moto, and the real Lambda
 * client sends the invoke to moto. moto cannot run our function (no container runtime here), so the test records the
 * {@link InvokeRequest} the CLI hands to the SDK (an execution interceptor, the SDK's own hook) and asserts it; moto
 * then answers that no such function exists, which is the CLI's "alias gone" path.
 */
@ExtendWith(LocalAwsExtension.class)
class VrfStackIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<InvokeRequest> sent = new CopyOnWriteArrayList<>();
    /** HTTP attempts (each retry is one more). */
    private final AtomicInteger attempts = new AtomicInteger();

    private CliRun vrf(LocalAws aws) {
        return vrf(aws, null);
    }

    private CliRun vrf(LocalAws aws, URI lambdaEndpoint) {
        ExecutionInterceptor capture = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof InvokeRequest r) {
                    sent.add(r);
                }
            }

            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                attempts.incrementAndGet();
            }
        };
        return new CliRun(aws).lambda(b -> {
            ClientOverrideConfiguration o = b.overrideConfiguration();
            if (lambdaEndpoint != null) {
                b.endpointOverride(lambdaEndpoint);
            }
            return b.overrideConfiguration(o.toBuilder().addExecutionInterceptor(capture).build()).build();
        });
    }

    private static String stack(LocalAws aws, String alias, boolean withAliasOutput) {
        String name = aws.uniqueName("stack");
        // The controller alias is the event path; manual actions must go to the operator alias.
        String outputs = (withAliasOutput ? "\"OperatorAliasArn\": {\"Value\": \"" + alias + "\"}, " : "")
                + "\"ControllerAliasArn\": {\"Value\": \"arn:aws:lambda:" + aws.region().id() + ":123456789012:function:vrf-it-controller:live\"}, "
                + "\"StateTableName\": {\"Value\": \"" + name + "-state\"}";
        String template = "{\"Resources\": {\"Dlq\": {\"Type\": \"AWS::SQS::Queue\"}}, \"Outputs\": {" + outputs + "}}";
        try (CloudFormationClient cfn = aws.configure(CloudFormationClient.builder(), "CloudFormation").build()) {
            cfn.createStack(r -> r.stackName(name).templateBody(template));
        }
        return name;
    }

    @Test
    void statusFindsTheAliasInTheStackOutputsAndInvokesIt(LocalAws aws) throws Exception {
        String alias = "arn:aws:lambda:" + aws.region().id() + ":123456789012:function:vrf-it-operator:operator";
        String stack = stack(aws, alias, true);

        CliRun.Result r = vrf(aws).piped("status", "default-egress", "--stack", stack);

        assertThat(sent).singleElement().satisfies(req -> {
            assertThat(req.functionName()).isEqualTo(alias);
            assertThat(req.invocationType()).isEqualTo(InvocationType.REQUEST_RESPONSE);
            JsonNode payload = JSON.readTree(req.payload().asUtf8String());
            assertThat(payload.path("action").asText()).isEqualTo("status");
            assertThat(payload.path("route").asText()).isEqualTo("default-egress");
            assertThat(payload.path("requestedBy").asText()).isEqualTo("vrf-cli:tester");
        });
        // moto has no such function: the CLI says so and what to do, and fails.
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("invoke of " + alias + " failed").contains("redeploy");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void changesSendTheirFlagsAsTheManualRequestAndAreNeverRetried(LocalAws aws) throws Exception {
        String alias = "arn:aws:lambda:" + aws.region().id() + ":123456789012:function:vrf-it-operator:operator";
        String stack = stack(aws, alias, true);

        CliRun.Result r = vrf(aws).piped("failover", "default-egress", "--to", "nat-b", "--route-table", "rtb-0aaaaaaaaaaaaaaaa", "--force",
                "--reason", "patching", "--yes", "--stack", stack);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(sent).hasSize(1);
        JsonNode payload = JSON.readTree(sent.get(0).payload().asUtf8String());
        assertThat(payload.path("action").asText()).isEqualTo("failover");
        assertThat(payload.path("to").asText()).isEqualTo("nat-b");
        assertThat(payload.path("routeTableIds").get(0).asText()).isEqualTo("rtb-0aaaaaaaaaaaaaaaa");
        assertThat(payload.path("force").asBoolean()).isTrue();
        assertThat(payload.path("reason").asText()).isEqualTo("patching");
        assertThat(payload.has("dryRun")).isFalse();

        sent.clear();
        vrf(aws).piped("history", "default-egress", "--since", "7d", "--limit", "20", "--stack", stack);
        JsonNode history = JSON.readTree(sent.get(0).payload().asUtf8String());
        assertThat(history.path("action").asText()).isEqualTo("history");
        assertThat(history.path("since").asText()).isEqualTo("7d");
        assertThat(history.path("limit").asInt()).isEqualTo(20);

        sent.clear();
        CliRun.Result noYes = vrf(aws).piped("drain", "nat-a", "--stack", stack);
        assertThat(noYes.exit()).isEqualTo(2);
        assertThat(sent).as("refused before any invoke").isEmpty();
    }

    @Test
    void anInvokeThatCannotConnectIsTriedOnceAndSaysItMayHaveRun(LocalAws aws) throws Exception {
        String alias = "arn:aws:lambda:" + aws.region().id() + ":123456789012:function:vrf-it-operator:operator";
        String stack = stack(aws, alias, true);
        // A closed port on this machine: connection refused, which the SDK's standard strategy would retry twice.
        URI closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }

        CliRun.Result r = vrf(aws, closed).piped("failover", "default-egress", "--yes", "--stack", stack);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(attempts.get()).as("one attempt: a retried failover could move the route twice").isEqualTo(1);
        assertThat(r.err()).contains("may or may not have run").contains("vrf history");
    }

    @Test
    void aStackFromBeforeTheOperatorFunctionIsServedOnTheControllerAlias(LocalAws aws) throws Exception {
        String stack = stack(aws, "unused", false);
        vrf(aws).piped("plan", "--stack", stack);
        assertThat(sent).singleElement().satisfies(r -> assertThat(r.functionName()).endsWith(":function:vrf-it-controller:live"));
    }

    @Test
    void aMissingStackOrOutputIsACleanError(LocalAws aws) {
        CliRun.Result none = vrf(aws).piped("status", "--stack", aws.uniqueName("absent"));
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("does not exist").contains("--region");
        assertThat(sent).isEmpty();

        String other = aws.uniqueName("other");
        try (CloudFormationClient cfn = aws.configure(CloudFormationClient.builder(), "CloudFormation").build()) {
            cfn.createStack(r -> r.stackName(other).templateBody("{\"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"}}, "
                    + "\"Outputs\": {\"QueueName\": {\"Value\": \"q\"}}}"));
        }
        CliRun.Result noOutput = vrf(aws).piped("status", "--stack", other);
        assertThat(noOutput.exit()).isEqualTo(1);
        assertThat(noOutput.err()).contains("has no output OperatorAliasArn").contains("QueueName");
        assertThat(sent).isEmpty();

        CliRun.Result fromEnv = vrf(aws).env("VRF_STACK", other).piped("status");
        assertThat(fromEnv.err()).as("VRF_STACK names the stack").contains("stack " + other + " has no output");
    }
}
