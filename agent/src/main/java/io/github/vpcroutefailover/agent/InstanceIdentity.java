package io.github.vpcroutefailover.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads the instance id from IMDSv2: PUT a session token, then GET the id with it. Short timeouts and a few
 * attempts, because at boot IMDS answers in milliseconds and a missing IMDS should fail the start clearly
 * instead of hanging it.
 */
public final class InstanceIdentity {
    public static final URI DEFAULT_ENDPOINT = URI.create("http://169.254.169.254");
    static final int ATTEMPTS = 3;

    private final URI endpoint;
    private final Duration timeout;

    public InstanceIdentity(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /** The endpoint from the config, else the SDK's variable AWS_EC2_METADATA_SERVICE_ENDPOINT, else the link-local default. */
    public static URI endpoint(URI configured) {
        if (configured != null) {
            return configured;
        }
        String env = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        return env == null || env.isBlank() ? DEFAULT_ENDPOINT : URI.create(env.trim());
    }

    public String instanceId() {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                String token = request("PUT", "/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds", "300");
                String id = request("GET", "/latest/meta-data/instance-id", "X-aws-ec2-metadata-token", token).trim();
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
        throw new IllegalStateException("Could not read the instance id from IMDSv2 at " + endpoint + " after " + ATTEMPTS + " attempts ("
                + (last == null ? "interrupted" : last.getMessage()) + "). Fix: set instanceId in the agent config, or make sure IMDS is "
                + "enabled on the instance (HttpEndpoint=enabled; with containers, a hop limit of at least 2).", last);
    }

    private String request(String method, String path, String header, String value) throws IOException {
        HttpURLConnection c = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection(Proxy.NO_PROXY);
        try {
            c.setRequestMethod(method);
            c.setConnectTimeout((int) timeout.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            c.setRequestProperty(header, value);
            if (method.equals("PUT")) {
                c.setDoOutput(true);
                c.getOutputStream().close();
            }
            int status = c.getResponseCode();
            if (status != 200) {
                throw new IOException(method + " " + path + " answered HTTP " + status);
            }
            try (InputStream in = c.getInputStream()) {
                return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }
}
