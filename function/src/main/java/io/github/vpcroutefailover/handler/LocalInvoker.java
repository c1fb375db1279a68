package io.github.vpcroutefailover.handler;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;

/** The CLI's way into the real handler: same construction as Lambda's, no Lambda context. */
public final class LocalInvoker {
    private final ControllerHandler handler;

    private LocalInvoker(ControllerHandler handler) {
        this.handler = handler;
    }

    public static LocalInvoker fromEnvironment() {
        return new LocalInvoker(new ControllerHandler(Components.fromEnvironment(), Clock.systemUTC()));
    }

    /** The handler on components built by the caller (the CLI's {@code --local}: its own table, config and listener). */
    public static LocalInvoker of(Components components) {
        return new LocalInvoker(new ControllerHandler(components, Clock.systemUTC()));
    }

    public JsonNode invoke(byte[] payload) {
        return handler.handle(payload, null);
    }
}
