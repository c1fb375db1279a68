package io.github.vpcroutefailover.cdk;

import static io.github.vpcroutefailover.cdk.VrfStackTest.JSON;
import static io.github.vpcroutefailover.cdk.VrfStackTest.full;
import static io.github.vpcroutefailover.cdk.VrfStackTest.json;
import static io.github.vpcroutefailover.cdk.VrfStackTest.logicalId;
import static io.github.vpcroutefailover.cdk.VrfStackTest.minimal;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;

/**
 * What operators watch: agent alarms (check, Draining, Heartbeat), operational alarms, the dashboard, the Logs
 * Insights saved queries and the registered event schema. Helpers and the stacks under test are
 * {@link VrfStackTest}'s.
 */
class VrfStackObservabilityTest {

    @Nested
    class Alarms {
        @Test
        void oneHighResolutionAgentAlarmPerAgentCheckOnAKnownInstance() {
            // Why: the agent's 1 s metrics become state changes within seconds; a silent agent must fail the
            // check (missing = breaching); the name prefix is what the alarm rule and IAM key on.
            for (String target : List.of("nat-a", "nat-b")) {
                full().hasResourceProperties("AWS::CloudWatch::Alarm", Map.ofEntries(
                        Map.entry("AlarmName", "vrf-" + target + "-nat-agent"),
                        Map.entry("Namespace", "VpcRouteFailover"), Map.entry("MetricName", "CheckResult"),
                        Map.entry("Dimensions", List.of(Map.of("Name", "Check", "Value", "egress"),
                                Map.of("Name", "InstanceId", "Value", target.equals("nat-a") ? SampleConfigs.NAT_A : SampleConfigs.NAT_B))),
                        Map.entry("Period", 10), Map.entry("Statistic", "Minimum"), Map.entry("Threshold", 1),
                        Map.entry("ComparisonOperator", "LessThanThreshold"), Map.entry("EvaluationPeriods", 3),
                        Map.entry("DatapointsToAlarm", 3), Map.entry("TreatMissingData", "breaching"),
                        Map.entry("AlarmActions", Match.absent())));
            }
            full().resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of("MetricName", "CheckResult"), 2);
        }

