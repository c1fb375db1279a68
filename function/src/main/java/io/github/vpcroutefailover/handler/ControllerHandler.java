package io.github.vpcroutefailover.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.app.Controller;
import io.github.vpcroutefailover.app.WorldMismatchException;
import io.github.vpcroutefailover.app.ManualActions.InvalidRequestException;
import io.github.vpcroutefailover.app.ManualActions;
import io.github.vpcroutefailover.app.ReconcileOptions;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.plan.PlanInput;
import io.github.vpcroutefailover.handler.event.BadRequestException;
import io.github.vpcroutefailover.handler.event.EventParser;
import io.github.vpcroutefailover.handler.event.InputPolicy;
import io.github.vpcroutefailover.handler.event.ManualRequest;
import io.github.vpcroutefailover.handler.event.ManualRequestParser;
import io.github.vpcroutefailover.handler.event.StrictJson;
import io.github.vpcroutefailover.handler.event.Trigger;
import io.github.vpcroutefailover.json.JsonTrees;
import io.github.vpcroutefailover.ports.CallDeadline;
import io.github.vpcroutefailover.ports.RoutePlanner;
import java.io.IOException;
import java.time.Duration;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller Lambda: every EventBridge event (scheduled, alarm, EC2, Auto Scaling) and every manual invoke.
 * Thin: parse, call the app layer, map the answer to JSON. Bad input is refused before any AWS call: manual
 * invokes get {@code {"ok":false,"error":{"field","message"}}}, EventBridge events an exception (the invocation
 * fails, so a systematic problem shows in the error metrics and the dead-letter queue). The JSON is read by
 * {@link StrictJson} and its text checked by {@link io.github.vpcroutefailover.handler.event.InputPolicy}
 * (docs/handlers.md "Input policy"). Any other exception on a manual invoke is answered {@code ok:false} with a
 * correlation id that is logged with the stack trace, never a raw Lambda error.
 */
