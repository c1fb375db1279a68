package io.github.vpcroutefailover.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A handler for {@link LambdaJavaRuntimeIT}: echoes its input with the request id, throws on {@code "fail"}, and
 * refuses to construct when {@code ECHO_INIT_FAILS} is set. Copied alone into a task root: no other class of ours.
 */
public final class EchoHandler implements RequestStreamHandler {
    public EchoHandler() {
        if (System.getenv("ECHO_INIT_FAILS") != null) {
            throw new IllegalStateException("init refused on purpose");
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String in = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        if (in.equals("\"fail\"")) {
            throw new IllegalArgumentException("failed on purpose");
        }
        output.write(("{\"echo\":" + in + ",\"requestId\":\"" + context.getAwsRequestId() + "\",\"memory\":"
                + context.getMemoryLimitInMB() + "}").getBytes(StandardCharsets.UTF_8));
    }
}
