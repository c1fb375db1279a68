package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Machine;

/**
 * Every EventBridge rule pattern, as synthesized into the template, run through AWS's own Event Ruler against every
 * payload in events/: each file reaches exactly the rules it should, for both stack shapes. A new file in events/
 * must be added to {@link #EXPECTED}, so nothing in there goes unchecked.
 */
class EventRuleMatchingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ALARM = "AlarmStateRule";
    private static final String EC2 = "Ec2StateRule";
    private static final String SPOT = "SpotInterruptionRule";
    private static final String REBALANCE = "RebalanceRule";
    private static final String LIFECYCLE = "LifecycleRule";
    private static final String NOTIFY = "RouteFailoverNotifyRule";

    private record Expect(Set<String> full, Set<String> minimal) {
    }

    private static Expect both(String... rules) {
        return new Expect(Set.of(rules), Set.of(rules));
    }

    private static Expect fullOnly(String... rules) {
        return new Expect(Set.of(rules), Set.of());
    }

    /**
     * File -> rules it must reach in the full stack (nat-two-az.yaml: a tag-discovered target, so the EC2 rules
     * cannot name instances; ASG nat-asg) and in the minimal stack (instances by id, an alarm check, no ASG).
     */
    private static final Map<String, Expect> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("aws.events-scheduled.json", both()),
            Map.entry("aws.cloudwatch-alarm-state-change-alarm.json", both(ALARM)),
            Map.entry("aws.cloudwatch-alarm-state-change-ok.json", both(ALARM)),
            Map.entry("aws.cloudwatch-alarm-unmanaged.json", both()),
            // An alarm named by a `type: alarm` check: only the minimal config has one.
            Map.entry("aws.cloudwatch-alarm-state-change-config-alarm.json", new Expect(Set.of(), Set.of(ALARM))),
            Map.entry("aws.cloudwatch-alarm-state-change-malformed-detail.json", both()),
            Map.entry("aws.cloudwatch-alarm-configuration-change.json", both()),
            Map.entry("aws.ec2-instance-state-change-stopped.json", both(EC2)),
            Map.entry("aws.ec2-instance-state-change-stopping.json", both(EC2)),
            Map.entry("aws.ec2-instance-state-change-shutting-down.json", both(EC2)),
            Map.entry("aws.ec2-instance-state-change-terminated.json", both(EC2)),
            Map.entry("aws.ec2-instance-state-change-running.json", both(EC2)),
            Map.entry("aws.ec2-instance-state-change-pending.json", both()),
            // Tag-discovered targets cannot be expressed in a pattern: the full stack takes every instance's events.
            Map.entry("aws.ec2-instance-state-change-unmanaged.json", fullOnly(EC2)),
            Map.entry("aws.ec2-instance-state-change-malformed-detail.json", both()),
            Map.entry("aws.ec2-spot-interruption-warning.json", both(SPOT)),
            Map.entry("aws.ec2-spot-interruption-warning-unmanaged.json", fullOnly(SPOT)),
            Map.entry("aws.ec2-spot-interruption-warning-malformed-detail.json", both()),
            Map.entry("aws.ec2-rebalance-recommendation.json", both(REBALANCE)),
            Map.entry("aws.ec2-rebalance-recommendation-unmanaged.json", fullOnly(REBALANCE)),
            Map.entry("aws.autoscaling-lifecycle-terminate.json", fullOnly(LIFECYCLE)),
            Map.entry("aws.autoscaling-lifecycle-unmanaged-group.json", both()),
            Map.entry("aws.autoscaling-lifecycle-launch.json", both()),
            Map.entry("aws.autoscaling-lifecycle-malformed-detail.json", both()),
            Map.entry("vpc-route-failover-route-failover.json", both(NOTIFY)),
            Map.entry("acme.network-route-failover.json", both()),
            Map.entry("manual-status.json", both()),
            Map.entry("manual-plan.json", both()),
            Map.entry("manual-failover.json", both()),
            Map.entry("manual-failover-missing-route.json", both()),
            Map.entry("manual-drain.json", both()),
            Map.entry("manual-undrain.json", both()),
            Map.entry("manual-pin.json", both()),
            Map.entry("manual-unpin.json", both()),
            Map.entry("manual-register.json", both()),
            Map.entry("manual-deregister.json", both()),
            Map.entry("manual-drill.json", both()),
            Map.entry("manual-history.json", both()),
            Map.entry("manual-unknown-action.json", both())));

    static Path eventsDir() {
        return SampleConfigs.repoRoot().resolve("events");
    }

    static Stream<String> eventFiles() throws IOException {
        try (Stream<Path> files = Files.list(eventsDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
        }
    }

    /** Rule patterns keyed by logical id without the construct path ("FailoverRules") and CDK's 8-character hash suffix. */
    static Map<String, String> patterns(Template template) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : template.findResources("AWS::Events::Rule").entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) ((Map<String, Object>) e.getValue()).get("Properties");
            Object pattern = props.get("EventPattern");
            if (pattern != null) {
                out.put(e.getKey().replaceFirst("[0-9A-F]{8}$", "").replaceFirst("^" + VrfStack.FAILOVER_ID + "Rules", ""),
                        JSON.writeValueAsString(pattern));
            }
        }
        return out;
    }

    static Set<String> matches(Map<String, String> patterns, String eventJson) throws Exception {
        Set<String> matched = new HashSet<>();
        for (var rule : patterns.entrySet()) {
            // One machine per rule so a match is attributed to exactly that rule's pattern.
            Machine machine = new Machine();
            machine.addRule(rule.getKey(), rule.getValue());
            if (!machine.rulesForJSONEvent(eventJson).isEmpty()) {
                matched.add(rule.getKey());
            }
        }
        return matched;
    }

    @Test
    void everyEventFileIsClassifiedAndEveryClassifiedFileExists() throws IOException {
        // Why: a payload added to events/ without an expectation would silently go untested.
        assertThat(eventFiles().toList()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @Test
    void theRulesUnderTestAreTheOnesThatExist() throws IOException {
        // Why: a renamed or dropped rule would make every "matches nothing" expectation pass vacuously.
        assertThat(patterns(TestStacks.full().template()).keySet())
                .containsExactlyInAnyOrder(ALARM, EC2, SPOT, REBALANCE, LIFECYCLE, NOTIFY);
        assertThat(patterns(TestStacks.minimal().template()).keySet())
                .containsExactlyInAnyOrder(ALARM, EC2, SPOT, REBALANCE, NOTIFY);
    }

    @ParameterizedTest
    @MethodSource("eventFiles")
    void fullStackRulesReceiveExactlyTheirEvents(String file) throws Exception {
        String event = Files.readString(eventsDir().resolve(file));
        assertThat(matches(patterns(TestStacks.full().template()), event)).as(file)
                .containsExactlyInAnyOrderElementsOf(EXPECTED.get(file).full());
    }

    @ParameterizedTest
    @MethodSource("eventFiles")
    void minimalStackRulesReceiveExactlyTheirEvents(String file) throws Exception {
        String event = Files.readString(eventsDir().resolve(file));
        assertThat(matches(patterns(TestStacks.minimal().template()), event)).as(file)
                .containsExactlyInAnyOrderElementsOf(EXPECTED.get(file).minimal());
    }

    @Test
    void everyPatternRuleHasAPositiveExample() {
        // Why: a rule no sample reaches could be matching nothing in production either.
        Set<String> reachedFull = new HashSet<>();
        Set<String> reachedMinimal = new HashSet<>();
        EXPECTED.values().forEach(e -> {
            reachedFull.addAll(e.full());
            reachedMinimal.addAll(e.minimal());
        });
        assertThat(reachedFull).containsExactlyInAnyOrder(ALARM, EC2, SPOT, REBALANCE, LIFECYCLE, NOTIFY);
        assertThat(reachedMinimal).containsExactlyInAnyOrder(ALARM, EC2, SPOT, REBALANCE, NOTIFY);
    }

    @Test
    void onlyAgentAlarmsReachTheControllerNotTheOperationalOnes() throws Exception {
        // Why: if an operational alarm (controller errors, DLQ depth) matched the alarm rule, a broken controller
        // would invoke itself on its own error alarm. Each synthesized alarm name is run through the real pattern.
        Map<String, String> patterns = patterns(TestStacks.full().template());
        List<String> reaching = new ArrayList<>();
        List<String> notReaching = new ArrayList<>();
        for (var alarm : TestStacks.full().template().findResources("AWS::CloudWatch::Alarm").values()) {
            @SuppressWarnings("unchecked")
            String name = (String) ((Map<String, Object>) ((Map<String, Object>) alarm).get("Properties")).get("AlarmName");
            String event = JSON.writeValueAsString(Map.of("version", "0", "id", "x", "detail-type", EventPatterns.ALARM_DETAIL_TYPE,
                    "source", "aws.cloudwatch", "account", TestStacks.ACCOUNT, "time", "2026-03-01T00:00:00Z", "region", TestStacks.REGION,
                    "resources", List.of("arn:aws:cloudwatch:eu-west-1:111111111111:alarm:" + name),
                    "detail", Map.of("alarmName", name, "state", Map.of("value", "ALARM"))));
            (matches(patterns, event).contains(ALARM) ? reaching : notReaching).add(name);
        }
        // The Draining and Heartbeat alarms reach it too: that is what moves routes within seconds of an agent's
        // SIGTERM drain (issue #12), instead of at the next schedule.
        assertThat(reaching).containsExactlyInAnyOrder("vrf-nat-a-nat-agent", "vrf-nat-b-nat-agent", "vrf-nat-a-nat-forward",
                "vrf-nat-b-nat-forward", "vrf-nat-a--draining", "vrf-nat-b--draining", "vrf-nat-a--heartbeat", "vrf-nat-b--heartbeat");
        assertThat(notReaching).isNotEmpty().allMatch(n -> n.startsWith("VrfTest-ops-"));
    }
}
