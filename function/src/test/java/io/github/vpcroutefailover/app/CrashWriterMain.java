package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.eventbridge.EventBridgeRouteChangeNotifier;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The writer of {@code OwnershipCrashIT}, as its own JVM: one reconcile with the production clients (endpoints from
 * the environment) and its announce step, which the test SIGKILLs at a step ({@code VRF_TEST_BLOCK_AT}, see {@code CrashPoints}).
 *
 * <p>Arguments: vpc-id nat-a-instance nat-b-instance table claim-budget-seconds
 */
public final class CrashWriterMain {
    private CrashWriterMain() {
    }

    public static void main(String[] args) {
        Ec2Client ec2 = AwsClients.ec2();
        DynamoDbClient ddb = AwsClients.dynamoDb();
        Reconciler reconciler = Reconciler.builder().routeTables(new Ec2RouteTables(ec2)).instances(new Ec2Instances(ec2))
                .ownership(new DynamoDbOwnershipStore(ddb, args[3])).targetStates(new DynamoDbTargetStateStore(ddb, args[3])).build();
        ReconcileResult r = reconciler.reconcile(OwnershipCrashIT.config(args[0], args[1], args[2]),
                ReconcileOptions.apply("crash-writer").withClaimBudget(Duration.ofSeconds(Long.parseLong(args[4]))));
        // As the Controller does after every reconcile: publish through the outbox.
        EventBridgeClient events = AwsClients.tune(EventBridgeClient.builder(), RetryMode.STANDARD).build();
        new Announcer(new DynamoDbOwnershipStore(ddb, args[3]), new EventBridgeRouteChangeNotifier(events, null), Clock.systemUTC()).announce(r);
        System.out.println("RESULT " + r.actions().stream().map(a -> a.status().name()).toList());
    }
}
