package io.github.vpcroutefailover.cli;

import io.github.vpcroutefailover.handler.Components;
import io.github.vpcroutefailover.testsupport.LocalAws;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;

/** Runs {@code vrf} in-process with captured streams, a chosen terminal situation and the emulators' clients. */
final class CliRun {
    record Result(int exit, String out, String err) {
    }

    private final LocalAws aws;
    private final Map<String, String> env = new HashMap<>();
    private Function<LambdaClientBuilder, LambdaClient> lambda = b -> b.build();

    CliRun(LocalAws aws) {
        this.aws = aws;
        env.put("USER", "tester");
    }

    CliRun env(String k, String v) {
        env.put(k, v);
        return this;
    }

    /** How the test finishes the Lambda client builder (to add a request-capturing interceptor). */
    CliRun lambda(Function<LambdaClientBuilder, LambdaClient> finish) {
        this.lambda = finish;
        return this;
    }

    Wiring wiring() {
        return new Wiring() {
            @Override
            public Components.Clients localClients(Io io) {
                return new Components.Clients(aws.ec2(), aws.dynamoDb(), aws.cloudWatch(), aws.eventBridge(), aws.autoScaling());
            }

            @Override
            public boolean ownsLocalClients() {
                return false;
            }

            @Override
            public CloudFormationClient cloudFormation(Region region) {
                return aws.configure(CloudFormationClient.builder(), "CloudFormation").build();
            }

            @Override
            public LambdaClient lambda(Region region) {
                return lambda.apply(Wiring.lambdaDefaults(aws.configure(LambdaClient.builder(), "Lambda")));
            }
        };
    }

    /** Piped: no terminal on either side (what a script or {@code | jq} sees). */
    Result piped(String... args) {
        return run(false, false, "", args);
    }

    /** An operator at a terminal typing {@code answer} to any question. */
    Result terminal(String answer, String... args) {
        return run(true, true, answer, args);
    }

    Result run(boolean stdoutTty, boolean stdinTty, String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Io io = new Io(o, e, new BufferedReader(new StringReader(input)), Map.copyOf(env), stdoutTty, stdinTty);
        int exit = Vrf.run(io, wiring(), args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
