package io.github.vpcroutefailover.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/** Alarms on the system itself (not on targets): a broken controller or probe fails silently otherwise. */
public final class OperationalAlarms extends Construct {
    private final List<Alarm> alarms = new ArrayList<>();

    OperationalAlarms(Construct scope, String id, String name, ControllerFunctions controllers, List<Function> probes, IQueue dlq,
                      ITopic topic) {
        super(scope, id);
        String ops = name + "-ops-";
        MetricOptions fiveMinuteSum = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
        add("ControllerErrorsAlarm", ops + "controller-errors", "The controller failed invocations; routes may not be failing over",
                controllers.controller().metricErrors(fiveMinuteSum));
        add("ControllerThrottlesAlarm", ops + "controller-throttles", "The controller hit its reserved concurrency; events are being delayed",
                controllers.controller().metricThrottles(fiveMinuteSum));
        add("OperatorErrorsAlarm", ops + "operator-errors", "Manual actions failed with a Lambda error (not an ok:false answer)",
                controllers.operator().metricErrors(fiveMinuteSum));
        add("DeadLetterQueueAlarm", ops + "dead-letters", "Events or invocations were dropped after retries; inspect the dead-letter queue",
                dlq.metricApproximateNumberOfMessagesVisible(MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build()));
        add("ReconcileErrorsAlarm", ops + "reconcile-errors", "Reconcile runs reported errors (EMF metric ReconcileErrors)",
                Metric.Builder.create().namespace(Contract.METRIC_NAMESPACE).metricName(Contract.METRIC_RECONCILE_ERRORS)
                        .dimensionsMap(Map.of()).statistic("Sum").period(Duration.minutes(5)).build());
        for (Function probe : probes) {
            String az = ProbeFunctions.az(probe);
            add("ProbeErrorsAlarm-" + az, ops + "probe-errors-" + az, "The probe in " + az + " failed invocations; tcp/http checks there are not running",
                    probe.metricErrors(fiveMinuteSum));
        }
        if (topic != null) {
            SnsAction action = new SnsAction(topic);
            alarms.forEach(a -> a.addAlarmAction(action));
        }
    }

    private void add(String id, String alarmName, String description, IMetric metric) {
        alarms.add(Alarm.Builder.create(this, id).alarmName(alarmName).alarmDescription(description).metric(metric)
                .threshold(1).evaluationPeriods(1).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build());
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }
}
