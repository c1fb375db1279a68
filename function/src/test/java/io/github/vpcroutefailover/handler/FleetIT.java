package io.github.vpcroutefailover.handler;

import static io.github.vpcroutefailover.handler.FleetWorld.ACCOUNT_A;
import static io.github.vpcroutefailover.handler.FleetWorld.ACCOUNT_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.FleetScheduler;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One controller, two accounts reached through roles, two VPCs each (docs/fleet.md): it fails over in all of them,
 * a held or throttled account does not keep the other from failing over, and a role that cannot be assumed fails
 * only its own VPCs.
 */
@ExtendWith(LocalAwsExtension.class)
class FleetIT {

    private static FleetWorld twoAccounts(LocalAws aws) {
        FleetWorld w = new FleetWorld(aws);
        w.addVpcs(ACCOUNT_A, 2);
        w.addVpcs(ACCOUNT_B, 2);
        return w;
    }

    private static List<FleetScheduler.Run<VpcSite, ReconcileResult>> reconcile(FleetComponents f) {
        return f.controller().reconcile("test");
    }

    private static void stopPreferredNats(FleetWorld w, String account) {
        w.vpcs.stream().filter(v -> account.equals(v.account())).forEach(v -> v.net().stopInstance(v.natA()));
    }

    @Test
    void oneControllerFailsOverInBothAccountsWithCachedRoleCredentialsAndScopedKeys(LocalAws aws) {
        try (FleetWorld w = twoAccounts(aws)) {
            FleetComponents f = w.fleet(8);
            assertThat(reconcile(f)).allSatisfy(r -> assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue());
            assertThat(w.vpcs).allSatisfy(v -> assertThat(v.routeInstance()).isEqualTo(v.natA()));

            stopPreferredNats(w, ACCOUNT_A);
            stopPreferredNats(w, ACCOUNT_B);
            assertThat(reconcile(f)).allSatisfy(r -> assertThat(r.ok()).isTrue());
            assertThat(w.vpcs).allSatisfy(v -> assertThat(v.routeInstance()).as(v.vpcId()).isEqualTo(v.natB()));

            // One AssumeRole per role (two VPCs share it), not per VPC nor per reconcile: kept until near expiry.
            assertThat(w.stsCounter.calls("Sts.AssumeRole")).isEqualTo(2);
            // Each account's calls went with its own clients: two VPCs' worth of route changes each, none at home.
            assertThat(w.counter(ACCOUNT_A).calls("Ec2.ReplaceRoute")).isEqualTo(2);
            assertThat(w.counter(ACCOUNT_B).calls("Ec2.ReplaceRoute")).isEqualTo(2);
            assertThat(w.counter(null).total()).isZero();
            // One table fences both accounts; every key names its account and region.
            String region = aws.region().id();
            assertThat(w.routeKeys()).hasSize(4).allSatisfy(k -> assertThat(k).matches(
                    "ROUTE#(" + ACCOUNT_A + "|" + ACCOUNT_B + ")/" + region + "/rtb-[0-9a-f]+\\|0\\.0\\.0\\.0/0"));
        }
    }

    @Test
    void aHeldAccountDoesNotKeepTheOtherFromFailingOver(LocalAws aws) throws Exception {
        try (FleetWorld w = twoAccounts(aws)) {
            FaultProxy a = w.proxyEc2(ACCOUNT_A);
            FleetComponents f = w.fleet(8);
            assertThat(reconcile(f)).allSatisfy(r -> assertThat(r.ok()).isTrue());
            stopPreferredNats(w, ACCOUNT_A);
            stopPreferredNats(w, ACCOUNT_B);

            // Account A's route table reads hang until released; B must fail over meanwhile.
            a.inject("DescribeRouteTables", new FaultProxy.Fault.Hold(), 2);
            CompletableFuture<List<FleetScheduler.Run<VpcSite, ReconcileResult>>> run = CompletableFuture.supplyAsync(() -> reconcile(f));
            assertThat(a.awaitHeld(Duration.ofSeconds(30))).isTrue();
            List<FleetWorld.Vpc> inB = w.vpcs.stream().filter(v -> ACCOUNT_B.equals(v.account())).toList();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!inB.stream().allMatch(v -> v.natB().equals(v.routeInstance())) && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            // The order: B's routes moved while A was still held and had changed nothing.
            assertThat(inB).allSatisfy(v -> assertThat(v.routeInstance()).isEqualTo(v.natB()));
            assertThat(run).isNotDone();
            assertThat(a.forwarded("ReplaceRoute")).isZero();
            assertThat(w.counter(ACCOUNT_A).calls("Ec2.ReplaceRoute")).isZero();

            a.release();
            List<FleetScheduler.Run<VpcSite, ReconcileResult>> runs = run.get();
            assertThat(runs).allSatisfy(r -> assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue());
            assertThat(w.vpcs).allSatisfy(v -> assertThat(v.routeInstance()).isEqualTo(v.natB()));
        }
    }

