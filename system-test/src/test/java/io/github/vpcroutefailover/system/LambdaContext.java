package io.github.vpcroutefailover.system;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.UUID;

/** The invocation context Lambda would pass: a request id and the time left, nothing else is read. */
record LambdaContext(String requestId, long deadlineMillis) implements Context {
    static LambdaContext withRemaining(int millis) {
        return new LambdaContext(UUID.randomUUID().toString(), System.currentTimeMillis() + millis);
    }

    public String getAwsRequestId() {
        return requestId;
    }

    public String getLogGroupName() {
        return "/aws/lambda/system-test";
    }

    public String getLogStreamName() {
        return "system-test";
    }

    public String getFunctionName() {
        return "system-test";
    }

    public String getFunctionVersion() {
        return "$LATEST";
    }

    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:" + DeployedStack.ACCOUNT + ":function:system-test";
    }

    public CognitoIdentity getIdentity() {
        return null;
    }

    public ClientContext getClientContext() {
        return null;
    }

    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    public int getMemoryLimitInMB() {
        return 512;
    }

    public LambdaLogger getLogger() {
        return null;
    }
}
