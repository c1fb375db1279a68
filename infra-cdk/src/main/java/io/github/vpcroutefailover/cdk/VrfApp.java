package io.github.vpcroutefailover.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
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
        try {
            build(app, AppSettings.fromContext(app.getNode()::tryGetContext), defaultEnvironment());
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
        FailoverConfig config = validateConfig(settings);
        VpcRouteFailoverProps failover = VpcRouteFailoverProps.builder().settings(settings).config(config)
                .functionJar(settings.functionJar() != null ? settings.functionJar() : FunctionArtifacts.defaultJar())
                .build();
        VrfStackProps props = VrfStackProps.builder().env(env).stackName(settings.stackName()).failover(failover).build();
        return new VrfStack(app, settings.stackName(), props);
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
