package io.github.vpcroutefailover.cdk;

import java.util.Objects;
import software.amazon.awscdk.Environment;

/**
 * The thin stack's own inputs (where and under which name) plus the construct's.
 *
 * @param env       account and region (null: environment-agnostic)
 * @param stackName the CloudFormation stack name; also names the deployment (alarms, hook, dashboard)
 * @param failover  the {@link VpcRouteFailover} construct's props
 */
public record VrfStackProps(Environment env, String stackName, VpcRouteFailoverProps failover) {

    public VrfStackProps {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(failover, "failover");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Environment env;
        private String stackName = AppSettings.DEFAULT_STACK_NAME;
        private VpcRouteFailoverProps failover;

        public Builder env(Environment v) { env = v; return this; }
        public Builder stackName(String v) { stackName = v; return this; }
        public Builder failover(VpcRouteFailoverProps v) { failover = v; return this; }

        public VrfStackProps build() {
            return new VrfStackProps(env, stackName, failover);
        }
    }
}
