package io.github.vpcroutefailover.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.app.ProbeCycle;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbProbeLeaseStore;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.metrics.EmfProbeMetrics;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.probe.LeaseSettings;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.Sleeper;
import io.github.vpcroutefailover.ports.CallDeadline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point of the in-VPC probe (one function per AZ, scheduled every minute). The scheduled event's body is
 * not needed: every invocation probes all candidates of the config until the deadline from the Lambda context, and
 * failures/recoveries run a reconcile with the probe's observations (see {@link ProbeCycle}).
 *
 * <p>Environment: {@code VRF_CONFIG_PATH} (the YAML config), {@code VRF_TABLE_NAME} (ownership/state table),
 * {@code VRF_PROBE_AZ} (the AZ this function's subnet is in).
 *
 * <p>SnapStart (CRaC): before the snapshot the prober is warmed up (JSSE and HTTP client classes loaded against a
 * 127.0.0.1 listener); no AWS call is made, so nothing is mutated and no credentials end up in the snapshot.
 */
public final class ProbeHandler implements RequestStreamHandler, Resource {
    static final String ENV_CONFIG_PATH = "VRF_CONFIG_PATH";
    static final String ENV_TABLE_NAME = "VRF_TABLE_NAME";
    static final String ENV_PROBE_AZ = "VRF_PROBE_AZ";

    /**
     * How long one invocation may probe: past the next scheduled start (60 s) by enough for that invocation's start
     * (a cold start in the VPC plus its observe), so it is handed over to rather than started after a gap. The
     * function's timeout (90 s, infra-cdk) covers this plus the margin, the hand-over and a last reconcile.
     */
    static final Duration LEASED_MAX_RUN = Duration.ofSeconds(80);

    private static final Logger LOG = LoggerFactory.getLogger(ProbeHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final java.util.function.Supplier<FailoverConfig> config;
    private final ProbeCycle cycle;
    private final CheckProber prober;
    private final ProbeSettings settings;
    private final Clock clock;
    private final String probeAz;

    /** Lambda's constructor: real clients, built once per execution environment (init phase). */
    public ProbeHandler() {
        this(Factory.fromEnvironment(System.getenv(), null));
        SnapshotHooks.register(this, System.getenv());
    }

    /** The handler Lambda would build from a function's environment variables, with the given clients. */
    public static ProbeHandler fromEnvironment(Map<String, String> env, Components.Clients clients) {
        return new ProbeHandler(Factory.fromEnvironment(env, Components.fromEnvironment(env, clients)));
    }

    private ProbeHandler(Factory.Parts p) {
        this(p.config(), p.cycle(), p.prober(), p.settings(), p.clock(), p.probeAz());
    }

    /** Tests: collaborators given. The prober is the one inside the cycle's loop (warmed up here and on checkpoint). */
    ProbeHandler(FailoverConfig config, ProbeCycle cycle, CheckProber prober, ProbeSettings settings, Clock clock, String probeAz) {
        this(() -> config, cycle, prober, settings, clock, probeAz);
        Objects.requireNonNull(config, "config");
    }

    /** @param config read per invocation: the file config plus routes registered at run time */
    ProbeHandler(java.util.function.Supplier<FailoverConfig> config, ProbeCycle cycle, CheckProber prober, ProbeSettings settings,
                 Clock clock, String probeAz) {
        this.config = Objects.requireNonNull(config, "config");
        this.cycle = Objects.requireNonNull(cycle, "cycle");
        this.prober = Objects.requireNonNull(prober, "prober");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.probeAz = probeAz;
        warmUp();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation.begin(context);
        try {
            input.readAllBytes(); // the scheduled event carries nothing we need
            Duration remaining = Duration.ofMillis(context == null ? 60_000 : context.getRemainingTimeInMillis());
            String requestId = context == null ? "local" : context.getAwsRequestId();
            // Every AWS call of this invocation (its reconciles' claims included) ends before Lambda's own timeout.
            Map<String, Object> summary = CallDeadline.within(CallDeadline.forInvocation(remaining), () -> invoke(remaining, requestId));
            JSON.writeValue(output, summary);
        } finally {
            Invocation.end();
        }
    }

    /** One invocation with {@code remaining} time budget; returns the summary the handler writes. */
    Map<String, Object> invoke(Duration remaining, String requestId) {
        Instant deadline = settings.deadline(clock.instant(), remaining);
        ProbeCycle.Result r = cycle.run(config.get(), "probe:" + (probeAz == null ? "?" : probeAz) + ":" + requestId, deadline);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("probeAz", probeAz);
        out.put("targets", r.targets().size());
        out.put("rounds", r.run().rounds());
        out.put("failedTriggers", r.run().failedCalls());
        out.put("recoveredTriggers", r.run().recoveredCalls());
        out.put("triggerErrors", r.run().triggerErrors());
        out.put("reconciles", r.reconciles().size());
        out.put("routeChanges", r.reconciles().stream().mapToInt(x -> x.applied().size()).sum());
        out.put("stop", r.run().stop().name());
        if (r.lease() != null) {
            out.put("lease", r.lease().acquired() == null ? "NOT_ACQUIRED" : r.lease().acquired().name());
            out.put("leaseGeneration", r.lease().generation());
            out.put("leaseHandovers", r.lease().counts().handovers);
        }
        return out;
    }

    private void warmUp() {
        ProbeResult w = prober.warmUp();
        if (!w.passed()) {
            LOG.atWarn().addKeyValue("event", "probe-warm-up-failed").log("probe warm-up failed: " + w.detail());
        }
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        warmUp();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: SDK clients re-resolve credentials on first use after restore.
    }

    /** Builds the production parts from the environment, through the same {@link Components} as the controller. */
    private static final class Factory {
        /** Between post-flip verification attempts: the loop's fast-confirmation spacing. */
        static final java.time.Duration VERIFY_SPACING = java.time.Duration.ofMillis(100);
        /** A flip, and at most two more when the new hops fail verification (three candidates tried per trigger). */
        static final int VERIFY_MAX_MOVES = 3;
        /**
         * At most one read of the tested paths' ownership records per this: a drill or a controller's move is
         * reported through the new hop within about this plus the check's settle and interval (docs/probe.md).
         */
        static final java.time.Duration HOP_WATCH_EVERY = java.time.Duration.ofSeconds(2);

        record Parts(java.util.function.Supplier<FailoverConfig> config, ProbeCycle cycle, CheckProber prober, ProbeSettings settings,
                     Clock clock, String probeAz) {
        }

        /** @param given the components to use; null builds them from the process environment (Lambda) */
        static Parts fromEnvironment(Map<String, String> env, Components given) {
            String probeAz = env.get(ENV_PROBE_AZ);
            if (probeAz == null || probeAz.isBlank()) {
                throw new IllegalStateException("environment variable " + ENV_PROBE_AZ + " is not set; the probe function needs "
                        + ENV_CONFIG_PATH + ", " + ENV_TABLE_NAME + " and " + ENV_PROBE_AZ + " (the infrastructure stack sets them)");
            }
            Components components = given != null ? given : Components.fromEnvironment();
            Clock clock = Clock.systemUTC();
            CheckProber prober = new CheckProber();
            ProbeSettings settings = ProbeSettings.defaults().withMaxRun(LEASED_MAX_RUN);
            ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(settings).clock(clock)
                    .metrics(EmfProbeMetrics.toStdout(probeAz)).probeAz(probeAz);
            // Consecutive invocations overlap by up to 20 s and hand over through the lease item (docs/probe.md).
            // The probe sits in this AZ's private subnet: it tests the data path of the managed tables there.
            ProbeCycle cycle = new ProbeCycle(components.controller().probeBackend(), loop, UnaryOperator.identity())
                    .lease(new DynamoDbProbeLeaseStore(components.clients().dynamoDb(), components.settings().tableName()), probeAz,
                            LeaseSettings.defaults(), clock, Sleeper.SYSTEM)
                    .dataPathZones(java.util.Set.of(probeAz)).watchHops(HOP_WATCH_EVERY)
                    .postFlipVerifier(new io.github.vpcroutefailover.app.PostFlipVerifier(prober, clock, Sleeper.SYSTEM, probeAz,
                            VERIFY_SPACING, VERIFY_MAX_MOVES));
            return new Parts(components.controller()::effectiveConfig, cycle, prober, settings, clock, probeAz);
        }
    }
}
