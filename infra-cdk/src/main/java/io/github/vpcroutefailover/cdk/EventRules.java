package io.github.vpcroutefailover.cdk;

import java.util.List;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.autoscaling.CfnLifecycleHook;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Everything that invokes the event function: the schedule, alarm state changes (ours and the alarms that
 * {@code type: alarm} checks name), EC2 state/spot/rebalance events narrowed to the managed instances, terminate
 * lifecycle hooks; plus the optional topic that receives every Route Failover event.
 */
public final class EventRules extends Construct {
    /**
     * Terminate lifecycle hook heartbeat. The controller moves routes in seconds; 180 s covers the first attempt
     * plus Lambda's first async retry (about a minute later) and convergence. It is short on purpose: when the
     * controller is broken, CONTINUE after the timeout lets scale-in proceed instead of stalling the group.
     */
    public static final int LIFECYCLE_HEARTBEAT_SECONDS = 180;
    public static final String LIFECYCLE_TRANSITION = "autoscaling:EC2_INSTANCE_TERMINATING";

    /** The terminate hook we put on each configured group; the rule delivers every hook's actions, we complete only ours. */
    public static String lifecycleHookName(String name) {
        return name + "-drain-routes";
    }

    private final ITopic topic;

    EventRules(Construct scope, String id, String name, VpcRouteFailoverProps props, String alarmPrefix, ConfigFacts facts,
               IAlias live, IQueue dlq) {
        super(scope, id);
        IRuleTarget controllerTarget = LambdaFunction.Builder.create(live).deadLetterQueue(dlq)
                .retryAttempts(ControllerFunctions.CONTROLLER_RETRY_ATTEMPTS)
                .maxEventAge(ControllerFunctions.CONTROLLER_MAX_EVENT_AGE).build();

        Rule.Builder.create(this, "ScheduleRule")
                .description("Periodic reconcile of every managed route")
                .schedule(Schedule.rate(Duration.minutes(props.scheduleMinutes())))
                .targets(List.of(controllerTarget))
                .build();

        Rule.Builder.create(this, "AlarmStateRule")
                .description("State changes of our agent alarms (name prefix " + alarmPrefix + ") and alarms named by alarm checks")
                .eventPattern(EventPattern.builder().source(List.of("aws.cloudwatch"))
                        .detailType(List.of(EventPatterns.ALARM_DETAIL_TYPE))
                        .detail(EventPatterns.alarmDetail(alarmPrefix, facts.configAlarmNames())).build())
                .targets(List.of(controllerTarget))
                .build();

        if (EventPatterns.hasInstanceTargets(facts)) {
            String scope2 = facts.instancesFullyKnown() ? "the managed instances"
                    : "ALL instances (targets found by tags or ENI cannot be named in a pattern: " + String.join(", ", facts.runtimeResolvedTargets()) + ")";
            Rule.Builder.create(this, "Ec2StateRule")
                    .description("EC2 state changes of " + scope2)
                    .eventPattern(EventPattern.builder().source(List.of("aws.ec2")).detailType(List.of(EventPatterns.EC2_STATE_DETAIL_TYPE))
                            .detail(EventPatterns.ec2StateDetail(facts)).build())
                    .targets(List.of(controllerTarget))
                    .build();
            Rule.Builder.create(this, "SpotInterruptionRule")
                    .description("Spot interruption warnings of " + scope2)
                    .eventPattern(EventPattern.builder().source(List.of("aws.ec2")).detailType(List.of(EventPatterns.SPOT_DETAIL_TYPE))
                            .detail(EventPatterns.instanceDetail(facts)).build())
                    .targets(List.of(controllerTarget))
                    .build();
            Rule.Builder.create(this, "RebalanceRule")
                    .description("Rebalance recommendations of " + scope2)
                    .eventPattern(EventPattern.builder().source(List.of("aws.ec2")).detailType(List.of(EventPatterns.REBALANCE_DETAIL_TYPE))
                            .detail(EventPatterns.instanceDetail(facts)).build())
                    .targets(List.of(controllerTarget))
                    .build();
            if (!facts.instancesFullyKnown()) {
                Annotations.of(this).addInfo("EC2 event rules receive every instance's events because these targets are "
                        + "resolved at run time: " + String.join(", ", facts.runtimeResolvedTargets()));
            }
        }

        if (!props.asgNames().isEmpty()) {
            int i = 0;
            for (String group : props.asgNames()) {
                CfnLifecycleHook.Builder.create(this, "TerminateHook" + (i++))
                        .autoScalingGroupName(group)
                        .lifecycleHookName(lifecycleHookName(name))
                        .lifecycleTransition(LIFECYCLE_TRANSITION)
                        .heartbeatTimeout(LIFECYCLE_HEARTBEAT_SECONDS)
                        .defaultResult("CONTINUE")
                        .build();
            }
            Rule.Builder.create(this, "LifecycleRule")
                    .description("Terminate lifecycle actions of " + String.join(", ", props.asgNames()))
                    .eventPattern(EventPattern.builder().source(List.of("aws.autoscaling"))
                            .detailType(List.of(EventPatterns.LIFECYCLE_TERMINATE_DETAIL_TYPE))
                            .detail(EventPatterns.lifecycleDetail(props.asgNames())).build())
                    .targets(List.of(controllerTarget))
                    .build();
        }

        if ("create".equals(props.notificationTopic())) {
            Topic created = Topic.Builder.create(this, "NotificationTopic").displayName("VPC Route Failover").enforceSsl(true).build();
            NagRules.topic(created);
            topic = created;
        } else if (props.notificationTopic() != null) {
            topic = Topic.fromTopicArn(this, "NotificationTopic", props.notificationTopic());
        } else {
            topic = null;
        }
        if (topic != null) {
            Rule.Builder.create(this, "RouteFailoverNotifyRule")
                    .description("Forwards every Route Failover event to the notification topic")
                    .eventPattern(EventPattern.builder().source(List.of(Contract.EVENT_SOURCE))
                            .detailType(List.of(Contract.EVENT_DETAIL_TYPE)).build())
                    .targets(List.of(SnsTopic.Builder.create(topic).deadLetterQueue(dlq).build()))
                    .build();
        }
    }

    /** The notification topic, or null when none was asked for. */
    public ITopic topic() {
        return topic;
    }
}
