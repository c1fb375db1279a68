package io.github.vpcroutefailover.agent;

import io.github.vpcroutefailover.agent.aws.Imds;

/** The instance id, from IMDSv2 when the config does not name it. */
public final class InstanceIdentity {
    private final Imds imds;

    public InstanceIdentity(Imds imds) {
        this.imds = imds;
    }

    public String instanceId() {
        return imds.read("/latest/meta-data/instance-id", "instance id", "set instanceId in the agent config, or make sure IMDS is enabled on "
                + "the instance (HttpEndpoint=enabled; with containers, a hop limit of at least 2).");
    }
}
