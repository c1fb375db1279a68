package io.github.vpcroutefailover.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.LogQueryWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/** The operator's first stop: route changes, health, handlers, alarms, and the latest route actions from the logs. */
public final class FailoverDashboard extends Construct {
    private final Dashboard dashboard;

    FailoverDashboard(Construct scope, String id, String name, ConfigFacts facts, ControllerFunctions controllers,
                      List<Function> probes, IQueue dlq, List<IAlarm> agentAlarms, List<? extends IAlarm> opsAlarms,
                      List<ILogGroup> logGroups) {
        super(scope, id);
        dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName(name).build();
        dashboard.addWidgets(
                graph("Route ownership changes", facts.routeNames().stream()
                        .map(r -> (IMetric) fnMetric(Contract.METRIC_ROUTE_CHANGES, Map.of("RouteName", r), "Sum", Duration.minutes(1)).with(
                                MetricOptions.builder().label(r).build())).toList()),
                graph("Failovers and reconcile errors", List.of(
                        fnMetric(Contract.METRIC_FAILOVERS, Map.of(), "Sum", Duration.minutes(1)),
                        fnMetric(Contract.METRIC_RECONCILE_ERRORS, Map.of(), "Sum", Duration.minutes(1)))),
                graph("Reconcile duration (ms)", List.of(
                        fnMetric(Contract.METRIC_RECONCILE_DURATION, Map.of(), "p50", Duration.minutes(1)),
                        fnMetric(Contract.METRIC_RECONCILE_DURATION, Map.of(), "p99", Duration.minutes(1)),
                        fnMetric(Contract.METRIC_RECONCILE_DURATION, Map.of(), "Maximum", Duration.minutes(1)))));
        List<IWidget> health = new ArrayList<>();
        if (!agentAlarms.isEmpty()) {
            health.add(AlarmStatusWidget.Builder.create().title("Target health (agent alarms)").alarms(agentAlarms).width(12).build());
            health.add(graph("Agent check results (1 pass, 0 fail)", facts.agentAlarms().stream()
                    .map(a -> (IMetric) fnMetric(Contract.METRIC_CHECK_RESULT, Map.of("InstanceId", a.instanceId(), "Check", a.agentCheck()),
                            "Minimum", Duration.seconds(10)).with(MetricOptions.builder().label(a.targetName() + " " + a.checkName()).build()))
                    .toList()));
        }
        if (!facts.probedChecks().isEmpty()) {
            health.add(graph("Probe results (1 pass, 0 fail)", facts.probedChecks().stream()
                    .map(p -> (IMetric) fnMetric(Contract.METRIC_PROBE_RESULT, Map.of("InstanceId", p.instanceId(), "Check", p.checkName()),
                            "Average", Duration.minutes(1)).with(MetricOptions.builder().label(p.targetName() + " " + p.checkName()).build()))
                    .toList()));
        }
        if (!health.isEmpty()) {
            dashboard.addWidgets(health.toArray(IWidget[]::new));
        }
        Function controller = controllers.controller();
        List<IMetric> fnErrors = new ArrayList<>();
        fnErrors.add(controller.metricErrors(MetricOptions.builder().label("controller errors").build()));
        fnErrors.add(controller.metricThrottles(MetricOptions.builder().label("controller throttles").build()));
        fnErrors.add(controllers.operator().metricErrors(MetricOptions.builder().label("operator errors").build()));
        fnErrors.add(controllers.operator().metricThrottles(MetricOptions.builder().label("operator throttles").build()));
        probes.forEach(p -> fnErrors.add(p.metricErrors(MetricOptions.builder().label(p.getNode().getId() + " errors").build())));
        List<IMetric> fnLatency = new ArrayList<>();
        fnLatency.add(controller.metricDuration(MetricOptions.builder().statistic("p99").label("controller p99").build()));
        fnLatency.add(controller.metricDuration(MetricOptions.builder().statistic("p50").label("controller p50").build()));
        dashboard.addWidgets(
                graph("Handler errors and throttles", fnErrors),
                graph("Handler latency (ms)", fnLatency),
                graph("Dead letters", List.of(dlq.metricApproximateNumberOfMessagesVisible())),
                AlarmStatusWidget.Builder.create().title("Operational alarms").alarms(new ArrayList<IAlarm>(opsAlarms)).width(6).build());
        dashboard.addWidgets(LogQueryWidget.Builder.create().title("Latest route actions (logs)")
                .logGroupNames(logGroups.stream().map(ILogGroup::getLogGroupName).toList())
                .queryString(LogQueries.RECENT_ROUTE_ACTIONS).width(24).height(8).build());
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    private static Metric fnMetric(String metricName, Map<String, String> dims, String statistic, Duration period) {
        return Metric.Builder.create().namespace(Contract.METRIC_NAMESPACE).metricName(metricName).dimensionsMap(dims)
                .statistic(statistic).period(period).build();
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(new ArrayList<IMetric>(metrics)).width(12).build();
    }
}
