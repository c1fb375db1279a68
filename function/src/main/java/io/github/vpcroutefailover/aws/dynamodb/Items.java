package io.github.vpcroutefailover.aws.dynamodb;

import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Small helpers to read and write attribute maps without a mapper library (the items are few and flat). */
final class Items {
    private Items() {
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    static AttributeValue t(Instant v) {
        return AttributeValue.fromS(v.toString());
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    static long num(Map<String, AttributeValue> item, String name, long dflt) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? dflt : Long.parseLong(v.n());
    }

    static int integer(Map<String, AttributeValue> item, String name) {
        return (int) num(item, name, 0);
    }

    static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v != null && Boolean.TRUE.equals(v.bool());
    }

    static Instant instant(Map<String, AttributeValue> item, String name) {
        String s = str(item, name);
        return s == null ? null : Instant.parse(s);
    }

    /** A target as three attributes {@code <prefix>Kind}, {@code <prefix>Id}, {@code <prefix>InstanceId}. */
    static void putTarget(Map<String, AttributeValue> item, String prefix, RouteTarget target) {
        if (target == null) {
            return;
        }
        item.put(prefix + "Kind", s(target.kind().name()));
        item.put(prefix + "Id", s(target.id()));
        if (target.instanceId() != null) {
            item.put(prefix + "InstanceId", s(target.instanceId()));
        }
    }

    static RouteTarget target(Map<String, AttributeValue> item, String prefix) {
        String kind = str(item, prefix + "Kind");
        String id = str(item, prefix + "Id");
        if (kind == null || id == null) {
            return null;
        }
        return new RouteTarget(TargetKind.valueOf(kind), id, str(item, prefix + "InstanceId"));
    }
}