    @Test
    void aThrottledAccountIsReportedFailedAndTheOtherConvergesWithItsUsualCalls(LocalAws aws) {
        try (FleetWorld w = twoAccounts(aws)) {
            FaultProxy a = w.proxyEc2(ACCOUNT_A);
            FleetComponents f = w.fleet(8);
            assertThat(reconcile(f)).allSatisfy(r -> assertThat(r.ok()).isTrue());
            stopPreferredNats(w, ACCOUNT_A);
            stopPreferredNats(w, ACCOUNT_B);
            w.counters.values().forEach(c -> c.reset());

            a.inject("DescribeRouteTables", FaultProxy.Fault.throttle(), 1000);
            List<FleetScheduler.Run<VpcSite, ReconcileResult>> runs = reconcile(f);

            for (FleetScheduler.Run<VpcSite, ReconcileResult> r : runs) {
                if (ACCOUNT_A.equals(r.site().account())) {
                    assertThat(r.ok()).isFalse();
                    assertThat(r.failure()).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
                        assertThat(e.isThrottlingException()).isTrue();
                    });
                } else {
                    assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue();
                    assertThat(r.value().applied()).hasSize(1);
                }
            }
            w.vpcs.stream().filter(v -> ACCOUNT_A.equals(v.account())).forEach(v -> assertThat(v.routeInstance()).isEqualTo(v.natA()));
            w.vpcs.stream().filter(v -> ACCOUNT_B.equals(v.account())).forEach(v -> assertThat(v.routeInstance()).isEqualTo(v.natB()));
            // A retried within its budget, boundedly; B made one read of its tables per VPC and one change each.
            assertThat(w.counter(ACCOUNT_A).attempts("Ec2.DescribeRouteTables")).isBetween(4L, 20L);
            assertThat(w.counter(ACCOUNT_A).calls("Ec2.ReplaceRoute")).isZero();
            assertThat(w.counter(ACCOUNT_B).attempts("Ec2.DescribeRouteTables")).isEqualTo(w.counter(ACCOUNT_B).calls("Ec2.DescribeRouteTables"));
            assertThat(w.counter(ACCOUNT_B).calls("Ec2.ReplaceRoute")).isEqualTo(2);