public final class ControllerHandler implements RequestStreamHandler, Resource {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerHandler.class);

    private final Components components;
    /** Null for a single-VPC config; a config with several VPCs is served through it (docs/fleet.md). */
    private final FleetDispatch fleet;
    private final Clock clock;

    /** Lambda's constructor: real clients from the environment, built once per execution environment. */
    public ControllerHandler() {
        this(Deployment.fromEnvironment(System.getenv(), Components.Clients.fromEnvironment()), Clock.systemUTC());
        SnapshotHooks.register(this, System.getenv());
    }

    /** The handler Lambda would build from a function's environment variables, with the given clients. */
    public static ControllerHandler fromEnvironment(Map<String, String> env, Components.Clients clients) {
        return new ControllerHandler(Deployment.fromEnvironment(env, clients), Clock.systemUTC());
    }

    ControllerHandler(Components components, Clock clock) {
        this(new Deployment(components, null), clock);
    }

    ControllerHandler(Deployment deployment, Clock clock) {
        this.components = Objects.requireNonNull(deployment.components(), "components");
        this.fleet = deployment.fleet() == null ? null : new FleetDispatch(deployment.fleet());
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Lambda's own limit for a synchronous payload; the local invoke reads files, which have none. */
    static final int MAX_INPUT_BYTES = 6 * 1024 * 1024;

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation.begin(context);
        try {
            byte[] payload = input.readNBytes(MAX_INPUT_BYTES + 1);
            // Every AWS call of this invocation ends before Lambda's own timeout, with a margin to answer: the
            // reconciler starts no claim it cannot finish, and each SDK call's timeout is sized to the time left.
            JsonNode response = payload.length > MAX_INPUT_BYTES
                    ? error("$", "the input is larger than " + MAX_INPUT_BYTES + " bytes; EventBridge events are at most 256 KB")
                    : context == null ? handle(payload, null)
                    : CallDeadline.within(CallDeadline.forInvocation(Duration.ofMillis(context.getRemainingTimeInMillis())),
                            () -> handle(payload, context));
            output.write(JsonTrees.toBytes(response));
        } finally {
            Invocation.end();
        }
    }

    /** @throws BadRequestException for a malformed EventBridge event (manual invokes get an error response instead) */
    public JsonNode handle(byte[] payload, Context context) {
        JsonNode root;
        try {
            root = StrictJson.readObject(payload);
        } catch (BadRequestException e) {
            return error(e.field(), messageOf(e, e.field()));
        }
        if (EventParser.isEventBridgeEnvelope(root)) {
            Trigger trigger = EventParser.parse(root);
            return onEvent(trigger, context);
        }
        if (CallerIdentity.path(context) == CallerIdentity.Path.EVENT) {
            // The stack grants operators the operator alias only; whoever reaches the event path with a manual action
            // holds a broader lambda:InvokeFunction than the operator policy, and must not be able to move routes with it.
            return error("action", "manual actions are accepted only through the '" + CallerIdentity.OPERATOR_ALIAS
                    + "' alias (stack output OperatorAliasArn, granted by OperatorPolicyArn); this invoke came through the event path ("
                    + CallerIdentity.invoked(context.getInvokedFunctionArn()) + ")");
        }
        try {
            ManualRequest request = ManualRequestParser.parse(root, clock.instant());
            return ok(manual(request, CallerIdentity.describe(context, request.requestedBy())));
        } catch (BadRequestException e) {
            return error(e.field(), messageOf(e, e.field()));
        } catch (InvalidRequestException e) {
            return error(e.field(), messageOf(e, e.field()));
        } catch (WorldMismatchException e) {
            LOG.atError().addKeyValue("event", "config-does-not-fit").addKeyValue("field", e.field()).log(e.getMessage());
            return error(e.field(), messageOf(e, e.field()));
        } catch (RuntimeException | StackOverflowError e) {
            return internalError(e, root, context);
        }
    }

    /**
     * The catch-all of the manual path: a bug or an AWS failure becomes an {@code ok:false} answer the operator can
     * quote, and the log line with the same correlation id has the stack trace. The request may have partly applied
     * (a pin written, then the reconcile failed), which the message says.
     */
    private static JsonNode internalError(Throwable e, JsonNode root, Context context) {
        String id = java.util.UUID.randomUUID().toString();
        LOG.atError().setCause(e).addKeyValue("event", "manual-invoke-failed").addKeyValue("correlationId", id)
                .addKeyValue("awsRequestId", context == null ? null : context.getAwsRequestId())
                .addKeyValue("action", InputPolicy.escape(root.path("action").asText(""), InputPolicy.ECHO_CHARS))
                .log("manual invoke failed unexpectedly: " + e.getClass().getName());
        ObjectNode n = (ObjectNode) error("$", "the request failed unexpectedly (" + e.getClass().getSimpleName()
                + "); it may have partly applied, check with {\"action\": \"status\"}. Correlation id " + id
                + " finds the details in the function's log");
        ((ObjectNode) n.get("error")).put("correlationId", id);
        return n;
    }

    private JsonNode onEvent(Trigger trigger, Context context) {
        Controller c = components.controller();
        String caller = "event:" + trigger.getClass().getSimpleName() + ":" + trigger.eventId() + " " + invocation(context);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("trigger", trigger.getClass().getSimpleName());
        out.put("eventId", trigger.eventId());
        if (fleet != null) {
            out.putAll(fleet.onEvent(trigger, caller));
            LOG.atInfo().addKeyValue("event", "trigger-handled").addKeyValue("trigger", trigger.getClass().getSimpleName())
                    .addKeyValue("eventId", trigger.eventId()).addKeyValue("failedVpcs", out.get("failedVpcs")).log("handled on every VPC");
            return JsonTrees.of(out);
        }
        Controller.Outcome outcome = FleetDispatch.outcome(c, trigger, caller, true);
        out.put("managed", outcome.managed());
        out.put("detail", outcome.detail());
        if (outcome.result() != null) {
            out.put("reconcile", ManualActions.summary(outcome.result()));
        }
        LOG.atInfo().addKeyValue("event", "trigger-handled").addKeyValue("trigger", trigger.getClass().getSimpleName())
                .addKeyValue("eventId", trigger.eventId()).addKeyValue("managed", outcome.managed()).log(outcome.detail());
        return JsonTrees.of(out);
    }

    private Map<String, Object> manual(ManualRequest request, String caller) {
        ManualActions m = components.manual();
        Map<String, Object> result = fleet != null
                ? (request instanceof ManualRequest.Drill d ? components.drilled(d.route(), fleet.manual(request, caller)) : fleet.manual(request, caller))
                : switch (request) {
            case ManualRequest.Status s -> m.status(s.route(), caller);
            case ManualRequest.Plan p -> m.plan(p.route(), caller);
            case ManualRequest.History h -> m.history(h.route(), h.since(), h.limit());
            case ManualRequest.Failover f -> m.failover(f.route(), f.routeTableIds(), f.fromTarget(), f.to(), f.force(), f.reason(), f.dryRun(), caller);
            case ManualRequest.Drain d -> m.drain(d.target(), d.reason(), d.dryRun(), caller);
            case ManualRequest.Undrain u -> m.undrain(u.target(), caller);
            case ManualRequest.Pin p -> m.pin(p.route(), p.routeTableIds(), p.target(), p.expiresAt(), p.force(), p.reason(), caller);
            case ManualRequest.Unpin u -> m.unpin(u.route(), u.routeTableIds(), caller);
            case ManualRequest.Register r -> m.register(r.spec(), caller);
            case ManualRequest.Deregister d -> m.deregister(d.route(), caller);
            case ManualRequest.Drill d -> components.drilled(d.route(), m.drill(d.route(), d.window(), d.dryRun(), caller));
        };
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("action", request.action());
        out.put("caller", caller);
        out.putAll(result);
        return out;
    }

    private static String invocation(Context context) {
        return context == null || context.getAwsRequestId() == null ? "local" : "lambda:" + context.getAwsRequestId();
    }

    private static String messageOf(RuntimeException e, String field) {
        String m = e.getMessage();
        return m.startsWith(field + ": ") ? m.substring(field.length() + 2) : m;
    }

    static JsonNode ok(Map<String, Object> body) {
        ObjectNode n = JsonTrees.object();
        n.put("ok", true);
        n.setAll((ObjectNode) JsonTrees.of(body));
        return n;
    }

    /** Bounded and escaped whatever produced it: no error answer can echo a huge or hostile input back. */
    static JsonNode error(String field, String message) {
        ObjectNode n = JsonTrees.object();
        n.put("ok", false);
        n.putObject("error").put("field", InputPolicy.bounded(field, InputPolicy.MAX_FIELD_CHARS))
                .put("message", InputPolicy.bounded(message, InputPolicy.MAX_ERROR_CHARS));
        return n;
    }

    // ---- SnapStart ----------------------------------------------------------------------------------------------

    /**
     * Priming before the snapshot: loads the config, runs JSON (de)serialization both ways and the planner on a
     * synthetic empty world, reads one realistic answer of each AWS read ({@link ReaderPriming}), so those classes are
     * loaded and JIT-warm in the snapshot. Makes no AWS call at all
     * (a snapshot must not carry connections, and priming must not change anything).
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
    }

    void prime() {
        FailoverConfig config = components.controller().effectiveConfigWithoutRegistry();
        JsonNode event = JsonTrees.object().put("version", "0").put("id", "prime").put("detail-type", "Scheduled Event")
                .put("source", "aws.events").put("time", "2026-01-01T00:00:00Z").set("detail", JsonTrees.object());
        EventParser.parse(event);
        ManualRequestParser.parse(JsonTrees.object().put("action", "status"), clock.instant());
        var plan = RoutePlanner.domain().plan(new PlanInput(config, List.of(), List.of(), List.of(), Map.of(), Map.of(),
                clock.instant(), ReconcileOptions.DEFAULT_CLAIM_LEASE));
        JsonTrees.toBytes(ok(Map.of("routes", plan.routes().size(), "actions", plan.actions().size())));
        // Every client a restored environment may need, built now rather than during its first invocation.
        components.clients().buildAll();
        // Realistic answers through every reader's unmarshaller: the canned reconcile below sees an empty world.
        ReaderPriming.runLogged();
        boolean reconciled = false;
        try {
            JsonNode answer = Priming.scheduledReconcile(components.settings(), components.controller()::effectiveConfigWithoutRegistry, clock);
            // The canned world has no route tables: reaching the refusal of that VPC means the whole observe ran.
            reconciled = "vpc".equals(answer.path("error").path("field").asText());
        } catch (RuntimeException e) {
            // Priming only saves time: a snapshot without it is slower to answer, not wrong. Say so and go on.
            LOG.atWarn().addKeyValue("event", "priming-failed").setCause(e).log("canned reconcile for the snapshot failed: " + e);
        }
        LOG.atInfo().addKeyValue("event", "primed").addKeyValue("routes", config.routes().size())
                .addKeyValue("reconciled", reconciled).log("primed for snapshot");
    }

    Components components() {
        return components;
    }

}
