package io.github.vpcroutefailover.cdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import software.amazon.awscdk.services.eventschemas.CfnRegistry;
import software.amazon.awscdk.services.eventschemas.CfnSchema;
import software.constructs.Construct;

/**
 * The Route Failover event's JSON Schema in an EventBridge schema registry, so consumers can download code
 * bindings for it (schemas/route-failover-event.json; the function's tests validate what the notifier emits
 * against the same file).
 */
public final class EventSchema extends Construct {
    /** EventBridge's own naming for discovered schemas is {@code <source>@<DetailType without spaces>}. */
    public static final String SCHEMA_NAME = Contract.EVENT_SOURCE + "@RouteFailover";
    public static final String SCHEMA_TYPE = "JSONSchemaDraft4";

    private final CfnRegistry registry;
    private final CfnSchema schema;

    EventSchema(Construct scope, String id, String name) {
        super(scope, id);
        this.registry = CfnRegistry.Builder.create(this, "Registry").registryName(name + "-events")
                .description("Events emitted by VPC Route Failover (" + name + ")").build();
        this.schema = CfnSchema.Builder.create(this, "RouteFailover").registryName(registry.getAttrRegistryName())
                .schemaName(SCHEMA_NAME).type(SCHEMA_TYPE).content(content())
                .description("The Route Failover event, one per changed route (docs/events.md)").build();
    }

    /** The schema file as shipped in the app's jar (copied from the repository's schemas/ at build time). */
    public static String content() {
        try (InputStream in = EventSchema.class.getResourceAsStream(Contract.EVENT_SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(Contract.EVENT_SCHEMA_RESOURCE + " is missing from the CDK app's classpath; rebuild infra-cdk with Maven");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public CfnRegistry registry() {
        return registry;
    }

    public CfnSchema schema() {
        return schema;
    }
}