            // Once the throttling ends, A fails over on the next run.
            a.clear();
            assertThat(reconcile(f)).allSatisfy(r -> assertThat(r.ok()).isTrue());
            assertThat(w.vpcs).allSatisfy(v -> assertThat(v.routeInstance()).isEqualTo(v.natB()));
        }
    }

    @Test
    void aRoleThatCannotBeAssumedFailsOnlyItsVpcsAndTheHomeVpcKeepsTheLegacyKeys(LocalAws aws) {
        try (FleetWorld w = twoAccounts(aws)) {
            FleetWorld.Vpc home = w.addVpcs(null, 1).get(0);
            FaultProxy sts = w.proxySts();
            // A's trust policy refuses us; B's STS calls are throttled every time.
            sts.inject("AssumeRole", ACCOUNT_A, new FaultProxy.Fault.Error(403, "AccessDenied",
                    "User is not authorized to perform: sts:AssumeRole"), 1000);
            sts.inject("AssumeRole", ACCOUNT_B, new FaultProxy.Fault.Throttle("Throttling"), 1000);
            FleetComponents f = w.fleet(8);
            List<FleetScheduler.Run<VpcSite, ReconcileResult>> runs = reconcile(f);

            assertThat(runs).filteredOn(r -> r.site().account() != null).hasSize(4).allSatisfy(r -> assertThat(r.ok()).isFalse());
            assertThat(runs).filteredOn(r -> ACCOUNT_A.equals(r.site().account()))
                    .allSatisfy(r -> assertThat(r.failure()).hasStackTraceContaining("403"));
            assertThat(runs).filteredOn(r -> r.site().account() == null).singleElement()
                    .satisfies(r -> assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue());
            assertThat(home.routeInstance()).isEqualTo(home.natA());
            // Nothing was written for the VPCs we could not reach; the home VPC's key has no scope (the old format).
            assertThat(w.routeKeys()).containsExactly("ROUTE#" + home.rtb() + "|0.0.0.0/0");
            // Throttled AssumeRole was retried, boundedly.
            assertThat(sts.seen("AssumeRole")).isBetween(4L, 40L);

            sts.clear();
            assertThat(reconcile(f)).allSatisfy(r -> assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue());
            assertThat(w.vpcs).allSatisfy(v -> assertThat(v.routeInstance()).isEqualTo(v.natA()));
        }
    }

    @Test
    void theHandlerRunsEventsOnEveryVpcAndSendsManualActionsToTheVpcOfTheirRoute(LocalAws aws) throws Exception {
        try (FleetWorld w = twoAccounts(aws)) {
            FaultProxy a = w.proxyEc2(ACCOUNT_A);
            FleetComponents f = w.fleet(8);
            ControllerHandler handler = new ControllerHandler(new Deployment(f.site(f.fleet().sites().get(0)), f), w.clock);
            byte[] scheduled = java.nio.file.Files.readAllBytes(HandlerWorld.EVENTS.resolve("aws.events-scheduled.json"));

            com.fasterxml.jackson.databind.JsonNode first = handler.handle(scheduled, null);
            assertThat(first.path("ok").asBoolean()).as(first.toString()).isTrue();
            assertThat(first.path("failedVpcs").asInt()).isZero();
            assertThat(first.path("vpcs")).hasSize(4).allSatisfy(v -> assertThat(v.path("ok").asBoolean()).isTrue());

            // A throttled account is reported in the answer; the invocation succeeds (EventBridge must not retry all).
            stopPreferredNats(w, ACCOUNT_B);
            a.inject("DescribeRouteTables", FaultProxy.Fault.throttle(), 1000);
            com.fasterxml.jackson.databind.JsonNode second = handler.handle(scheduled, null);
            assertThat(second.path("ok").asBoolean()).isTrue();
            assertThat(second.path("failedVpcs").asInt()).isEqualTo(2);
            for (com.fasterxml.jackson.databind.JsonNode v : second.path("vpcs")) {
                boolean inA = ACCOUNT_A.equals(v.path("account").asText());
                assertThat(v.path("ok").asBoolean()).as(v.toString()).isEqualTo(!inA);
                if (inA) {
                    assertThat(v.path("error").asText()).contains("Request limit exceeded").hasSizeLessThan(520);
                }
            }
            a.clear();

            // Manual: a route names its VPC; status without a route lists every VPC; registration is refused.
            FleetWorld.Vpc inB = w.vpcs.stream().filter(v -> ACCOUNT_B.equals(v.account())).findFirst().orElseThrow();
            com.fasterxml.jackson.databind.JsonNode status = handler.handle(("{\"action\":\"status\",\"route\":\"" + inB.route() + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
            assertThat(status.path("ok").asBoolean()).as(status.toString()).isTrue();
            assertThat(status.toString()).contains(inB.rtb()).doesNotContain(w.vpcs.get(0).rtb());
            com.fasterxml.jackson.databind.JsonNode all = handler.handle("{\"action\":\"status\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
            assertThat(all.path("vpcs")).hasSize(4);
            com.fasterxml.jackson.databind.JsonNode unknown = handler.handle("{\"action\":\"status\",\"route\":\"nope\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
            assertThat(unknown.path("ok").asBoolean()).isFalse();
            assertThat(unknown.path("error").path("field").asText()).isEqualTo("route");
            com.fasterxml.jackson.databind.JsonNode drain = handler.handle("{\"action\":\"drain\",\"target\":\"nat-a\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
            assertThat(drain.path("ok").asBoolean()).isFalse();
            assertThat(drain.path("error").path("message").asText()).contains("used in 4 VPCs");
        }
    }
}
