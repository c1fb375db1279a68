package io.github.vpcroutefailover.agent.aws;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * The instance profile's role credentials from IMDSv2, cached until shortly before they expire.
 *
 * <p>EC2 publishes the next credentials at least five minutes before the current ones expire, so we refresh
 * from five minutes before expiry. When a refresh fails, the current credentials keep being used (they may
 * still be valid, and a metadata hiccup must not stop the heartbeat) and the next refresh is tried after
 * {@link #RETRY_AFTER_FAILURE}, so a dead IMDS costs one lookup per that period rather than one per cycle.
 */
public final class ImdsCredentials implements CredentialsProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ImdsCredentials.class);
    static final String ROLE_PATH = "/latest/meta-data/iam/security-credentials/";
    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private final Imds imds;
    private final Clock clock;
    private AwsCredentials current;
    private Instant refreshAt = Instant.MIN;
    private long fetches;

    public ImdsCredentials(Imds imds, Clock clock) {
        this.imds = imds;
        this.clock = clock;
    }

    @Override
    public synchronized AwsCredentials credentials() {
        Instant now = clock.instant();
        if (current != null && now.isBefore(refreshAt)) {
            return current;
        }
        try {
            AwsCredentials fresh = fetch();
            fetches++;
            if (current != null && !fresh.accessKeyId().equals(current.accessKeyId())) {
                LOG.atInfo().addKeyValue("expiration", String.valueOf(fresh.expiration())).log("instance profile credentials rotated");
            }
            current = fresh;
            Instant due = fresh.expiration() == null ? now.plus(Duration.ofHours(1)) : fresh.expiration().minus(REFRESH_BEFORE_EXPIRY);
            // Still the old credentials inside their last five minutes: EC2 has not rotated yet, ask again shortly.
            refreshAt = due.isAfter(now) ? due : now.plus(RETRY_AFTER_FAILURE);
            return current;
        } catch (IOException | RuntimeException e) {
            refreshAt = now.plus(RETRY_AFTER_FAILURE);
            if (current != null) {
                LOG.atWarn().addKeyValue("expiration", String.valueOf(current.expiration())).addKeyValue("error", e.getMessage())
                        .log("could not refresh instance profile credentials; using the current ones");
                return current;
            }
            throw new CredentialsException("No credentials from the instance profile through IMDSv2 at " + imds.endpoint() + " (" + e.getMessage()
                    + "). Fix: attach an instance profile whose role allows cloudwatch:PutMetricData (the stack's agent managed policy), "
                    + "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the agent's environment.", e);
        }
    }

    @Override
    public synchronized void invalidate() {
        refreshAt = Instant.MIN;
    }

    @Override
    public String source() {
        return "instance profile (IMDSv2 at " + imds.endpoint() + ")";
    }

    /** Successful fetches from IMDS, for tests: the cache must keep this at one per credential lifetime. */
    synchronized long fetches() {
        return fetches;
    }

    private AwsCredentials fetch() throws IOException {
        String roles;
        try {
            roles = imds.get(ROLE_PATH);
        } catch (Imds.ImdsException e) {
            if (e.status() == 404) {
                throw new IOException("this instance has no instance profile (" + ROLE_PATH + " is 404)", e);
            }
            throw e;
        }
        String role = roles.lines().map(String::trim).filter(s -> !s.isEmpty()).findFirst()
                .orElseThrow(() -> new IOException("this instance has no instance profile role"));
        return parse(imds.get(ROLE_PATH + role), role);
    }

    /** The credentials document IMDS serves for a role (JSON, which YAML 1.2 reads as is). */
    static AwsCredentials parse(String json, String role) throws IOException {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setSchema(new JsonSchema()).build()).loadFromString(json);
        } catch (YamlEngineException e) {
            throw new IOException("the credentials of role " + role + " are not JSON: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw new IOException("the credentials of role " + role + " are not a JSON object");
        }
        Object code = m.get("Code");
        if (code != null && !"Success".equals(code)) {
            throw new IOException("IMDS reports Code=" + code + " for role " + role + ": " + m.get("Message"));
        }
        String key = text(m, "AccessKeyId", role);
        String secret = text(m, "SecretAccessKey", role);
        Object token = m.get("Token");
        Object exp = m.get("Expiration");
        Instant expiration;
        try {
            expiration = exp == null ? null : Instant.parse(exp.toString());
        } catch (DateTimeParseException e) {
            throw new IOException("the credentials of role " + role + " have an unreadable Expiration '" + exp + "'", e);
        }
        return new AwsCredentials(key, secret, token == null ? null : token.toString(), expiration);
    }

    private static String text(Map<?, ?> m, String field, String role) throws IOException {
        Object v = m.get(field);
        if (v == null || v.toString().isBlank()) {
            throw new IOException("the credentials of role " + role + " have no " + field);
        }
        return v.toString();
    }
}
