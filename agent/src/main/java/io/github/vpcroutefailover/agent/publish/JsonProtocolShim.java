package io.github.vpcroutefailover.agent.publish;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Speaks AWS JSON 1.0 to CloudWatch instead of the Smithy RPCv2 CBOR that SDK 2.41 uses, for endpoints that only
 * know the older protocols (moto 5.2, the project's local test bed). CloudWatch itself accepts both, so the
 * shim is off by default ({@code publish.protocol: rpcv2-cbor}). Runs before signing, so the signature covers
 * the JSON request actually sent. The two protocols share shapes and member names; only the framing differs,
 * except timestamps: CBOR tags them (tag 1, epoch seconds), JSON sends bare epoch seconds.
 */
public final class JsonProtocolShim implements ExecutionInterceptor {
    private static final ExecutionAttribute<byte[]> JSON_BODY = new ExecutionAttribute<>("vrf.jsonBody");
    private static final String PREFIX = "/service/";
    private static final JsonFactory JSON = new JsonFactory();
    private static final CBORFactory CBOR = new CBORFactory();
    /** Members of CloudWatch responses that are timestamps (single or lists) and must carry the CBOR epoch tag. */
    private static final Set<String> TIMESTAMP_FIELDS = Set.of("Timestamp", "Timestamps", "StateUpdatedTimestamp",
            "AlarmConfigurationUpdatedTimestamp", "StateTransitionedTimestamp", "LastUpdateTimestamp", "LastModified",
            "CreationDate", "LastUpdateDate", "StartTime", "EndTime");

    // The SDK calls modifyHttpContent before modifyHttpRequest, so the body is transcoded here and the headers follow it.
    @Override
    public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        if (rpcv2Path(context.httpRequest()) == null) {
            return context.requestBody();
        }
        byte[] json = context.requestBody().map(JsonProtocolShim::cborToJson).orElse("{}".getBytes(StandardCharsets.UTF_8));
        attributes.putAttribute(JSON_BODY, json);
        return Optional.of(RequestBody.fromBytes(json));
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        SdkHttpRequest req = context.httpRequest();
        String[] target = rpcv2Path(req);
        byte[] json = attributes.getAttribute(JSON_BODY);
        if (target == null || json == null) {
            return req;
        }
        return req.toBuilder()
                .encodedPath("/")
                .removeHeader("smithy-protocol")
                .removeHeader("Accept")
                .putHeader("X-Amz-Target", target[0] + "." + target[1])
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("Content-Length", Integer.toString(json.length))
                .build();
    }

    /** {service, operation} of an RPCv2 request path {@code /service/S/operation/O}, or null. */
    private static String[] rpcv2Path(SdkHttpRequest req) {
        String path = req.encodedPath();
        int op = path.indexOf("/operation/");
        if (!path.startsWith(PREFIX) || op < 0) {
            return null;
        }
        return new String[] {path.substring(PREFIX.length(), op), path.substring(op + "/operation/".length())};
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        if (attributes.getAttribute(JSON_BODY) == null) {
            return context.httpResponse();
        }
        return context.httpResponse().toBuilder()
                .removeHeader("Content-Type")
                .removeHeader("Content-Length")
                .putHeader("Content-Type", "application/cbor")
                .putHeader("smithy-protocol", "rpc-v2-cbor")
                .build();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        if (attributes.getAttribute(JSON_BODY) == null || context.responseBody().isEmpty()) {
            return context.responseBody();
        }
        try (InputStream in = context.responseBody().get()) {
            byte[] json = in.readAllBytes();
            try {
                return Optional.of(new ByteArrayInputStream(jsonToCbor(json.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : json)));
            } catch (IOException notJson) {
                // An emulator error page (HTML/XML): surface its text as a service error instead of a CBOR parse failure.
                return Optional.of(new ByteArrayInputStream(errorCbor(new String(json, StandardCharsets.UTF_8))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] errorCbor(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("__type", "EmulatorError");
            g.writeStringField("message", text.length() > 500 ? text.substring(0, 500) : text);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    static byte[] cborToJson(RequestBody body) {
        try (InputStream in = body.contentStreamProvider().newStream();
                JsonParser p = CBOR.createParser(in)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = JSON.createGenerator(out)) {
                if (p.nextToken() == null) {
                    g.writeStartObject();
                    g.writeEndObject();
                } else {
                    g.copyCurrentStructure(p);
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot transcode the CBOR request to JSON", e);
        }
    }

    static byte[] jsonToCbor(byte[] json) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonParser p = JSON.createParser(json); CBORGenerator g = CBOR.createGenerator(out)) {
            String field = null;
            boolean inTimestampList = false;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> g.writeStartObject();
                    case END_OBJECT -> g.writeEndObject();
                    case START_ARRAY -> {
                        inTimestampList = TIMESTAMP_FIELDS.contains(field);
                        g.writeStartArray();
                    }
                    case END_ARRAY -> {
                        inTimestampList = false;
                        g.writeEndArray();
                    }
                    case FIELD_NAME -> {
                        field = p.currentName();
                        g.writeFieldName(field);
                    }
                    case VALUE_STRING -> g.writeString(p.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        if (inTimestampList || TIMESTAMP_FIELDS.contains(field) && p.getParsingContext().inObject()) {
                            g.writeTag(1);
                        }
                        if (t == JsonToken.VALUE_NUMBER_INT) {
                            g.writeNumber(p.getLongValue());
                        } else {
                            g.writeNumber(p.getDoubleValue());
                        }
                    }
                    case VALUE_TRUE -> g.writeBoolean(true);
                    case VALUE_FALSE -> g.writeBoolean(false);
                    case VALUE_NULL -> g.writeNull();
                    default -> throw new IOException("unexpected JSON token " + t);
                }
            }
        }
        return out.toByteArray();
    }
}
