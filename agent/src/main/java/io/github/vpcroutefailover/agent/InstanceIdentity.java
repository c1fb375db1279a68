package io.github.vpcroutefailover.agent;

import io.github.vpcroutefailover.agent.aws.Imds;
import io.github.vpcroutefailover.agent.aws.MetadataUnavailableException;
import java.io.IOException;

/**
 * Reads the instance id from IMDSv2. A few attempts with short pauses, because at boot IMDS answers in
 * milliseconds and a missing IMDS should fail the start clearly instead of hanging it.
 */
public final class InstanceIdentity {
    static final int ATTEMPTS = 3;

    private final Imds imds;

    public InstanceIdentity(Imds imds) {
        this.imds = imds;
    }

    public String instanceId() {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                String id = imds.get("/latest/meta-data/instance-id").trim();
                if (id.isEmpty()) {
                    throw new IOException("IMDS returned an empty instance id");
                }
                return id;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new MetadataUnavailableException("Could not read the instance id from IMDSv2 at " + imds.endpoint() + " after " + ATTEMPTS + " attempts ("
                + (last == null ? "interrupted" : last.getMessage()) + "). Fix: set instanceId in the agent config, or make sure IMDS is "
                + "enabled on the instance (HttpEndpoint=enabled; with containers, a hop limit of at least 2).", last);
    }
}
