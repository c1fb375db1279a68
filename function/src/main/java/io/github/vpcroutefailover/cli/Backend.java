package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a command's request goes: the deployed controller ({@link StackBackend}, Lambda Invoke on the stack's alias)
 * or the same handler run in this process against the emulators ({@link LocalBackend}). Both take the manual-invoke
 * JSON of README "Manual invokes" and answer with the handler's JSON, so {@code aws lambda invoke} gives the same
 * answer as the CLI.
 */
public interface Backend extends AutoCloseable {

    /** @return the handler's answer ({@code {"ok": true, ...}} or {@code {"ok": false, "error": ...}}) */
    JsonNode send(byte[] payload);

    /** For messages: "stack VpcRouteFailover (eu-west-1)", "local emulators (table vrf-local)". */
    String describe();

    @Override
    void close();
}
