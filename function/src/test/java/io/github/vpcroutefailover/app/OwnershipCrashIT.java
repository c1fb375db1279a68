package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.ec2.UnmanagedRoutes;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The controller as a separate JVM ({@link CrashWriterMain}), killed with SIGKILL at each step of the apply path:
 * after its claim, while its ReplaceRoute is held in a proxy before reaching EC2, after ReplaceRoute reached EC2,
 * before the settle (record + history, one transaction). A fresh reconcile in this JVM then repairs the route,
 * record, history and events; the time from the kill to a correct route and record is printed for BENCHMARKS.md.
 *
 * <p>The writer's claim budget is {@value #CLAIM_BUDGET_S} s, so its claim is provably abandoned that long after
 * it was made: the repairing reconcile runs on the real clock, once a second (bounded), until the claim is settled.
 */
@ExtendWith(LocalAwsExtension.class)
class OwnershipCrashIT {
    static final int CLAIM_BUDGET_S = 5;
    private static final Destination DEFAULT = Destination.parse("0.0.0.0/0");

    static FailoverConfig config(String vpc, String natA, String natB) {
        Map<String, TargetSpec> targets = new LinkedHashMap<>();
        targets.put("nat-a", new TargetSpec.Instance("nat-a", natA, null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.FIX));
        targets.put("nat-b", new TargetSpec.Instance("nat-b", natB, null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.FIX));
        return new FailoverConfig(vpc, Map.of("ec2", new CheckSpec.Ec2Status("ec2", true, 1, 1)), targets,
                List.of(new RouteSpec("default-egress", DEFAULT, List.of(new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false)),
                        List.of("nat-a", "nat-b"), List.of(), RoutePolicy.defaults())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"after-claim", "during-replace-route", "after-ec2", "before-settle", "before-announce"})
    void aWriterKilledAtAnyStepIsRepairedByTheNextReconcile(String step, LocalAws aws) throws Exception {
        TestNetwork net = TestNetwork.create(aws, 2);
        String natA = net.instance(0, "role=nat");
        String natB = net.instance(1, "role=nat");
        String rtb = net.routeTable(0, "tier=private");
        RouteKey key = new RouteKey(rtb, DEFAULT);
        UnmanagedRoutes unmanaged = UnmanagedRoutes.install(aws, net);
        String table = aws.uniqueName("ownership");
        OwnershipTable.create(aws.dynamoDb(), table);
        Ec2Client ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        DynamoDbOwnershipStore owners = new DynamoDbOwnershipStore(ddb, table);
        Reconciler here = Reconciler.builder().routeTables(new Ec2RouteTables(ec2)).instances(new Ec2Instances(ec2))
                .ownership(owners).targetStates(new DynamoDbTargetStateStore(ddb, table)).build();
        // The repairing side announces as the Controller does; what it publishes is recorded here.
        List<RouteChangeNotifier.RouteChange> published = java.util.Collections.synchronizedList(new ArrayList<>());
        Announcer announcer = new Announcer(owners, published::addAll, java.time.Clock.systemUTC());
        FailoverConfig config = config(net.vpcId(), natA, natB);
        ReconcileResult setup = here.reconcile(config, ReconcileOptions.apply("setup"));
        assertThat(setup.applied()).hasSize(1);
        announcer.announce(setup);
        published.clear(); // the create's event: counted from here on are the move's
        net.stopInstance(natA);

        try (FaultProxy ec2Proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY)) {
            Map<String, String> env = new LinkedHashMap<>(aws.environment());
            if (step.equals("during-replace-route")) {
                env.put("AWS_ENDPOINT_URL_EC2", ec2Proxy.endpoint().toString());
                ec2Proxy.inject("ReplaceRoute", new FaultProxy.Fault.Hold(), 1);
            } else {
                env.put(CrashPoints.ENV, step);
            }
            Process writer = start(env, net.vpcId(), natA, natB, table);
            List<String> output = new ArrayList<>();
            CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> awaitLine(writer, "VRF-BLOCKED-AT " + step, output));
            if (step.equals("during-replace-route")) {
                assertThat(ec2Proxy.awaitHeld(Duration.ofSeconds(90))).as("writer's ReplaceRoute held; output %s", output).isTrue();
            } else {
                assertThat(blocked.get(90, TimeUnit.SECONDS)).as("writer reached %s; output %s", step, output).isTrue();
            }
            writer.destroyForcibly(); // SIGKILL
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long killed = System.nanoTime();
            ec2Proxy.close(); // a held request is dropped, never forwarded
            assertThat(writer.exitValue()).as("killed by SIGKILL").isEqualTo(137);

