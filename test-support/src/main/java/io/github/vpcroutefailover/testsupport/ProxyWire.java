package io.github.vpcroutefailover.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The fault proxy's wire format: reading one HTTP/1.1 request, naming its API operation, and the services' real error
 * responses (EC2's XML, DynamoDB's JSON) that a fault answers with.
 */
final class ProxyWire {
    private ProxyWire() {
    }

    record Request(String requestLine, Map<String, String> headers, List<String> rawHeaders, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** The access key id in a SigV4 {@code Authorization} header ({@code Credential=<key>/<scope>}), or null. */
    static String accessKeyId(Request req) {
        String auth = req.header("Authorization");
        int at = auth == null ? -1 : auth.indexOf("Credential=");
        if (at < 0) {
            return null;
        }
        int end = auth.indexOf('/', at);
        return end < 0 ? null : auth.substring(at + "Credential=".length(), end);
    }

    static String operation(Request req) {
        String target = req.header("x-amz-target");
        if (target != null) {
            int dot = target.lastIndexOf('.');
            return dot < 0 ? target : target.substring(dot + 1);
        }
        String body = new String(req.body(), StandardCharsets.UTF_8);
        for (String part : body.split("&")) {
            if (part.startsWith("Action=")) {
                return URLDecoder.decode(part.substring("Action=".length()), StandardCharsets.UTF_8);
            }
        }
        String line = req.requestLine();
        int q = line.indexOf("Action=");
        if (q >= 0) {
            String rest = line.substring(q + "Action=".length());
            int end = rest.indexOf('&') >= 0 ? rest.indexOf('&') : rest.indexOf(' ');
            return end < 0 ? rest : rest.substring(0, end);
        }
        return "?";
    }

    // ------------------------------------------------------------------------------------------ error shapes

    static byte[] throttle(FaultProxy.Dialect dialect, String code) {
        return switch (dialect) {
            case EC2_QUERY -> error(dialect, 503, code == null ? "RequestLimitExceeded" : code, "Request limit exceeded.");
            case DYNAMODB_JSON -> error(dialect, 400, code == null ? "ThrottlingException" : code,
                    "ProvisionedThroughputExceededException".equals(code)
                            ? "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
                            : "Rate of requests exceeds the allowed throughput.");
            case AWS_JSON -> error(dialect, 400, code == null ? "ThrottlingException" : code, "Rate exceeded");
            case AWS_QUERY -> error(dialect, 400, code == null ? "Throttling" : code, "Rate exceeded");
        };
    }

    /** DynamoDB's TransactionCanceledException as the service sends it: capital "Message", one reason per item. */
    static byte[] transactionCanceled(List<String> reasons) {
        StringBuilder r = new StringBuilder();
        for (String code : reasons) {
            r.append(r.isEmpty() ? "" : ",").append("{\"Code\":\"").append(code).append('"');
            if ("ThrottlingError".equals(code)) {
                r.append(",\"Message\":\"Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
                        + "scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: "
                        + "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html.\"");
            } else if ("TransactionConflict".equals(code)) {
                r.append(",\"Message\":\"Transaction is ongoing for the item\"");
            }
            r.append('}');
        }
        String body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\",\"CancellationReasons\":[" + r
                + "],\"Message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons " + reasons + "\"}";
        return response(400, "application/x-amz-json-1.0", body);
    }

    static byte[] error(FaultProxy.Dialect dialect, int status, String code, String message) {
        String requestId = UUID.randomUUID().toString();
        String contentType;
        String body;
        if (dialect == FaultProxy.Dialect.EC2_QUERY) {
            contentType = "text/xml;charset=UTF-8";
            body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>"
                    + message + "</Message></Error></Errors><RequestID>" + requestId + "</RequestID></Response>";
        } else if (dialect == FaultProxy.Dialect.AWS_QUERY) {
            contentType = "text/xml";
            body = "<ErrorResponse><Error><Type>" + (status < 500 ? "Sender" : "Receiver") + "</Type><Code>" + code
                    + "</Code><Message>" + message + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
        } else if (dialect == FaultProxy.Dialect.AWS_JSON) {
            contentType = "application/x-amz-json-1.1";
            body = "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}";
        } else {
            contentType = "application/x-amz-json-1.0";
            body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + code + "\",\"message\":\"" + message + "\"}";
        }
        return response(status, contentType, body);
    }

    private static byte[] response(int status, String contentType, String body) {
        String requestId = UUID.randomUUID().toString();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + b.length + "\r\n"
                + "x-amzn-RequestId: " + requestId + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    // ------------------------------------------------------------------------------------------ parsing

    static Request read(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> raw = new ArrayList<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            raw.add(h);
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.trim()));
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            throw new SocketException("chunked request bodies are not supported by the fault proxy");
        }
        return new Request(requestLine, headers, raw, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
