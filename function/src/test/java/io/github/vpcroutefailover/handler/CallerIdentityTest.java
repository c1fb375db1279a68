package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.github.vpcroutefailover.handler.CallerIdentity.Path;
import io.github.vpcroutefailover.handler.event.BadRequestException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallerIdentityTest {
    private static final String FN = "arn:aws:lambda:eu-west-1:111111111111:function:VpcRouteFailover-OperatorFunction1A2B";

    /** The parts of a Lambda context the caller description reads; the rest is not used. */
    record FakeContext(String requestId, String invokedArn, String cognitoId, Map<String, String> custom) implements Context {
        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return null;
        }

        @Override
        public String getLogStreamName() {
            return null;
        }

        @Override
        public String getFunctionName() {
            return null;
        }

        @Override
        public String getFunctionVersion() {
            return "7";
        }

        @Override
        public String getInvokedFunctionArn() {
            return invokedArn;
        }

        @Override
        public CognitoIdentity getIdentity() {
            return cognitoId == null ? null : new CognitoIdentity() {
                @Override
                public String getIdentityId() {
                    return cognitoId;
                }

                @Override
                public String getIdentityPoolId() {
                    return "pool";
                }
            };
        }

        @Override
        public ClientContext getClientContext() {
            return custom == null ? null : new ClientContext() {
                @Override
                public Client getClient() {
                    return null;
                }

                @Override
                public Map<String, String> getCustom() {
                    return custom;
                }

                @Override
                public Map<String, String> getEnvironment() {
                    return Map.of();
                }
            };
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 60_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return null;
        }
    }

    @Test
    void theAliasInvokedTellsTheOperatorPathFromTheEventPath() {
        assertThat(CallerIdentity.path(new FakeContext("r", FN + ":operator", null, null))).isEqualTo(Path.OPERATOR);
        assertThat(CallerIdentity.path(new FakeContext("r", FN + ":live", null, null))).isEqualTo(Path.EVENT);
        assertThat(CallerIdentity.path(new FakeContext("r", FN + ":7", null, null))).isEqualTo(Path.EVENT);
        assertThat(CallerIdentity.path(new FakeContext("r", FN, null, null))).isEqualTo(Path.EVENT);
        assertThat(CallerIdentity.path(new FakeContext("r", FN + ":operator-old", null, null))).isEqualTo(Path.EVENT);
        assertThat(CallerIdentity.path(null)).isEqualTo(Path.LOCAL);
    }

    @Test
    void vouchedPartsFirstSelfDeclaredNotesMarkedAsSuch() {
        String c = CallerIdentity.describe(new FakeContext("8c1b", FN + ":operator", "eu-west-1:abc", Map.of("caller", "ops-cli alice")), "alice");
        assertThat(c).isEqualTo("manual lambda:8c1b via=operator function=VpcRouteFailover-OperatorFunction1A2B:operator identity=eu-west-1:abc"
                + " clientContext.caller=ops-cli alice (self-declared) requestedBy=alice (self-declared)");
        assertThat(CallerIdentity.describe(new FakeContext("9", FN + ":live", null, null), null))
                .isEqualTo("manual lambda:9 via=event-path function=VpcRouteFailover-OperatorFunction1A2B:live");
        assertThat(CallerIdentity.describe(null, "bob")).isEqualTo("manual local requestedBy=bob (self-declared)");
    }

    @Test
    void aClientContextCallerIsCallerInputAndFollowsThePolicy() {
        assertThatThrownBy(() -> CallerIdentity.describe(new FakeContext("r", FN + ":operator", null, Map.of("caller", "alice\nforged")), null))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.field()).isEqualTo("clientContext.caller"));
        assertThatThrownBy(() -> CallerIdentity.describe(new FakeContext("r", FN + ":operator", null, Map.of("caller", "x".repeat(200))), null))
                .isInstanceOf(BadRequestException.class);
    }
}