        @Test
        void controllerErrorsThrottlesAndDeadLettersAreAlarmedToTheTopic() {
            // Why: a broken controller fails silently otherwise, and routes stop failing over.
            Capture topic = new Capture();
            full().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "VrfTest-ops-controller-errors",
                    "Namespace", "AWS/Lambda", "MetricName", "Errors",
                    "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", logicalId(full(), "AWS::Lambda::Function", "ControllerFunction")))),
                    "AlarmActions", List.of(Map.of("Ref", topic))));
            assertThat(topic.asString()).startsWith("FailoverRulesNotificationTopic");
            full().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "VrfTest-ops-controller-throttles",
                    "Namespace", "AWS/Lambda", "MetricName", "Throttles"));
            full().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "VrfTest-ops-dead-letters",
                    "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1));
            full().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "VrfTest-ops-reconcile-errors",
                    "Namespace", "VpcRouteFailover", "MetricName", "ReconcileErrors"));
            full().resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of("AlarmName", Match.stringLikeRegexp("VrfTest-ops-probe-errors-.*")), 2);
            minimal().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "VrfMinimal-ops-controller-errors",
                    "AlarmActions", List.of(TestStacks.EXISTING_TOPIC)));
        }

        @Test
        void dashboardShowsRoutesFailoversHealthHandlersAndProbes() {
            // Why: the dashboard is the operator's first stop; it must plot the metrics the function publishes.
            String body = json(full().findResources("AWS::CloudWatch::Dashboard"));
            for (String route : List.of("default-egress", "dns-anycast", "ipv6-egress")) {
                assertThat(body).contains("\\\"VpcRouteFailover\\\",\\\"RouteChanges\\\",\\\"RouteName\\\",\\\"" + route + "\\\"");
            }
            assertThat(body).contains("\\\"Failovers\\\"", "\\\"ReconcileErrors\\\"", "\\\"ReconcileDurationMs\\\"",
                    "\\\"ProbeResult\\\",\\\"Check\\\",\\\"nat-tcp\\\",\\\"InstanceId\\\",\\\"" + SampleConfigs.NAT_A + "\\\"",
                    "\\\"CheckResult\\\",\\\"Check\\\",\\\"egress\\\",\\\"InstanceId\\\",\\\"" + SampleConfigs.NAT_B + "\\\"",
                    "\\\"AWS/Lambda\\\",\\\"Errors\\\"", "\\\"AWS/Lambda\\\",\\\"Duration\\\"", "\\\"AWS/Lambda\\\",\\\"Throttles\\\"",
                    "ApproximateNumberOfMessagesVisible");
        }
    }

    @Nested
    class AgentDrainAndHeartbeat {
        @Test
        void oneDrainingAlarmPerAgentInstanceFiresOnTheFirstDrainingDatum() {
            // Why: README and docs/agent.md promise it. The agent's SIGTERM publishes Draining=1 once; Maximum >= 1
            // over one 10 s period turns that datum into ALARM at once, and its prefixed name sends the state change
            // to the controller, which reads Draining and moves the routes (no wait for the schedule or staleness).
            for (String target : List.of("nat-a", "nat-b")) {
                full().hasResourceProperties("AWS::CloudWatch::Alarm", Map.ofEntries(
                        Map.entry("AlarmName", "vrf-" + target + "--draining"),
                        Map.entry("Namespace", "VpcRouteFailover"), Map.entry("MetricName", "Draining"),
                        Map.entry("Dimensions", List.of(Map.of("Name", "Check", "Value", "agent"),
                                Map.of("Name", "InstanceId", "Value", target.equals("nat-a") ? SampleConfigs.NAT_A : SampleConfigs.NAT_B))),
                        Map.entry("Period", 10), Map.entry("Statistic", "Maximum"), Map.entry("Threshold", 1),
                        Map.entry("ComparisonOperator", "GreaterThanOrEqualToThreshold"), Map.entry("EvaluationPeriods", 1),
                        Map.entry("DatapointsToAlarm", 1),
                        // Missing Draining data is the Heartbeat alarm's case, not a drain.
                        Map.entry("TreatMissingData", "notBreaching")));
            }
            full().resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of("MetricName", "Draining"), 2);
            minimal().resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of("MetricName", "Draining"), 2);
        }

        @Test
        void oneHeartbeatAlarmPerAgentInstanceTreatsSilenceAsBreaching() {
            // Why: a stopped agent publishes nothing; over the check's staleness window (3 x 10 s) that is ALARM.
            for (String target : List.of("nat-a", "nat-b")) {
                full().hasResourceProperties("AWS::CloudWatch::Alarm", Map.ofEntries(
                        Map.entry("AlarmName", "vrf-" + target + "--heartbeat"),
                        Map.entry("Namespace", "VpcRouteFailover"), Map.entry("MetricName", "Heartbeat"),
                        Map.entry("Dimensions", List.of(Map.of("Name", "Check", "Value", "agent"),
                                Map.of("Name", "InstanceId", "Value", target.equals("nat-a") ? SampleConfigs.NAT_A : SampleConfigs.NAT_B))),
                        Map.entry("Period", 10), Map.entry("Statistic", "Minimum"), Map.entry("Threshold", 1),
                        Map.entry("ComparisonOperator", "LessThanThreshold"), Map.entry("EvaluationPeriods", 3),
                        Map.entry("DatapointsToAlarm", 3), Map.entry("TreatMissingData", "breaching")));
            }
            full().resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of("MetricName", "Heartbeat"), 2);
        }

        @Test
        void drainAndHeartbeatNamesCannotBeReadAsACheckAlarm() {
            // Why: the controller maps "<prefix><target>-<check>" to that check; a check name starts with a letter or
            // digit, so "<target>--draining" can never be taken for a check named "draining" of that target.
            assertThat(AgentAlarms.DRAINING_SUFFIX).startsWith("--");
            assertThat(AgentAlarms.HEARTBEAT_SUFFIX).startsWith("--");
        }
    }

    @Nested
    class LogsAndSchema {
        @Test
        void savedQueriesForEveryRouteFailoversAndErrorsOverEveryFunctionsLogs() {
            // Why: issue #13: "why did route X move", "all failovers in the last day", "errors by reconcile", over
            // the controller's, the operator path's and both probes' log groups (each can move routes).
            List<Object> groups = List.of(
                    Map.of("Ref", logicalId(full(), "AWS::Logs::LogGroup", "ControllerLogs")),
                    Map.of("Ref", logicalId(full(), "AWS::Logs::LogGroup", "ControllerOperatorLogs")),
                    Map.of("Ref", logicalId(full(), "AWS::Logs::LogGroup", "ProbesLogseuwest1a")),
                    Map.of("Ref", logicalId(full(), "AWS::Logs::LogGroup", "ProbesLogseuwest1b")));
            for (String route : List.of("default-egress", "dns-anycast", "ipv6-egress")) {
                full().hasResourceProperties("AWS::Logs::QueryDefinition", Map.of("Name", "VrfTest/why-did-" + route + "-move",
                        "QueryString", LogQueries.whyDidRouteMove(route), "LogGroupNames", groups));
            }
            full().hasResourceProperties("AWS::Logs::QueryDefinition", Map.of("Name", "VrfTest/all-failovers (set the range to 1 day)",
                    "QueryString", LogQueries.ALL_FAILOVERS, "LogGroupNames", groups));
            full().hasResourceProperties("AWS::Logs::QueryDefinition", Map.of("Name", "VrfTest/errors-by-reconcile",
                    "QueryString", LogQueries.ERRORS_BY_RECONCILE, "LogGroupNames", groups));
            full().resourceCountIs("AWS::Logs::QueryDefinition", 5);
            minimal().resourceCountIs("AWS::Logs::QueryDefinition", 3);
        }

        @Test
        void queriesUseTheFieldsTheFunctionLogs() {
            // Why: a query on a field nobody writes returns nothing and looks like "no failovers". These are the
            // keys Reconciler logs on every route action (event=route-<outcome>, route, key, from, to, reason).
            assertThat(LogQueries.whyDidRouteMove("r")).contains("filter route = \"r\" and event like /^route-/");
            assertThat(LogQueries.ALL_FAILOVERS).contains("filter event = \"route-applied\"");
            assertThat(LogQueries.ERRORS_BY_RECONCILE).contains("filter level = \"ERROR\"", "by run");
        }

        @Test
        void dashboardHasALogWidgetOfTheLatestRouteActions() {
            // Why: the dashboard shows what moved and why next to the metrics, without opening Logs Insights.
            String body = json(full().findResources("AWS::CloudWatch::Dashboard"));
            assertThat(body).contains("\\\"type\\\":\\\"log\\\"", "Latest route actions (logs)", "event like /^route-/");
        }

        @Test
        void theRouteFailoverSchemaIsRegisteredAsShippedInSchemas() throws Exception {
            // Why: consumers generate bindings from the registry; it must hold exactly the file the function's
            // tests validate the notifier's events against.
            String file = java.nio.file.Files.readString(SampleConfigs.repoRoot().resolve("schemas/route-failover-event.json"));
            Capture registry = new Capture();
            full().hasResourceProperties("AWS::EventSchemas::Registry", Map.of("RegistryName", "VrfTest-events"));
            full().hasResourceProperties("AWS::EventSchemas::Schema", Map.of("SchemaName", "vpc-route-failover@RouteFailover",
                    "Type", "JSONSchemaDraft4", "Content", file,
                    "RegistryName", Map.of("Fn::GetAtt", List.of(registry, "RegistryName"))));
            assertThat(registry.asString()).startsWith("FailoverEventSchemaRegistry");
            assertThat(JSON.readTree(file).path("$schema").asText()).isEqualTo("http://json-schema.org/draft-04/schema#");
        }
    }
}
