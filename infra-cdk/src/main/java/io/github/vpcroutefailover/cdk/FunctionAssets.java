package io.github.vpcroutefailover.cdk;

import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/** What every function shares: the jar, the config layer, and the dead-letter queue. */
public final class FunctionAssets extends Construct {
    private final Code jar;
    private final LayerVersion configLayer;
    private final Queue deadLetterQueue;

    FunctionAssets(Construct scope, String id, Path functionJar, Path configFile) {
        super(scope, id);
        this.jar = Code.fromAsset(FunctionArtifacts.requireJar(functionJar).toString());
        this.configLayer = LayerVersion.Builder.create(this, "ConfigLayer")
                .code(Code.fromAsset(FunctionArtifacts.stageConfigLayer(configFile).toString()))
                .compatibleRuntimes(List.of(Runtime.JAVA_21))
                .compatibleArchitectures(List.of(Architecture.ARM_64))
                .description("VPC Route Failover route config (" + Contract.CONFIG_PATH_IN_FUNCTION + "), validated at synth")
                .build();
        // Failed async invocations (after retries) and undeliverable rule targets land here; its depth is alarmed.
        this.deadLetterQueue = Queue.Builder.create(this, "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagRules.deadLetterQueue(deadLetterQueue);
    }

    public Code jar() {
        return jar;
    }

    public LayerVersion configLayer() {
        return configLayer;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }
}
