package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * The deployed controller, found through the stack's outputs ({@code OperatorAliasArn}, the operator function that
 * serves manual actions, or {@code ControllerAliasArn} on stacks from before it existed; {@code StateTableName}: the
 * CDK app's {@code CfnOutput}s) and called with Lambda Invoke, exactly what {@code aws lambda invoke} does.
 * Invokes are never retried by the SDK: a failover whose answer was lost may have run, and a retried one without
 * {@code --to} would move the route a second time.
 */
public final class StackBackend implements Backend {
    /** Manual actions go to the operator function (its own alias and invoke permission: the stack's OperatorPolicyArn). */
    public static final String ALIAS_OUTPUT = "OperatorAliasArn";
    /** Stacks deployed before the operator function existed served manual actions on the controller alias. */
    public static final String LEGACY_ALIAS_OUTPUT = "ControllerAliasArn";
    public static final String TABLE_OUTPUT = "StateTableName";
    /** Longer than the controller's own timeout, so a slow reconcile is answered rather than cut off here. */
    static final Duration INVOKE_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String stackName;
    private final LambdaClient lambda;
    private final String aliasArn;
    private final String tableName;

    StackBackend(String stackName, LambdaClient lambda, String aliasArn, String tableName) {
        this.stackName = stackName;
        this.lambda = lambda;
        this.aliasArn = aliasArn;
        this.tableName = tableName;
    }

    /** Reads the stack's outputs; closes {@code cfn}. */
    public static StackBackend open(String stackName, CloudFormationClient cfn, LambdaClient lambda) {
        Objects.requireNonNull(stackName, "stackName");
        Stack stack;
        try (cfn) {
            stack = cfn.describeStacks(r -> r.stackName(stackName)).stacks().stream().findFirst()
                    .orElseThrow(() -> CliException.failed("stack " + stackName + " not found; check --stack and the region (--region, AWS_REGION or the profile's region)"));
        } catch (CloudFormationException e) {
            lambda.close();
            String m = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            if (m != null && m.contains("does not exist")) {
                throw CliException.failed("stack " + stackName + " does not exist in this region; check --stack and the region (--region, AWS_REGION or the profile's region)");
            }
            throw CliException.failed("cannot read stack " + stackName + ": " + m + " (the caller needs cloudformation:DescribeStacks)");
        } catch (SdkClientException e) {
            lambda.close();
            String m = String.valueOf(e.getMessage());
            if (m.contains("Unable to load credentials")) {
                throw CliException.failed("no AWS credentials found: pass --profile NAME or set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); "
                        + "for SSO profiles run 'aws sso login' first");
            }
            if (m.contains("Unable to load region")) {
                throw CliException.failed("no AWS region: pass --region (the stack's region) or set AWS_REGION, or use a profile that has one");
            }
            throw CliException.failed("cannot reach CloudFormation: " + m + " (credentials and region come from the AWS default chains: "
                    + "AWS_PROFILE/--profile, AWS_REGION/--region)");
        }
        Map<String, String> outputs = stack.outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue, (a, b) -> a));
        String alias = outputs.getOrDefault(ALIAS_OUTPUT, outputs.get(LEGACY_ALIAS_OUTPUT));
        if (alias == null) {
            lambda.close();
            throw CliException.failed("stack " + stackName + " has no output " + ALIAS_OUTPUT + " (outputs: " + outputs.keySet()
                    + "); is it a VPC Route Failover stack, deployed from infra-cdk?");
        }
        return new StackBackend(stackName, lambda, alias, outputs.get(TABLE_OUTPUT));
    }

    public String aliasArn() {
        return aliasArn;
    }

    public String tableName() {
        return tableName;
    }

    @Override
    public JsonNode send(byte[] payload) {
        InvokeResponse r;
        try {
            r = lambda.invoke(b -> b.functionName(aliasArn).invocationType(InvocationType.REQUEST_RESPONSE)
                    .payload(SdkBytes.fromByteArray(payload)));
        } catch (LambdaException e) {
            String m = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
            String fix = e.statusCode() == 404 ? " (the stack's alias is gone: redeploy the stack)"
                    : e.statusCode() == 403 ? " (the caller needs lambda:InvokeFunction on " + aliasArn + ": attach the stack's OperatorPolicyArn)"
                    : e.statusCode() == 429 ? " (throttled: nothing ran; try again in a moment)"
                    : " (the request may or may not have run: check 'vrf status' and 'vrf history' before repeating a change)";
            throw CliException.failed("invoke of " + aliasArn + " failed: " + m + fix);
        } catch (SdkClientException e) {
            throw CliException.failed("invoke of " + aliasArn + " failed: " + e.getMessage()
                    + " (the request may or may not have run: check 'vrf status' and 'vrf history' before repeating a change)");
        }
        String body = r.payload() == null ? "" : r.payload().asUtf8String();
        if (r.functionError() != null) {
            throw CliException.failed("the controller failed (" + r.functionError() + "): " + errorMessage(body)
                    + " (its logs: the stack's controller log group, request in the Lambda console)");
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw CliException.failed("the controller answered something that is not JSON: " + abbreviate(body));
        }
    }

    private static String errorMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n.path("errorMessage").asText(abbreviate(body));
        } catch (JsonProcessingException e) {
            return abbreviate(body);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    @Override
    public String describe() {
        return "stack " + stackName;
    }

    @Override
    public void close() {
        lambda.close();
    }
}
