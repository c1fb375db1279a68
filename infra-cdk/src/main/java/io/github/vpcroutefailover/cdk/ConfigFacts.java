package io.github.vpcroutefailover.cdk;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the infrastructure needs to know about a validated route config: which route tables the controller may
 * change (and how they can be named in IAM), which instances the event rules can name, which agent alarms to
 * create, which ports the probes connect to. Pure Java, so every derivation is tested without a synth.
 *
 * @param vpcId             the configured VPC
 * @param routeTableIds     tables selected by id (exact ARNs in IAM)
 * @param tagSelectors      tables selected by tags (IAM: aws:ResourceTag conditions)
 * @param vpcWideSelection  some table is selected by subnet or as the main table: EC2 cannot name it by a
 *                          resource attribute, so IAM falls back to the ec2:Vpc condition
 * @param instanceIds       instances named by id in targets (and appliances behind endpoints/attachments), in config order
 * @param runtimeResolvedTargets targets whose instance is known only at run time (found by tags, or behind an ENI);
 *                          EventBridge patterns cannot express "instances with tag X", so the EC2 rules must then
 *                          receive every instance's events
 * @param fixesSourceDestCheck some target has {@code sourceDestCheck: fix}: needs ModifyNetworkInterfaceAttribute
 * @param agentAlarms       one CloudWatch alarm per (instance target with a known id, agent check)
 * @param configAlarmNames  alarm names that {@code type: alarm} checks watch (user alarms, not ours)
 * @param probePorts        TCP ports the in-VPC probe connects to (tcp and http checks)
 * @param probedChecks      tcp/http checks on instances with known ids, whose ProbeResult the dashboard shows
 * @param routeNames        managed route names, for the RouteChanges metric per route
 * @param dataPathPorts     TCP ports of the data-path checks' endpoints: reached THROUGH the managed routes, so usually
 *                          outside the VPC (the probe's security group opens them to any IPv4 address)
 */
public record ConfigFacts(String vpcId, List<String> routeTableIds, List<TableSelector.ByTags> tagSelectors,
                          boolean vpcWideSelection, List<String> instanceIds, List<String> runtimeResolvedTargets,
                          boolean fixesSourceDestCheck, List<AgentAlarm> agentAlarms, List<String> configAlarmNames,
                          Set<Integer> probePorts, List<ProbedCheck> probedChecks, List<String> routeNames,
                          List<String> transitGatewayRouteTableIds, List<String> transitGatewayAttachmentIds,
                          Set<Integer> dataPathPorts) {

    /** CloudWatch evaluates high-resolution alarms at 10 s at the finest. */
    public static final Duration AGENT_ALARM_PERIOD = Duration.ofSeconds(10);

    /**
     * @param targetName the config's target name
     * @param checkName  the config's check name
     * @param instanceId the instance the agent runs on
     * @param agentCheck the {@code Check} dimension the agent publishes
     * @param evaluationPeriods consecutive failing (or missing) 10 s periods before ALARM
     */
    public record AgentAlarm(String targetName, String checkName, String instanceId, String agentCheck,
                             int evaluationPeriods) {
    }

    /** A probe check on an instance with a known id, as the probe publishes it (ProbeResult, InstanceId, Check). */
    public record ProbedCheck(String targetName, String instanceId, String checkName) {
    }

    public ConfigFacts {
        routeTableIds = List.copyOf(routeTableIds);
        tagSelectors = List.copyOf(tagSelectors);
        instanceIds = List.copyOf(instanceIds);
        runtimeResolvedTargets = List.copyOf(runtimeResolvedTargets);
        agentAlarms = List.copyOf(agentAlarms);
        configAlarmNames = List.copyOf(configAlarmNames);
        probePorts = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(probePorts));
        probedChecks = List.copyOf(probedChecks);
        routeNames = List.copyOf(routeNames);
        transitGatewayRouteTableIds = List.copyOf(transitGatewayRouteTableIds);
        transitGatewayAttachmentIds = List.copyOf(transitGatewayAttachmentIds);
        dataPathPorts = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(dataPathPorts));
    }

    /** True when every instance target is named by id, so EC2 event rules can list exactly those instances. */
    public boolean instancesFullyKnown() {
        return runtimeResolvedTargets.isEmpty();
    }

    public static ConfigFacts of(FailoverConfig config) {
        Set<String> tableIds = new LinkedHashSet<>();
        Set<String> tgwTableIds = new LinkedHashSet<>();
        List<TableSelector.ByTags> tagSelectors = new ArrayList<>();
        boolean vpcWide = false;
        for (var route : config.routes()) {
            for (TableSelector selector : route.routeTables()) {
                switch (selector) {
                    case TableSelector.ById byId -> tableIds.add(byId.routeTableId());
                    case TableSelector.ByTags byTags -> {
                        if (!tagSelectors.contains(byTags)) {
                            tagSelectors.add(byTags);
                        }
                    }
                    case TableSelector.BySubnet ignored -> vpcWide = true;
                    case TableSelector.Main ignored -> vpcWide = true;
                    case TableSelector.ByGateway ignored -> vpcWide = true;
                    case TableSelector.TransitGatewayTable tgw -> tgwTableIds.add(tgw.routeTableId());
                }
            }
        }

        Set<String> instanceIds = new LinkedHashSet<>();
        List<String> runtimeResolved = new ArrayList<>();
        boolean fix = false;
        List<AgentAlarm> agentAlarms = new ArrayList<>();
        List<ProbedCheck> probed = new ArrayList<>();
        for (TargetSpec target : config.targets().values()) {
            switch (target) {
                case TargetSpec.Instance instance -> {
                    fix |= instance.sourceDestCheck() == TargetSpec.SourceDestCheck.FIX;
                    if (instance.byTags()) {
                        runtimeResolved.add(instance.name());
                    } else {
                        instanceIds.add(instance.instanceId());
                        knownInstanceChecks(config, instance.name(), instance.instanceId(), instance.checks(), agentAlarms, probed);
                    }
                }
                case TargetSpec.Eni eni -> {
                    fix |= eni.sourceDestCheck() == TargetSpec.SourceDestCheck.FIX;
                    runtimeResolved.add(eni.name());
                }
                case TargetSpec.Gateway gateway -> {
                    // An endpoint or attachment with an appliance behind it is as healthy as that instance: its EC2
                    // state changes and its agent's alarms must wake the controller as for an instance target, or a
                    // dead appliance would be noticed only at the next scheduled reconcile.
                    if (gateway.applianceInstanceId() != null) {
                        instanceIds.add(gateway.applianceInstanceId());
                        knownInstanceChecks(config, gateway.name(), gateway.applianceInstanceId(), gateway.checks(), agentAlarms, probed);
                    }
                }
            }
        }

        Set<Integer> ports = new TreeSet<>();
        Set<Integer> dataPathPorts = new TreeSet<>();
        Set<String> alarmNames = new LinkedHashSet<>();
        for (CheckSpec check : config.checks().values()) {
            switch (check) {
                case CheckSpec.Tcp tcp -> ports.add(tcp.port());
                case CheckSpec.Http http -> ports.add(http.port());
                case CheckSpec.Alarm alarm -> alarmNames.add(alarm.alarmName());
                case CheckSpec.DataPath dp -> {
                    dp.endpoints().forEach(e -> dataPathPorts.add(e.port()));
                    dp.paths().forEach(p -> p.endpoints().forEach(e -> dataPathPorts.add(e.port())));
                }
                default -> {
                }
            }
        }
        List<String> routeNames = config.routes().stream().map(r -> r.name()).toList();
        return new ConfigFacts(config.vpcId(), new ArrayList<>(tableIds), tagSelectors, vpcWide,
                new ArrayList<>(instanceIds), runtimeResolved, fix, agentAlarms, new ArrayList<>(alarmNames), ports,
                probed, routeNames, new ArrayList<>(tgwTableIds), config.targets().values().stream()
                .filter(t -> t instanceof TargetSpec.Gateway g && g.kind() == io.github.vpcroutefailover.domain.model.TargetKind.TRANSIT_GATEWAY_ATTACHMENT)
                .map(t -> ((TargetSpec.Gateway) t).id()).distinct().toList(), dataPathPorts);
    }

    /** Agent alarms and probed checks of a target whose instance id the config names. */
    private static void knownInstanceChecks(FailoverConfig config, String targetName, String instanceId, List<String> checkNames,
                                            List<AgentAlarm> agentAlarms, List<ProbedCheck> probed) {
        for (String checkName : checkNames) {
            CheckSpec check = config.checks().get(checkName);
            // A peer-reported check has no series under the target's own id (its peers publish
            // <check>:<target id>); the controller reads those every reconcile, no alarm watches them.
            if (check instanceof CheckSpec.Agent agent && !agent.reportedByPeers()) {
                agentAlarms.add(new AgentAlarm(targetName, checkName, instanceId, agent.agentCheck(), evaluationPeriods(agent)));
            } else if (check instanceof CheckSpec.Tcp || check instanceof CheckSpec.Http) {
                probed.add(new ProbedCheck(targetName, instanceId, checkName));
            }
        }
    }

    /**
     * The alarm must go off after {@code fall} failing results, and also when the agent has been silent for
     * {@code staleAfter} (missing data counts as breaching), whichever needs more 10 s periods: fewer would
     * fire on a single late datapoint.
     */
    static int evaluationPeriods(CheckSpec.Agent agent) {
        long periodSeconds = AGENT_ALARM_PERIOD.toSeconds();
        long stale = agent.staleAfter() == null ? 0 : (agent.staleAfter().toSeconds() + periodSeconds - 1) / periodSeconds;
        return (int) Math.max(1, Math.max(agent.fall(), stale));
    }

    /**
     * Tag exclusions that hold for EVERY table the config can select by a non-id selector: each (key, value) that
     * all tag selectors exclude, when no subnet or main-table selector exists (those could select a table carrying
     * the tag). IAM can then deny route changes on any table with that tag, except tables named by id. Empty when
     * nothing is common, which is the usual case: an exclusion of one route does not bind another route's tables.
     */
    public Map<String, String> commonExclusions() {
        if (vpcWideSelection || tagSelectors.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new java.util.TreeMap<>(tagSelectors.get(0).exclude());
        for (TableSelector.ByTags selector : tagSelectors) {
            common.entrySet().removeIf(e -> !e.getValue().equals(selector.exclude().get(e.getKey())));
        }
        return common;
    }

    /** Tag conditions of a selector, as IAM condition blocks keyed by operator. */
    static Map<String, Map<String, Object>> tagConditions(TableSelector.ByTags selector) {
        Map<String, Map<String, Object>> conditions = new LinkedHashMap<>();
        new TreeSet<>(selector.match().keySet()).forEach(key -> {
            String value = selector.match().get(key);
            // "*" means "the key is present": StringLike with * is false when the key is absent.
            String operator = "*".equals(value) ? "StringLike" : "StringEquals";
            conditions.computeIfAbsent(operator, k -> new LinkedHashMap<>()).put("aws:ResourceTag/" + key, value);
        });
        new TreeSet<>(selector.exclude().keySet()).forEach(key -> {
            String value = selector.exclude().get(key);
            // Negated operators are true when the key is absent, which is what "not tagged X" means.
            String operator = "*".equals(value) ? "StringNotLike" : "StringNotEquals";
            conditions.computeIfAbsent(operator, k -> new LinkedHashMap<>()).put("aws:ResourceTag/" + key, value);
        });
        return conditions;
    }
}
