package io.github.vpcroutefailover.cdk;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the {@link VpcRouteFailover} construct depends on, passed in (no context reads inside the construct,
 * so a user's own app and our tests build it with exactly the inputs they mean). Build with {@link #builder()}.
 *
 * @param name          names the deployment in AWS: alarm names, the lifecycle hook, the dashboard, the schema
 *                      registry, the saved queries (null: the enclosing stack's name)
 * @param config        the validated route config
 * @param configFile    the YAML it came from; shipped unchanged in the config layer
 * @param functionJar   the shaded function jar
 * @param vpcCidr       the VPC's IPv4 CIDR (needed with probes)
 * @param probeSubnets  one probe function per entry (one per availability zone)
 * @param scheduleMinutes reconcile schedule rate
 * @param vpcEndpoints  interface/gateway endpoints so the probes reach AWS APIs with the NAT down
 * @param notificationTopic null (none), "create", or an SNS topic ARN
 * @param asgNames      Auto Scaling groups that get a terminate lifecycle hook
 * @param tableDeletionProtection DynamoDB deletion protection
 * @param reservedConcurrency reserve concurrency for the functions (off for accounts with a low limit)
 * @param logRetentionDays CloudWatch Logs retention
 * @param alarmPrefix   name prefix of our agent alarms (null: "vrf-" + name + "-")
 * @param logLevel      the functions' log level
 * @param dynamodbPrefixListId the region's DynamoDB prefix list (pl-...), to bound the probes' HTTPS egress to the
 *                      gateway endpoint; null allows HTTPS to anywhere (with a synth warning)
 * @param drillScheduleHours failover drills (issue #14): every this many hours, one EventBridge rule per route with a
 *                      data-path check invokes the operator alias with {@code {"action":"drill","route":...}}; 0 (the
 *                      default) schedules none: a drill moves traffic, so it is the operator's choice
 */
public record VpcRouteFailoverProps(String name, FailoverConfig config, Path configFile, Path functionJar, String vpcCidr,
                                    List<ProbeSubnet> probeSubnets, int scheduleMinutes, boolean vpcEndpoints,
                                    String notificationTopic, List<String> asgNames, boolean tableDeletionProtection,
                                    boolean reservedConcurrency, int logRetentionDays, String alarmPrefix, String logLevel,
                                    String dynamodbPrefixListId, int drillScheduleHours) {

    public VpcRouteFailoverProps {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(functionJar, "functionJar");
        probeSubnets = List.copyOf(probeSubnets);
        asgNames = List.copyOf(asgNames);
        if (scheduleMinutes < 1 || scheduleMinutes > 60) {
            throw new IllegalArgumentException("scheduleMinutes: " + scheduleMinutes + " must be from 1 to 60");
        }
        if (drillScheduleHours < 0 || drillScheduleHours > 24 * 31) {
            throw new IllegalArgumentException("drillScheduleHours: " + drillScheduleHours + " must be 0 (no drills) to 744 (a month)");
        }
        if (!AppSettings.LOG_RETENTION_DAYS.contains(logRetentionDays)) {
            throw new IllegalArgumentException("logRetentionDays: " + logRetentionDays + " is not a retention CloudWatch Logs accepts: "
                    + AppSettings.LOG_RETENTION_DAYS);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults match the app's context defaults (docs/deploy.md). */
    public static final class Builder {
        private String name;
        private FailoverConfig config;
        private Path configFile;
        private Path functionJar;
        private String vpcCidr;
        private List<ProbeSubnet> probeSubnets = List.of();
        private int scheduleMinutes = 1;
        private boolean vpcEndpoints = true;
        private String notificationTopic;
        private List<String> asgNames = List.of();
        private boolean tableDeletionProtection = true;
        private boolean reservedConcurrency = true;
        private int logRetentionDays = 30;
        private String alarmPrefix;
        private String logLevel = "INFO";
        private String dynamodbPrefixListId;
        private int drillScheduleHours;

        public Builder name(String v) { name = v; return this; }
        public Builder config(FailoverConfig v) { config = v; return this; }
        public Builder configFile(Path v) { configFile = v; return this; }
        public Builder functionJar(Path v) { functionJar = v; return this; }
        public Builder vpcCidr(String v) { vpcCidr = v; return this; }
        public Builder probeSubnets(List<ProbeSubnet> v) { probeSubnets = v; return this; }
        public Builder scheduleMinutes(int v) { scheduleMinutes = v; return this; }
        public Builder vpcEndpoints(boolean v) { vpcEndpoints = v; return this; }
        public Builder notificationTopic(String v) { notificationTopic = v; return this; }
        public Builder asgNames(List<String> v) { asgNames = v; return this; }
        public Builder tableDeletionProtection(boolean v) { tableDeletionProtection = v; return this; }
        public Builder reservedConcurrency(boolean v) { reservedConcurrency = v; return this; }
        public Builder logRetentionDays(int v) { logRetentionDays = v; return this; }
        public Builder alarmPrefix(String v) { alarmPrefix = v; return this; }
        public Builder logLevel(String v) { logLevel = v; return this; }
        public Builder dynamodbPrefixListId(String v) { dynamodbPrefixListId = v; return this; }
        public Builder drillScheduleHours(int v) { drillScheduleHours = v; return this; }

        /** Starts from the app's settings; the config must already be validated. */
        public Builder settings(AppSettings s) {
            return name(s.stackName()).configFile(s.configPath()).vpcCidr(s.vpcCidr()).probeSubnets(s.probeSubnets())
                    .scheduleMinutes(s.scheduleMinutes()).vpcEndpoints(s.vpcEndpoints())
                    .notificationTopic(s.notificationTopic()).asgNames(s.asgNames())
                    .tableDeletionProtection(s.tableDeletionProtection()).reservedConcurrency(s.reservedConcurrency())
                    .logRetentionDays(s.logRetentionDays()).alarmPrefix(s.alarmPrefix()).logLevel(s.logLevel())
                    .dynamodbPrefixListId(s.dynamodbPrefixListId());
        }

        public VpcRouteFailoverProps build() {
            return new VpcRouteFailoverProps(name, config, configFile, functionJar, vpcCidr, probeSubnets, scheduleMinutes,
                    vpcEndpoints, notificationTopic, asgNames, tableDeletionProtection, reservedConcurrency, logRetentionDays,
                    alarmPrefix, logLevel, dynamodbPrefixListId, drillScheduleHours);
        }
    }
}
