package io.github.vpcroutefailover.handler;

import com.amazonaws.services.lambda.runtime.Context;
import io.github.vpcroutefailover.handler.event.InputPolicy;

/**
 * Who asked for a manual action, for the audit history, split into what AWS vouches for and what the caller only
 * says. Vouched: the Lambda request id, the function and the alias it was invoked through (Lambda resolves the
 * qualifier of the invoked ARN, and IAM decided whether the caller may invoke that alias: the stack grants operators
 * the {@value #OPERATOR_ALIAS} alias only, the event rules the {@code live} alias), and a Cognito identity when the
 * invoke carried one. Self-declared, recorded as notes and never used as authority: the payload's
 * {@code requestedBy} and the client context's {@code caller}.
 *
 * <p>Example: {@code manual lambda:8c1b… via=operator function=VpcRouteFailover-OperatorFunction:operator
 * requestedBy=alice (self-declared)}. Local runs (the jar's {@code invoke}, tests) have no context: {@code manual local}.
 * The handler refuses manual actions that arrive on Lambda through any other alias ({@link Path#EVENT}): the event
 * path's invoke permission must not be a way around the operator policy.
 */
public final class CallerIdentity {
    /** The alias name the stack gives the operator path (infra-cdk ControllerFunctions.OPERATOR_ALIAS). */
    public static final String OPERATOR_ALIAS = "operator";

    /** How the invoke reached us, from the invoked function ARN. */
    public enum Path {
        /** Through the operator alias: the path the operator policy grants. */
        OPERATOR,
        /** Through any other alias, a version or the unqualified function: the event path. */
        EVENT,
        /** No Lambda context: the jar's local invoke or a test. */
        LOCAL
    }

    private CallerIdentity() {
    }

    public static Path path(Context context) {
        if (context == null || context.getInvokedFunctionArn() == null) {
            return Path.LOCAL;
        }
        return OPERATOR_ALIAS.equals(qualifier(context.getInvokedFunctionArn())) ? Path.OPERATOR : Path.EVENT;
    }

    /**
     * The caller as recorded in history and in the Route Failover event.
     *
     * @throws io.github.vpcroutefailover.handler.event.BadRequestException when the client context's {@code caller}
     *     breaks the input policy (it is caller-supplied text like any other)
     */
    public static String describe(Context context, String requestedBy) {
        StringBuilder b = new StringBuilder("manual ");
        if (context == null || context.getAwsRequestId() == null) {
            b.append("local");
        } else {
            b.append("lambda:").append(context.getAwsRequestId());
            String arn = context.getInvokedFunctionArn();
            if (arn != null) {
                b.append(" via=").append(path(context) == Path.OPERATOR ? OPERATOR_ALIAS : "event-path").append(" function=").append(invoked(arn));
            }
            if (context.getIdentity() != null && context.getIdentity().getIdentityId() != null
                    && !context.getIdentity().getIdentityId().isBlank()) {
                b.append(" identity=").append(InputPolicy.escape(context.getIdentity().getIdentityId(), 128));
            }
            if (context.getClientContext() != null && context.getClientContext().getCustom() != null) {
                String who = context.getClientContext().getCustom().get("caller");
                if (who != null) {
                    b.append(" clientContext.caller=").append(InputPolicy.note("clientContext.caller", who, InputPolicy.MAX_REQUESTED_BY_CHARS))
                            .append(" (self-declared)");
                }
            }
        }
        if (requestedBy != null) {
            b.append(" requestedBy=").append(requestedBy).append(" (self-declared)");
        }
        return b.toString();
    }

    /** {@code arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]} -> the qualifier, or null. */
    static String qualifier(String arn) {
        String[] parts = arn.split(":", -1);
        return parts.length >= 8 && !parts[7].isEmpty() ? parts[7] : null;
    }

    /** {@code <function name>[:<qualifier>]} of the invoked ARN, escaped. */
    static String invoked(String arn) {
        String qualifier = qualifier(arn);
        return functionName(arn) + (qualifier == null ? "" : ":" + InputPolicy.escape(qualifier, 128));
    }

    static String functionName(String arn) {
        String[] parts = arn.split(":", -1);
        return parts.length >= 7 ? InputPolicy.escape(parts[6], 140) : InputPolicy.escape(arn, 140);
    }
}
