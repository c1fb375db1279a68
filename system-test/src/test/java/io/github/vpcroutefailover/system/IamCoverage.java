package io.github.vpcroutefailover.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Checks recorded calls against the IAM policies of the role that made them, as deployed (the emulator's IAM
 * holds the stack's roles with every intrinsic function resolved), using moto's policy evaluator
 * ({@code iam_eval.py}, run in the emulator venv).
 *
 * <p>Why moto's evaluator called from a script rather than moto's server with authentication on: the server
 * evaluates only the caller's identity-based policies for the calls it authorizes, and it does not know the
 * {@code aws:ResourceTag} and {@code ec2:Vpc} keys our route statements are conditioned on, so it would allow a
 * route change outside the tagged tables. Here the request context is built from the emulator's own view of the
 * table (its tags and VPC) at the time of the check, the way IAM does it.
 */
final class IamCoverage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IamCoverage() {
    }

    /**
     * Every policy document of a role as deployed: its inline policies (the emulator's IAM), and the customer managed
     * policies the template attaches to it (the role's {@code ManagedPolicyArns} and policies listing it in
     * {@code Roles}), read back from the emulator by the ARN CloudFormation gave them. moto's CloudFormation does
     * not attach managed policies to roles, so the attachment is taken from the template.
     */
    static List<JsonNode> rolePolicies(IamClient iam, DeployedStack stack, String roleName) {
        List<JsonNode> out = new ArrayList<>();
        for (String name : iam.listRolePolicies(r -> r.roleName(roleName)).policyNames()) {
            out.add(parse(iam.getRolePolicy(r -> r.roleName(roleName).policyName(name)).policyDocument()));
        }
        String roleId = stack.resources.entrySet().stream().filter(e -> roleName.equals(e.getValue().physicalResourceId()))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("role " + roleName + " is not in the stack"));
        Set<String> policyIds = new LinkedHashSet<>();
        stack.resource(roleId).path("Properties").path("ManagedPolicyArns").forEach(a -> {
            if (a.has("Ref")) {
                policyIds.add(a.get("Ref").asText());
            }
        });
        for (String id : stack.logicalIds("AWS::IAM::ManagedPolicy")) {
            stack.resource(id).path("Properties").path("Roles").forEach(r -> {
                if (roleId.equals(r.path("Ref").asText())) {
                    policyIds.add(id);
                }
            });
        }
        for (String id : policyIds) {
            String arn = stack.physicalId(id);
            String version = iam.getPolicy(r -> r.policyArn(arn)).policy().defaultVersionId();
            out.add(parse(iam.getPolicyVersion(r -> r.policyArn(arn).versionId(version)).policyVersion().document()));
        }
        return out;
    }

    /** A managed policy as deployed, by its ARN (a stack output). */
    static JsonNode managedPolicyByArn(IamClient iam, String arn) {
        String version = iam.getPolicy(r -> r.policyArn(arn)).policy().defaultVersionId();
        return parse(iam.getPolicyVersion(r -> r.policyArn(arn).versionId(version)).policyVersion().document());
    }

    /** A managed policy as deployed, by its logical id in the template. */
    static JsonNode managedPolicy(IamClient iam, DeployedStack stack, String logicalId) {
        String arn = stack.physicalId(logicalId);
        String version = iam.getPolicy(r -> r.policyArn(arn)).policy().defaultVersionId();
        return parse(iam.getPolicyVersion(r -> r.policyArn(arn).versionId(version)).policyVersion().document());
    }

    /** The request context IAM would see for a call: route-table tags and the table's VPC for route changes. */
    static Map<String, String> context(Ec2Client ec2, String region, CallRecorder.Call call) {
        Map<String, String> ctx = new LinkedHashMap<>(call.context());
        if (call.routeTableId() != null) {
            RouteTable t = ec2.describeRouteTables(r -> r.routeTableIds(call.routeTableId())).routeTables().get(0);
            t.tags().forEach(tag -> ctx.put("aws:ResourceTag/" + tag.key(), tag.value()));
            ctx.put("ec2:Vpc", "arn:aws:ec2:" + region + ":" + DeployedStack.ACCOUNT + ":vpc/" + t.vpcId());
        }
        if (call.eniId() != null) {
            String vpc = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(call.eniId())).networkInterfaces().get(0).vpcId();
            ctx.put("ec2:Vpc", "arn:aws:ec2:" + region + ":" + DeployedStack.ACCOUNT + ":vpc/" + vpc);
        }
        return ctx;
    }

    /** The calls the policies do not allow, each with the evaluator's reason; empty when all are allowed. */
    static List<String> refused(List<JsonNode> policies, List<CallRecorder.Call> calls, Ec2Client ec2, String region) {
        // One evaluation per distinct request: a reconcile repeats the same reads many times.
        Set<String> seen = new LinkedHashSet<>();
        List<CallRecorder.Call> distinct = new ArrayList<>();
        List<Map<String, String>> contexts = new ArrayList<>();
        for (CallRecorder.Call c : calls) {
            Map<String, String> ctx = context(ec2, region, c);
            if (seen.add(c.action() + " " + c.resource() + " " + ctx)) {
                distinct.add(c);
                contexts.add(ctx);
            }
        }
        ObjectNode request = JSON.createObjectNode();
        ArrayNode ps = request.putArray("policies");
        policies.forEach(ps::add);
        ArrayNode cs = request.putArray("calls");
        for (int i = 0; i < distinct.size(); i++) {
            ObjectNode c = cs.addObject().put("action", distinct.get(i).action()).put("resource", distinct.get(i).resource());
            ObjectNode ctx = c.putObject("context");
            contexts.get(i).forEach(ctx::put);
        }
        JsonNode results = runEvaluator(request);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < distinct.size(); i++) {
            if (!results.get(i).get("allowed").asBoolean()) {
                CallRecorder.Call c = distinct.get(i);
                out.add(c.component() + ": " + c.action() + " on " + c.resource() + " " + contexts.get(i) + " -> " + results.get(i).get("why").asText());
            }
        }
        return out;
    }

    private static JsonNode runEvaluator(JsonNode request) {
        Path python = venvPython();
        try {
            Path script = Files.createTempFile("iam_eval", ".py");
            try (InputStream in = IamCoverage.class.getResourceAsStream("/iam_eval.py")) {
                Files.write(script, in.readAllBytes());
            }
            Process p = new ProcessBuilder(python.toString(), script.toString()).redirectError(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().write(JSON.writeValueAsBytes(request));
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("iam_eval.py failed: " + new String(err, StandardCharsets.UTF_8));
            }
            Files.deleteIfExists(script);
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("cannot run moto's IAM evaluator with " + python + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The emulator venv's python (scripts/local-aws creates it; VRF_LOCAL_AWS_DIR moves it). */
    static Path venvPython() {
        String dir = System.getenv("VRF_LOCAL_AWS_DIR");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("vrf.repoRoot", "..")).resolve(".local-aws");
        Path python = base.resolve("venv/bin/python");
        if (!Files.isExecutable(python)) {
            throw new AssertionError("moto's venv python not found at " + python + "; run scripts/local-aws start (it creates the venv), "
                    + "or set VRF_LOCAL_AWS_DIR to the directory holding venv/");
        }
        return python;
    }

    private static JsonNode parse(String document) {
        try {
            // IAM returns policy documents URL-encoded; moto returns them as given.
            String text = document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("unreadable policy document: " + document, e);
        }
    }
}
