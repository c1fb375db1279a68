package io.github.vpcroutefailover.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.cdk.AppSettings;
import io.github.vpcroutefailover.cdk.VrfApp;
import io.github.vpcroutefailover.testsupport.LocalAws;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The CDK app synthesized the way {@code cdk synth} does it ({@link VrfApp#build} with CDK context) and created in
 * the emulator's CloudFormation the way {@code cdk deploy} does it: assets uploaded to the bootstrap bucket, the
 * bootstrap version parameter present, then CreateStack. Everything a test needs afterwards is read back from the
 * deployed stack, never from the objects the synth built.
 *
 * <p>moto's CloudFormation skips resource types it does not implement ({@link #skippedTypes}); their definitions are
 * returned by {@link #skipped} so tests assert them from the template. A reference to a skipped resource cannot be
 * resolved by moto, so before CreateStack it is replaced: a reference to the controller's alias by its function's
 * ARN (the alias points at a version of the same code and configuration), any other by a placeholder string.
 */
final class DeployedStack {
    static final String ACCOUNT = "123456789012"; // moto's default account: ARNs in the template and the emulator agree
    static final String BOOTSTRAP_QUALIFIER = "hnb659fds";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Resource types moto 5.2.5's CloudFormation does not create (checked against moto's model map in the test). */
    static final Set<String> SKIPPED_TYPES = Set.of("AWS::AutoScaling::LifecycleHook", "AWS::CloudWatch::Alarm",
            "AWS::EC2::SecurityGroupEgress", "AWS::Lambda::Alias", "AWS::Lambda::EventInvokeConfig", "AWS::SNS::TopicPolicy",
            "AWS::SQS::QueuePolicy", "AWS::EventSchemas::Registry", "AWS::EventSchemas::Schema", "AWS::Logs::QueryDefinition");

    final String stackName;
    final JsonNode template;
    final Map<String, JsonNode> skipped;
    final Map<String, StackResourceSummary> resources;
    final Stack stack;
    final Path assemblyDir;

    private DeployedStack(String stackName, JsonNode template, Map<String, JsonNode> skipped,
            Map<String, StackResourceSummary> resources, Stack stack, Path assemblyDir) {
        this.stackName = stackName;
        this.template = template;
        this.skipped = skipped;
        this.resources = resources;
        this.stack = stack;
        this.assemblyDir = assemblyDir;
    }

    /** Synthesizes the app for {@code context} (CDK context keys as on the command line) into {@code outDir}. */
    static CloudAssembly synth(Map<String, Object> context, String region, Path outDir) {
        // cdk.json's context (feature flags) first, as the CDK CLI passes it, then the deploy's -c options.
        Map<String, Object> all = new LinkedHashMap<>();
        JsonNode cdkJson = read(Path.of(System.getProperty("vrf.repoRoot", "..")).resolve("infra-cdk/cdk.json")).path("context");
        cdkJson.fields().forEachRemaining(e -> all.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
        all.putAll(context);
        App app = App.Builder.create().outdir(outDir.toString()).context(all).build();
        VrfApp.build(app, AppSettings.fromContext(context::get), Environment.builder().account(ACCOUNT).region(region).build(),
                VrfApp.agentConfigs(context::get));
        return app.synth();
    }

    static DeployedStack deploy(LocalAws aws, CloudAssembly assembly, String stackName) {
        Path dir = Path.of(assembly.getDirectory());
        Path templateFile = Path.of(assembly.getStackByName(stackName).getTemplateFullPath());
        JsonNode template = read(templateFile);
        String region = aws.region().id();
        S3Client s3 = aws.configure(S3Client.builder().forcePathStyle(true), "S3").build();
        SsmClient ssm = aws.configure(SsmClient.builder(), "SSM").build();
        CloudFormationClient cfn = aws.configure(CloudFormationClient.builder(), "CloudFormation").build();

        // What 'cdk bootstrap' leaves in an account: the asset bucket and the bootstrap version parameter.
        ssm.putParameter(r -> r.name("/cdk-bootstrap/" + BOOTSTRAP_QUALIFIER + "/version").value("21").type(ParameterType.STRING).overwrite(true));
        uploadAssets(s3, dir.resolve(stackName + ".assets.json"), dir, region);

        Map<String, JsonNode> skipped = new TreeMap<>();
        ObjectNode deployable = forMoto(template, skipped);
        cfn.createStack(r -> r.stackName(stackName).templateBody(deployable.toString())
                .capabilities(Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM));
        Stack stack = waitForCompletion(cfn, stackName);
        if (!"CREATE_COMPLETE".equals(stack.stackStatusAsString())) {
            throw new AssertionError("stack " + stackName + " ended " + stack.stackStatusAsString() + ": " + stack.stackStatusReason());
        }
        Map<String, StackResourceSummary> resources = new LinkedHashMap<>();
        cfn.listStackResourcesPaginator(r -> r.stackName(stackName)).stackResourceSummaries()
                .forEach(s -> resources.put(s.logicalResourceId(), s));
        return new DeployedStack(stackName, template, skipped, resources, stack, dir);
    }

    private static Stack waitForCompletion(CloudFormationClient cfn, String stackName) {
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (true) {
            Stack s = cfn.describeStacks(r -> r.stackName(stackName)).stacks().get(0);
            if (!s.stackStatusAsString().endsWith("IN_PROGRESS") || Instant.now().isAfter(until)) {
                return s;
            }
            sleep(500);
        }
    }

    /** The template as moto can create it: skipped resources removed and references to them replaced. */
    static ObjectNode forMoto(JsonNode template, Map<String, JsonNode> skippedOut) {
        ObjectNode t = template.deepCopy();
        ObjectNode resources = (ObjectNode) t.get("Resources");
        Map<String, JsonNode> all = new LinkedHashMap<>();
        resources.fields().forEachRemaining(e -> all.put(e.getKey(), e.getValue()));
        all.forEach((id, r) -> {
            if (SKIPPED_TYPES.contains(r.get("Type").asText())) {
                skippedOut.put(id, r);
                resources.remove(id);
            }
        });
        ObjectNode replaced = (ObjectNode) replaceReferences(t, skippedOut);
        replaced.remove("Rules"); // CheckBootstrapVersion: an assertion on the bootstrap stack, not a resource
        for (Iterator<Map.Entry<String, JsonNode>> it = replaced.get("Resources").fields(); it.hasNext(); ) {
            JsonNode r = it.next().getValue();
            JsonNode dependsOn = r.get("DependsOn");
            if (dependsOn != null) {
                ArrayNode kept = JsonNodeFactory.instance.arrayNode();
                (dependsOn.isArray() ? dependsOn : JsonNodeFactory.instance.arrayNode().add(dependsOn))
                        .forEach(d -> {
                            if (!skippedOut.containsKey(d.asText())) {
                                kept.add(d);
                            }
                        });
                ((ObjectNode) r).set("DependsOn", kept);
            }
        }
        return replaced;
    }

    private static JsonNode replaceReferences(JsonNode node, Map<String, JsonNode> skipped) {
        if (node.isObject()) {
            if (node.size() == 1 && node.has("Ref") && skipped.containsKey(node.get("Ref").asText())) {
                JsonNode target = skipped.get(node.get("Ref").asText());
                if ("AWS::Lambda::Alias".equals(target.get("Type").asText())) {
                    String function = target.get("Properties").get("FunctionName").get("Ref").asText();
                    ObjectNode getAtt = JsonNodeFactory.instance.objectNode();
                    getAtt.putArray("Fn::GetAtt").add(function).add("Arn");
                    return getAtt;
                }
                return JsonNodeFactory.instance.textNode("skipped-" + node.get("Ref").asText());
            }
            if (node.size() == 1 && node.has("Fn::GetAtt") && skipped.containsKey(node.get("Fn::GetAtt").get(0).asText())) {
                return JsonNodeFactory.instance.textNode("skipped-" + node.get("Fn::GetAtt").get(0).asText());
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), replaceReferences(e.getValue(), skipped)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(replaceReferences(n, skipped)));
            return out;
        }
        return node;
    }

    /** As the CDK CLI publishes file assets: directories zipped, files as they are, to the bootstrap bucket. */
    private static void uploadAssets(S3Client s3, Path manifest, Path dir, String region) {
        JsonNode files = read(manifest).path("files");
        Set<String> buckets = new TreeSet<>();
        files.fields().forEachRemaining(e -> {
            JsonNode source = e.getValue().get("source");
            Path path = dir.resolve(source.get("path").asText());
            byte[] body = "zip".equals(source.path("packaging").asText()) || Files.isDirectory(path) ? zip(path) : readBytes(path);
            e.getValue().get("destinations").forEach(d -> {
                String bucket = d.get("bucketName").asText().replace("${AWS::AccountId}", ACCOUNT).replace("${AWS::Region}", region);
                if (buckets.add(bucket)) {
                    try {
                        s3.createBucket(r -> r.bucket(bucket));
                    } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException ignored) {
                        // created by an earlier deploy in this run
                    }
                }
                s3.putObject(r -> r.bucket(bucket).key(d.get("objectKey").asText()), RequestBody.fromBytes(body));
            });
        });
    }

    /** The physical id CloudFormation gave a resource. */
    String physicalId(String logicalId) {
        StackResourceSummary s = resources.get(logicalId);
        if (s == null) {
            throw new AssertionError("the deployed stack has no resource " + logicalId + "; it has " + resources.keySet());
        }
        return s.physicalResourceId();
    }

    /** Logical ids of the template's resources of one type (deployed or skipped). */
    List<String> logicalIds(String type) {
        List<String> out = new ArrayList<>();
        template.get("Resources").fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().get("Type").asText())) {
                out.add(e.getKey());
            }
        });
        return out;
    }

    JsonNode resource(String logicalId) {
        return template.get("Resources").get(logicalId);
    }

    /** Every deployed function, as Lambda reports it (environment, layers, role). */
    static List<FunctionConfiguration> functions(LambdaClient lambda) {
        return lambda.listFunctionsPaginator(r -> { }).functions().stream().toList();
    }

    /** The files of a deployed layer version: the zip CloudFormation published it from, read back from S3. */
    Map<String, byte[]> layerFiles(S3Client s3, String layerLogicalId) {
        JsonNode content = resource(layerLogicalId).get("Properties").get("Content");
        String bucket = content.get("S3Bucket").isTextual() ? content.get("S3Bucket").asText()
                : "cdk-" + BOOTSTRAP_QUALIFIER + "-assets-" + ACCOUNT + "-" + stack.stackId().split(":")[3];
        byte[] zip = s3.getObjectAsBytes(r -> r.bucket(bucket).key(content.get("S3Key").asText())).asByteArray();
        Map<String, byte[]> files = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static byte[] zip(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes); Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
