package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbRouteRegistry;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * A drill's verification and move back, and the probe's verification of a move it did not make, under EC2 and
 * DynamoDB faults (issue #14), through {@link FaultProxy} in front of moto and DynamoDB Local. The probe is the real
 * {@link ProbeCycle} with its hop watch; only its data-path prober is scripted: it passes unless the table holds a
 * hop listed as broken (what real packets would say, as in the lab's DrillIT). Every case asserts where the route
 * ends, that the record is not left PENDING, what the drill report says, and how many moves reached EC2 (history's
 * APPLIED entries and ReplaceRoute calls forwarded), never durations.
 */
@ExtendWith(LocalAwsExtension.class)
class DrillFaultsIT {
    static final Destination DEFAULT = Destination.parse("0.0.0.0/0");
    static final Duration WINDOW = Duration.ofSeconds(20);

    private LocalAws aws;
    private TestNetwork net;
    private String natA;
    private String natB;
    private String rtb;
    private RouteKey key;
    private FaultProxy ec2Proxy;
    private FaultProxy ddbProxy;
    private DynamoDbOwnershipStore owners;
    private Controller controller;
    private ManualActions manual;
    private String table;
    private FailoverConfig config;
    private ProbeCycle cycle;
    private Thread probe;
    private final Set<String> broken = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<RouteChangeNotifier.RouteChange> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (probe != null) {
            probe.interrupt();
            probe.join(10_000);
        }
        if (cycle != null) {
            cycle.close();
        }
        if (ec2Proxy != null) {
            ec2Proxy.close();
            ddbProxy.close();
        }
    }

    /** Route on nat-a, recorded, both NATs healthy on every check; the probe running in the table's AZ. */
    private void start(LocalAws localAws) throws InterruptedException {
        this.aws = localAws;
        net = TestNetwork.create(aws, 2);
        natA = net.instance(0, "role=nat");
        natB = net.instance(1, "role=nat");
        rtb = net.routeTable(0, "tier=private");
        key = new RouteKey(rtb, DEFAULT);
        ec2Proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY);
        ddbProxy = FaultProxy.start(aws.endpoint("DynamoDB").orElseThrow(), FaultProxy.Dialect.DYNAMODB_JSON);
        Ec2Client ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).endpointOverride(ec2Proxy.endpoint()).build();
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD)
                .endpointOverride(ddbProxy.endpoint()).build();
        table = aws.uniqueName("ownership");
        OwnershipTable.create(aws.dynamoDb(), table);
        owners = new DynamoDbOwnershipStore(ddb, table);
        config = ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, statusChecks: false, rise: 1, fall: 1}
                  egress-path: {type: data-path, routes: [default-egress], endpoints: ["tcp://198.19.1.200:80"], timeout: 300ms, interval: 500ms, rise: 2, fall: 2, settle: 200ms}
                targets:
                  nat-a: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
                  nat-b: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    policy: {zoneAffinity: true, failBack: never}
                """.formatted(net.vpcId(), natA, natB), "drill-faults.yaml");
        controller = Controller.builder().config(() -> config)
                .registry(new DynamoDbRouteRegistry(ddb, table))
                .routeTables(new Ec2RouteTables(ec2)).instances(new Ec2Instances(ec2))
                .ownership(owners).targetStates(new DynamoDbTargetStateStore(ddb, table))
                .lifecycle((g, h, t, i) -> {
                    throw new AssertionError("no lifecycle action here");
                })
                .notifier(events::addAll)
                .clock(Clock.systemUTC()).build();
        manual = new ManualActions(controller);
        assertThat(controller.reconcile("setup").applied()).hasSize(1);
        assertThat(holder()).isEqualTo(natA);

        // The data-path prober: what packets through the hop the table holds would say.
        ProbeLoop.Builder loop = ProbeLoop.builder().prober((address, check) -> broken.contains(holder())
                        ? ProbeResult.fail(Duration.ofMillis(300), "timed out") : ProbeResult.pass(Duration.ofMillis(2), "connected"))
                .settings(ProbeSettings.defaults().withInterval(Duration.ofMillis(500))).clock(Clock.systemUTC()).probeAz(net.zone(0));
        cycle = new ProbeCycle(controller.probeBackend(), loop, t -> t).dataPathZones(Set.of(net.zone(0))).watchHops(Duration.ofSeconds(1));
        probe = Thread.ofPlatform().daemon().name("drill-faults-probe").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    // Invocations longer than the test: nothing reaches the store at an invocation's end.
                    cycle.run(config, "probe", Instant.now().plus(Duration.ofMinutes(10)));
                } catch (RuntimeException e) {
                    // a reconcile under the injected faults may fail; the next invocation starts over
                }
            }
        });
        // Rise 2 on the path through nat-a (the drill refuses while a candidate is not HEALTHY).
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end && !drillable()) {
            Thread.sleep(200);
        }
        assertThat(drillable()).as("both candidates healthy before the drill").isTrue();
        ec2Proxy.resetCounts();
        ddbProxy.resetCounts();
    }

    /** Which NAT the table's default route points at, read from moto directly (not through the proxy). */
    private String holder() {
        var route = aws.ec2().describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock())).findFirst().orElse(null);
        if (route == null) {
            return "none";
        }
        String eni = route.networkInterfaceId();
        return eni == null ? route.instanceId() : eni.equals(net.primaryEni(natA)) ? natA : eni.equals(net.primaryEni(natB)) ? natB : eni;
    }

    private boolean drillable() {
        try {
            manual.drill("default-egress", WINDOW, true, "ops");
            return true;
        } catch (ManualActions.InvalidRequestException notYet) {
            return false;
        }
    }

    /** The record once no claim is in flight (the probe's own reconciles may still be settling one: bounded wait). */
    private Ownership settledRecord() throws InterruptedException {
        DynamoDbOwnershipStore direct = new DynamoDbOwnershipStore(aws.dynamoDb(), table);
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Ownership o = direct.load(key).orElseThrow();
        while (o.status() == Ownership.ClaimStatus.PENDING && System.nanoTime() < end) {
            Thread.sleep(200);
            o = direct.load(key).orElseThrow();
        }
        return o;
    }

    private String name(String instance) {
        return instance.equals(natA) ? "nat-a" : instance.equals(natB) ? "nat-b" : instance;
    }

    /**
     * Each case: the fault, whether the standby forwards nothing (the verification must fail), whether the drill
     * passes, and whether the route must end on the original hop (null: either working hop; the report says which).
     */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("EC2 ReplaceRoute throttled x2 on the move back", false, "EC2", "ReplaceRoute", true, Fault.throttle(), 2, true, true),
                Arguments.of("EC2 ReplaceRoute 500 x6 on the move back (past the SDK's retries)", false, "EC2", "ReplaceRoute", true,
                        new Fault.Error(500, "InternalError", "An internal error has occurred"), 6, true, true),
                Arguments.of("EC2 ReplaceRoute response lost on the move back", false, "EC2", "ReplaceRoute", true, new Fault.LostResponse(), 1, true, true),
                Arguments.of("DynamoDB settle throttled x3 on the move back", false, "DDB", "TransactWriteItems", true, Fault.throttle(), 3, true, true),
                Arguments.of("DynamoDB reads throttled x8 during the verification", false, "DDB", "BatchGetItem", false, Fault.throttle(), 8, true, true),
                Arguments.of("EC2 DescribeRouteTables 500 x4 during the verification", false, "EC2", "DescribeRouteTables", false,
                        new Fault.Error(500, "InternalError", "An internal error has occurred"), 4, true, true),
                Arguments.of("broken standby, EC2 ReplaceRoute throttled x2 on the way back", true, "EC2", "ReplaceRoute", true, Fault.throttle(), 2, false, true),
                Arguments.of("broken standby, ReplaceRoute response lost on the way back", true, "EC2", "ReplaceRoute", true, new Fault.LostResponse(), 1, false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aDrillUnderFaultsEndsOnAWorkingHopWithTheRecordSettledAndSaysWhatHappened(String name, boolean standbyBroken, String service,
            String operation, boolean onlyMoveBack, Fault fault, int times, boolean passes, Boolean backOnOriginal, LocalAws localAws) throws Exception {
        start(localAws);
        if (standbyBroken) {
            broken.add(natB);
        }
        FaultProxy proxy = service.equals("EC2") ? ec2Proxy : ddbProxy;
        Thread armer = null;
        if (onlyMoveBack) {
            proxy.inject(operation, net.primaryEni(natA), fault, times); // only requests naming nat-a's ENI: the way back
        } else {
            // During the verification: armed once the route is on the standby (a fault before that refuses the drill
            // with nothing changed, which the handler answers as an error).
            armer = Thread.ofPlatform().daemon().start(() -> {
                long end = System.nanoTime() + WINDOW.toNanos();
                try {
                    while (System.nanoTime() < end && !holder().equals(natB)) {
                        Thread.sleep(50);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                proxy.inject(operation, fault, times);
            });
        }
        int historyBefore = history().size();

        Map<String, Object> report = manual.drill("default-egress", WINDOW, false, "ops");
        if (armer != null) {
            armer.join(WINDOW.toMillis());
        }

        assertThat(report).as(report.toString()).containsEntry("passed", passes);
        assertThat(report.get("outcome")).as(report.toString()).isNotEqualTo("inconclusive");
        String on = holder();
        assertThat(broken).as("the route ends on a working hop: %s", report).doesNotContain(on);
        if (Boolean.TRUE.equals(backOnOriginal)) {
            assertThat(on).as("back on the original hop: %s", report).isEqualTo(natA);
        }
        assertThat(report.get("after")).asString().as("the report says where the route is").contains("on=" + name(on));
        Ownership o = settledRecord();
        assertThat(o.status()).as("the record is not left PENDING").isNotEqualTo(Ownership.ClaimStatus.PENDING);
        assertThat(o.pin()).as("the drill leaves no pin").isNull();
        assertThat(proxy.seen(operation)).as("the fault was met").isGreaterThan(0);
        List<HistoryEntry> applied = history().subList(0, history().size() - historyBefore).stream()
                .filter(h -> h.outcome() == HistoryEntry.Outcome.APPLIED).toList();
        assertThat(applied).as("no double move: to the standby, and back at most once").hasSizeBetween(1, 2);
        if (!on.equals(natA)) {
            assertThat(report.toString()).as("a move back that did not happen is explained").containsAnyOf("status=FAILED", "status=SUPERSEDED", "errors=", "ERROR failed");
        }
    }

    private List<HistoryEntry> history() {
        return new DynamoDbOwnershipStore(aws.dynamoDb(), table).history(key, 50);
    }
}