            Ownership abandoned = owners.load(key).orElseThrow();
            boolean settled = step.equals("before-announce");
            assertThat(abandoned.status()).as("the writer died holding its claim, or after settling it")
                    .isEqualTo(settled ? Ownership.ClaimStatus.APPLIED : Ownership.ClaimStatus.PENDING);
            boolean reachedEc2 = step.equals("after-ec2") || step.equals("before-settle") || settled;
            String moveKey = rtb + "|0.0.0.0/0|" + abandoned.claim().version();

            // Scheduled reconciles (bounded: 1 s apart, at most 60) until the claim is settled and the route right.
            List<ReconcileResult> results = new ArrayList<>();
            long correct = 0;
            long announced = 0;
            for (int i = 0; i < 60 && (correct == 0 || announced == 0); i++) {
                ReconcileResult r = here.reconcile(config, ReconcileOptions.apply("repair-" + i));
                results.add(r);
                announcer.announce(r);
                Ownership o = owners.load(key).orElseThrow();
                if (correct == 0 && o.status() == Ownership.ClaimStatus.APPLIED && natB.equals(o.target().instanceId())
                        && routeInstance(aws, net, rtb, natA, natB).equals(natB)) {
                    correct = System.nanoTime();
                }
                if (announced == 0 && published.stream().anyMatch(c -> c.to() != null && natB.equals(c.to().instanceId()))) {
                    announced = System.nanoTime();
                }
                if (correct == 0 || announced == 0) {
                    Thread.sleep(1000);
                }
            }
            assertThat(correct).as("repaired within 60 reconciles").isPositive();
            assertThat(announced).as("the move announced within 60 reconciles").isPositive();
            List<Status> statuses = results.stream().flatMap(r -> r.actions().stream()).map(ReconcileResult.ActionOutcome::status).toList();
            List<HistoryEntry> history = owners.history(key, 20);
            List<HistoryEntry> applied = history.stream().filter(h -> h.outcome() == HistoryEntry.Outcome.APPLIED).toList();
            assertThat(applied).as("the create and the move, once each").hasSize(2);
            assertThat(published).as("one Route Failover event for the move").singleElement()
                    .satisfies(c -> assertThat(c.idempotencyKey().equals(moveKey))
                            .as("the event is the abandoned claim's exactly when its change reached EC2").isEqualTo(reachedEc2));
            assertThat(owners.list().unannounced()).as("the outbox is empty").isEmpty();
            if (settled) {
                assertThat(statuses).as("nothing to repair: the record was settled; only its event was missing").isEmpty();
                assertThat(applied.get(0).by()).isEqualTo("crash-writer");
                assertThat(applied.get(0).recordedBy()).isNull();
                assertThat(published.get(0).invocationId()).as("the event as the writer recorded it").isEqualTo("crash-writer");
            } else if (reachedEc2) {
                assertThat(statuses).containsExactly(Status.REPAIRED);
                assertThat(applied.get(0).by()).isEqualTo("crash-writer");
                assertThat(applied.get(0).recordedBy()).startsWith("repair-");
            } else {
                assertThat(statuses).containsExactly(Status.RELEASED, Status.APPLIED);
                assertThat(history).filteredOn(h -> h.outcome() == HistoryEntry.Outcome.ABANDONED).singleElement()
                        .satisfies(h -> assertThat(h.by()).isEqualTo("crash-writer"));
            }
            assertThat(here.reconcile(config, ReconcileOptions.apply("after")).converged()).isTrue();
            unmanaged.assertUnchanged("0.0.0.0/0");
            System.out.println("CRASH-ROW | SIGKILL " + step + " | reached EC2: " + reachedEc2 + " | kill to correct route+record: "
                    + Duration.ofNanos(correct - killed).toMillis() + " ms, to the event published: "
                    + Duration.ofNanos(announced - killed).toMillis() + " ms (claim budget " + CLAIM_BUDGET_S + " s) | reconciles: "
                    + results.size() + " | outcomes " + statuses);
        } finally {
            ec2.close();
            ddb.close();
        }
    }

    private static Process start(Map<String, String> env, String vpc, String natA, String natB, String table) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashWriterMain.class.getName(),
                vpc, natA, natB, table, Integer.toString(CLAIM_BUDGET_S)).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static boolean awaitLine(Process p, String wanted, List<String> output) {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                synchronized (output) {
                    if (output.size() < 200) {
                        output.add(line);
                    }
                }
                if (line.contains(wanted)) {
                    // keep draining so the writer never blocks on a full pipe before the kill
                    CompletableFuture.runAsync(() -> r.lines().forEach(l -> { }));
                    return true;
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    private static String routeInstance(LocalAws aws, TestNetwork net, String rtb, String natA, String natB) {
        var route = aws.ec2().describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock())).findFirst().orElseThrow();
        String eni = route.networkInterfaceId();
        return eni == null ? String.valueOf(route.instanceId()) : eni.equals(net.primaryEni(natA)) ? natA : eni.equals(net.primaryEni(natB)) ? natB : eni;
    }
}
