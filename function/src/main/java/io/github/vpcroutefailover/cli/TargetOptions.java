package io.github.vpcroutefailover.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import software.amazon.awssdk.regions.Region;

/** Where a command goes: {@code --stack NAME} (deployed) or {@code --local} (the emulators). */
public final class TargetOptions {
    @Option(names = "--stack", paramLabel = "NAME", description = "the deployed CloudFormation stack (default: $VRF_STACK); "
            + "the controller alias and table come from its outputs")
    String stack;

    @Option(names = "--local", description = "run the controller in this process against the emulators "
            + "(eval \"$(scripts/local-aws env)\" first)")
    boolean local;

    @Option(names = "--region", paramLabel = "REGION", description = "with --stack: the stack's region (default: the SDK chain: AWS_REGION, the profile)")
    String region;

    @Option(names = "--profile", paramLabel = "NAME", description = "with --stack: the AWS profile for credentials and region (default: AWS_PROFILE)")
    String profile;

    @Option(names = "--config", paramLabel = "FILE", description = "with --local: the route config (default: $VRF_CONFIG_PATH)")
    Path config;

    @Option(names = "--table-name", paramLabel = "NAME", description = "with --local: the ownership table (default: $VRF_TABLE_NAME, else vrf-local)")
    String tableName;

    static final String DEFAULT_LOCAL_TABLE = "vrf-local";

    /** Opens the backend these options name; refuses an ambiguous or missing choice with the fix. */
    Backend open(Io io, Wiring wiring) {
        String stackName = stack != null ? stack : local ? null : io.env("VRF_STACK");
        if (local && stack != null) {
            throw CliException.usage("--local and --stack exclude each other: --local runs against the emulators, --stack against a deployed stack");
        }
        if (!local && stackName == null) {
            throw CliException.usage("say where to run: --stack NAME (a deployed stack; or set VRF_STACK) or --local (the emulators)");
        }
        if (local) {
            if (region != null || profile != null) {
                throw CliException.usage("--region and --profile apply to --stack; with --local the emulator endpoints come from AWS_ENDPOINT_URL");
            }
            var clients = wiring.localClients(io);
            try {
                return LocalBackend.open(clients, wiring.ownsLocalClients(), localTable(io), localConfig(io), io);
            } catch (RuntimeException e) {
                if (wiring.ownsLocalClients()) {
                    clients.ec2().close();
                    clients.dynamoDb().close();
                    clients.cloudWatch().close();
                    clients.eventBridge().close();
                    clients.autoScaling().close();
                }
                throw e;
            }
        }
        if (config != null || tableName != null) {
            throw CliException.usage("--config and --table-name apply to --local; a stack's controller has its config in its layer and its table in the outputs");
        }
        if (profile != null) {
            // The SDK's profile setting: read by the credential chain and the region chain alike.
            System.setProperty("aws.profile", profile);
        }
        Region r = region == null ? null : Region.of(region);
        try {
            return StackBackend.open(stackName, wiring.cloudFormation(r), wiring.lambda(r));
        } catch (NoClassDefFoundError e) {
            // The Lambda package leaves the CloudFormation and Lambda clients out; the CLI jar has them.
            throw CliException.usage("--stack needs the operator CLI jar (function-<version>-cli.jar, run by bin/vrf); "
                    + "this jar is the Lambda package, which only runs --local, validate, import and sandbox");
        }
    }

    String localTable(Io io) {
        return tableName != null ? tableName : io.env("VRF_TABLE_NAME") != null ? io.env("VRF_TABLE_NAME") : DEFAULT_LOCAL_TABLE;
    }

    Path localConfig(Io io) {
        return config != null ? config : io.env("VRF_CONFIG_PATH") == null ? null : Path.of(io.env("VRF_CONFIG_PATH"));
    }
}
