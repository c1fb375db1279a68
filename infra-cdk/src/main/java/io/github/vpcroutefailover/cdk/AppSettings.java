package io.github.vpcroutefailover.cdk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The app's options, read from CDK context ({@code -c key=value} or cdk.json). Each key is documented in
 * docs/deploy.md; every bad value is reported with the key and the expected form.
 *
 * @param configPath           the route config (YAML), required
 * @param stackName            CloudFormation stack name
 * @param vpcId                optional; when given it must equal the config's {@code vpc} (a guard against
 *                             deploying one environment's config into another)
 * @param vpcCidr              the VPC's IPv4 CIDR; the probes' security group allows check ports only to it
 * @param probeSubnets         one probe function per entry
 * @param scheduleMinutes      reconcile schedule rate
 * @param vpcEndpoints         create interface/gateway endpoints so probes reach AWS APIs with the NAT down
 * @param notificationTopic    null (none), "create", or an SNS topic ARN to forward Route Failover events to
 * @param asgNames             Auto Scaling groups that get a terminate lifecycle hook
 * @param tableDeletionProtection DynamoDB deletion protection
 * @param reservedConcurrency  reserve concurrency for the functions (off for accounts with a low limit)
 * @param logRetentionDays     CloudWatch Logs retention
 * @param functionJar          the shaded function jar (null: the reactor's default location)
 * @param alarmPrefix          name prefix of our agent alarms (null: "vrf-" + stack name + "-")
 * @param logLevel             the functions' log level
 * @param dynamodbPrefixListId the region's DynamoDB prefix list id, bounding the probes' HTTPS egress (optional)
 */
public record AppSettings(Path configPath, String stackName, String vpcId, String vpcCidr, List<ProbeSubnet> probeSubnets,
                          int scheduleMinutes, boolean vpcEndpoints, String notificationTopic, List<String> asgNames,
                          boolean tableDeletionProtection, boolean reservedConcurrency, int logRetentionDays,
                          Path functionJar, String alarmPrefix, String logLevel, String dynamodbPrefixListId) {

    public static final String DEFAULT_STACK_NAME = "VpcRouteFailover";
    /** The values CloudWatch Logs accepts for retentionInDays. */
    static final List<Integer> LOG_RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
            1096, 1827, 2192, 2557, 2922, 3288, 3653);
    private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}");
    private static final Pattern ASG_NAME = Pattern.compile("[^:*\\s][^:*]{0,254}");
    private static final Pattern VPC = Pattern.compile("vpc-[0-9a-f]{8}([0-9a-f]{9})?");

    public AppSettings {
        probeSubnets = List.copyOf(probeSubnets);
        asgNames = List.copyOf(asgNames);
    }

    /**
     * Reads settings from CDK context; {@code context} is {@code node::tryGetContext}, whose values are strings
     * from the command line or JSON values from cdk.json.
     *
     * @throws IllegalArgumentException listing every bad key at once
     */
    public static AppSettings fromContext(Function<String, Object> context) {
        List<String> problems = new ArrayList<>();
        String config = string(context, "configPath");
        if (config == null) {
            problems.add("configPath: missing; pass the route config, e.g. -c configPath=../samples/config/nat-two-az.yaml");
        }
        String stackName = orDefault(string(context, "stackName"), DEFAULT_STACK_NAME);
        if (!stackName.matches("[A-Za-z][A-Za-z0-9-]{0,127}")) {
            problems.add("stackName: '" + stackName + "' is not a CloudFormation stack name (letters, digits, hyphens; starts with a letter)");
        }
        String vpcId = string(context, "vpcId");
        if (vpcId != null && !VPC.matcher(vpcId).matches()) {
            problems.add("vpcId: '" + vpcId + "' is not a VPC id (vpc- followed by 8 or 17 hex digits)");
        }
        String vpcCidr = string(context, "vpcCidr");
        if (vpcCidr != null && !CIDR.matcher(vpcCidr).matches()) {
            problems.add("vpcCidr: '" + vpcCidr + "' is not an IPv4 CIDR like 10.0.0.0/16");
        }
        List<ProbeSubnet> probeSubnets = new ArrayList<>();
        List<String> probeEntries = list(context, "probeSubnets");
        for (String entry : probeEntries) {
            try {
                probeSubnets.add(ProbeSubnet.parse(entry));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!probeEntries.isEmpty() && vpcCidr == null) {
            problems.add("vpcCidr: required with probeSubnets (the probes may connect to check ports inside the VPC only); "
                    + "pass e.g. -c vpcCidr=10.0.0.0/16");
        }
        if (probeSubnets.stream().map(ProbeSubnet::subnetId).distinct().count() != probeSubnets.size()) {
            problems.add("probeSubnets: a subnet is listed twice; one probe per subnet");
        }
        int schedule = integer(context, "scheduleMinutes", 1, 1, 60, problems);
        boolean endpoints = bool(context, "vpcEndpoints", true, problems);
        if (endpoints && !probeSubnets.isEmpty()) {
            probeSubnets.stream().filter(p -> p.routeTableId() == null).forEach(p -> problems.add(
                    "probeSubnets: '" + p.subnetId() + "' needs its route table (" + ProbeSubnet.FORMAT
                            + ") for the DynamoDB gateway endpoint while vpcEndpoints=true"));
        }
        String topic = string(context, "notificationTopicArn");
        if (topic != null && !"create".equals(topic) && !TOPIC_ARN.matcher(topic).matches()) {
            problems.add("notificationTopicArn: '" + topic + "' is neither 'create' nor an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");
        }
        List<String> asgNames = list(context, "asgNames");
        asgNames.stream().filter(n -> !ASG_NAME.matcher(n).matches()).forEach(n ->
                problems.add("asgNames: '" + n + "' is not an Auto Scaling group name (1-255 characters, no ':' or '*')"));
        boolean deletionProtection = bool(context, "tableDeletionProtection", true, problems);
        boolean reserved = bool(context, "reservedConcurrency", true, problems);
        int retention = integer(context, "logRetentionDays", 30, 1, 3653, problems);
        if (!LOG_RETENTION_DAYS.contains(retention)) {
            problems.add("logRetentionDays: " + retention + " is not a retention CloudWatch Logs accepts: " + LOG_RETENTION_DAYS);
        }
        String jar = string(context, "functionJar");
        String alarmPrefix = string(context, "alarmPrefix");
        if (alarmPrefix != null && !alarmPrefix.matches("[A-Za-z0-9_.-]{1,100}")) {
            problems.add("alarmPrefix: '" + alarmPrefix + "' must be 1-100 letters, digits, '-', '_' or '.'");
        }
        String logLevel = orDefault(string(context, "logLevel"), "INFO").toUpperCase(Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(logLevel)) {
            problems.add("logLevel: '" + logLevel + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
        String prefixList = string(context, "dynamodbPrefixListId");
        if (prefixList != null && !prefixList.matches("pl-[0-9a-f]{8}([0-9a-f]{9})?")) {
            problems.add("dynamodbPrefixListId: '" + prefixList + "' is not a prefix list id (pl- followed by 8 or 17 hex digits)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid CDK context (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems));
        }
        return new AppSettings(Path.of(config), stackName, vpcId, vpcCidr, probeSubnets, schedule, endpoints, topic,
                asgNames, deletionProtection, reserved, retention, jar == null ? null : Path.of(jar),
                alarmPrefix == null ? "vrf-" + stackName + "-" : alarmPrefix, logLevel, prefixList);
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static String string(Function<String, Object> context, String key) {
        Object value = context.apply(key);
        if (value == null) {
            return null;
        }
        String s = value.toString().trim();
        return s.isEmpty() ? null : s;
    }

    /** A JSON array from cdk.json, or a comma-separated string from the command line. */
    private static List<String> list(Function<String, Object> context, String key) {
        Object value = context.apply(key);
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            items.forEach(item -> out.add(String.valueOf(item).trim()));
        } else if (value != null) {
            for (String part : value.toString().split(",")) {
                out.add(part.trim());
            }
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    private static boolean bool(Function<String, Object> context, String key, boolean fallback, List<String> problems) {
        String value = string(context, key);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add(key + ": '" + value + "' is not true or false");
                yield fallback;
            }
        };
    }

    private static int integer(Function<String, Object> context, String key, int fallback, int min, int max, List<String> problems) {
        String value = string(context, key);
        if (value == null) {
            return fallback;
        }
        try {
            int n = (int) Double.parseDouble(value);
            if (n < min || n > max || n != Double.parseDouble(value)) {
                problems.add(key + ": " + value + " must be a whole number from " + min + " to " + max);
                return fallback;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(key + ": '" + value + "' is not a number");
            return fallback;
        }
    }
}
