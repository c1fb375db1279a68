package io.github.vpcroutefailover.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.vpcroutefailover.config.AgentCrossCheck;
import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.config.FleetConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;

/**
 * The CDK app: reads context, validates the route config with the function's own parser, builds the stack.
 * A bad config or bad context stops {@code cdk synth} with the full list of problems and nothing is deployed.
 */
public final class VrfApp {
    private VrfApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        if ("true".equals(String.valueOf(app.getNode().tryGetContext("nag")))) {
            // Opt-in: the same AwsSolutions checks the test suite runs, reported by cdk synth.
            Aspects.of(app).add(AwsSolutionsChecks.Builder.create().build());
        }
        if ("true".equals(String.valueOf(app.getNode().tryGetContext("memberRole")))) {
            // The member-account role (docs/fleet.md): environment-agnostic, for StackSets; needs no route config.
            new MemberRoleStack(app, "VrfMemberRole", software.amazon.awscdk.StackProps.builder().build());
            app.synth();
            return;
        }
        try {
            build(app, AppSettings.fromContext(app.getNode()::tryGetContext), defaultEnvironment(),
                    agentConfigs(app.getNode()::tryGetContext));
        } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
        app.synth();
    }

    /** The account and region the CDK CLI resolved from the caller's credentials and profile. */
    static Environment defaultEnvironment() {
        return Environment.builder().account(System.getenv("CDK_DEFAULT_ACCOUNT")).region(System.getenv("CDK_DEFAULT_REGION")).build();
    }

    /**
     * Validates the config and adds the stack to {@code app}.
     *
     * @throws ConfigException every problem in the config, with path and line, as the function reports them
     * @throws IllegalArgumentException when context contradicts the config
     */
    public static VrfStack build(App app, AppSettings settings, Environment env) {
        return build(app, settings, env, List.of());
    }

    /**
     * As {@link #build(App, AppSettings, Environment)}, and the config is checked against the agent configs that will
     * run on its targets: an agent check no agent publishes stops the synth ({@link AgentCrossCheck}).
     */
    public static VrfStack build(App app, AppSettings settings, Environment env, List<Path> agentConfigs) {
        FleetConfig fleet = FleetConfigLoader.load(settings.configPath());
        FailoverConfig config = fleet.single() ? validateConfig(settings) : homeVpc(fleet, settings);
        if (!agentConfigs.isEmpty()) {
            AgentCrossCheck.require(config, settings.configPath().toString(), agentConfigs.stream().map(AgentCrossCheck::read).toList());
        }
        VpcRouteFailoverProps failover = VpcRouteFailoverProps.builder().settings(settings).config(config)
                .functionJar(settings.functionJar() != null ? settings.functionJar() : FunctionArtifacts.defaultJar())
                .build();
        VrfStackProps props = VrfStackProps.builder().env(env).stackName(settings.stackName()).failover(failover).build();
        VrfStack stack = new VrfStack(app, settings.stackName(), props);
        stack.failover().allowAssumeRoles(fleet.roleArns());
        return stack;
    }

    /**
     * A config with {@code vpcs}: the stack's own resources (IAM for route tables, EC2 event rules, agent alarms,
     * probes) are derived from its first VPC in the controller's account and region; the other VPCs are reached with
     * their roles (docs/fleet.md "IAM"). A fleet of only remote VPCs is not supported by this app yet.
     */
    static FailoverConfig homeVpc(FleetConfig fleet, AppSettings settings) {
        FailoverConfig home = fleet.sites().stream().filter(s -> s.roleArn() == null && s.region() == null).map(VpcSite::config)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("configPath: " + settings.configPath() + " lists no VPC in "
                        + "the controller's own account and region (an entry without roleArn and region); the CDK app derives the "
                        + "stack's own IAM, rules and alarms from it. Add one, or deploy a stack per VPC (docs/fleet.md)"));
        if (settings.vpcId() != null && !settings.vpcId().equals(home.vpcId())) {
            throw new IllegalArgumentException("vpcId: context says " + settings.vpcId() + " but the home VPC of " + settings.configPath()
                    + " is " + home.vpcId());
        }
        return home;
    }

    /**
     * Context key {@code agentConfigs}: agent config files (comma-separated, or a JSON array in cdk.json) to check the
     * route config against; none by default.
     */
    public static List<Path> agentConfigs(Function<String, Object> context) {
        Object value = context.apply("agentConfigs");
        List<Path> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> out.add(Path.of(String.valueOf(v).trim())));
        } else if (value != null && !String.valueOf(value).isBlank()) {
            for (String part : String.valueOf(value).split(",")) {
                if (!part.isBlank()) {
                    out.add(Path.of(part.trim()));
                }
            }
        }
        return out;
    }

    /** The one synth-time validation call: the function's parser, plus the context's VPC guard. */
    public static FailoverConfig validateConfig(AppSettings settings) {
        FailoverConfig config = ConfigLoader.load(settings.configPath());
        if (settings.vpcId() != null && !settings.vpcId().equals(config.vpcId())) {
            throw new IllegalArgumentException("vpcId: context says " + settings.vpcId() + " but " + settings.configPath()
                    + " manages " + config.vpcId() + "; deploy each VPC's config with its own VPC id");
        }
        return config;
    }
}
