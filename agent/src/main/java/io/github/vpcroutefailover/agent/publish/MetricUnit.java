package io.github.vpcroutefailover.agent.publish;

/** The CloudWatch units the metric contract uses, with their wire names. */
public enum MetricUnit {
    NONE("None"),
    MILLISECONDS("Milliseconds"),
    COUNT("Count");

    private final String wireName;

    MetricUnit(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
