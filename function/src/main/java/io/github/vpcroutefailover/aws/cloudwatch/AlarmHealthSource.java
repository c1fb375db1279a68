package io.github.vpcroutefailover.aws.cloudwatch;

import io.github.vpcroutefailover.aws.cloudwatch.CloudWatchReads.Alarm;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.ports.HealthSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;

/**
 * Reads the state of the alarms that {@code alarm} checks name, in batches of 100 (the DescribeAlarms limit).
 * ALARM is a hard failure (the fast path: the alarm already waited its evaluation periods); OK is a pass that
 * counts towards rise; INSUFFICIENT_DATA is no observation at all, so it never flips a route by itself.
 * A named alarm that does not exist is a failure with a detail that says so, because a check that cannot be
 * evaluated must not pass.
 */
public final class AlarmHealthSource implements HealthSource {
    static final int MAX_NAMES = 100;

    private final CloudWatchClient cloudWatch;
    private final Map<String, CheckSpec> checks;

    public AlarmHealthSource(CloudWatchClient cloudWatch, Map<String, CheckSpec> checks) {
        this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
        this.checks = Map.copyOf(checks);
    }

    @Override
    public List<Observation> observe(Collection<Candidate> candidates, Instant now) {
        Map<String, List<String[]>> usersByAlarm = new LinkedHashMap<>(); // alarm -> [targetKey, checkName]
        for (Candidate c : candidates) {
            for (String name : c.checks()) {
                if (checks.get(name) instanceof CheckSpec.Alarm alarm) {
                    usersByAlarm.computeIfAbsent(alarm.alarmName(), k -> new ArrayList<>()).add(new String[] {c.key(), name});
                }
            }
        }
        if (usersByAlarm.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(usersByAlarm.keySet());
        Map<String, Alarm> found = new LinkedHashMap<>();
        for (int from = 0; from < names.size(); from += MAX_NAMES) {
            List<String> batch = names.subList(from, Math.min(names.size(), from + MAX_NAMES));
            CloudWatchReads.alarms(cloudWatch, DescribeAlarmsRequest.builder().alarmNames(batch).build(), a -> found.put(a.name(), a));
        }
        List<Observation> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        usersByAlarm.forEach((alarmName, users) -> {
            Alarm alarm = found.get(alarmName);
            for (String[] user : users) {
                if (!seen.add(user[0] + "/" + user[1])) {
                    continue;
                }
                if (alarm == null) {
                    out.add(new Observation(user[0], user[1], false, false, now, "alarm",
                            "alarm " + alarmName + " does not exist; create it or fix the check's alarmName"));
                } else if ("ALARM".equals(alarm.state())) {
                    out.add(new Observation(user[0], user[1], false, true, now, "alarm",
                            "alarm " + alarmName + " is ALARM: " + alarm.stateReason()));
                } else if ("OK".equals(alarm.state())) {
                    // Observed now, not at the state change: each reconcile that still sees OK counts towards rise.
                    out.add(new Observation(user[0], user[1], true, false, now, "alarm", "alarm " + alarmName + " is OK"));
                }
            }
        });
        return out;
    }
}
