package io.github.vpcroutefailover.agent.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for requests with a body in memory, as documented in "Create a signed AWS API
 * request" (IAM user guide). The agent signs one small request per cycle, so this favours clarity over
 * caching the signing key. Verified against the AWS SDK's own signer in SigV4SignerTest.
 */
public final class SigV4Signer {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final String region;
    private final String service;

    public SigV4Signer(String region, String service) {
        this.region = region;
        this.service = service;
    }

    /**
     * The headers to add to the request: {@code X-Amz-Date}, {@code X-Amz-Content-Sha256}, {@code X-Amz-Security-Token} with session
     * credentials, and {@code Authorization}. {@code headers} are the request's other headers, all of which
     * are signed; {@code Host} is derived from the URI exactly as the HTTP client will send it.
     */
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body, AwsCredentials credentials, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        String payloadHash = hex(sha256(body));
        Map<String, String> added = new LinkedHashMap<>();
        added.put("X-Amz-Date", amzDate);
        // Optional outside S3, but the SDKs send it, so CloudWatch sees the same signed headers from us as from them.
        added.put("X-Amz-Content-Sha256", payloadHash);
        credentials.session().ifPresent(t -> added.put("X-Amz-Security-Token", t));

        TreeMap<String, String> canonical = new TreeMap<>();
        canonical.put("host", hostHeader(uri));
        headers.forEach((k, v) -> canonical.merge(k.toLowerCase(Locale.ROOT), trimAll(v), (a, b) -> a + "," + b));
        added.forEach((k, v) -> canonical.put(k.toLowerCase(Locale.ROOT), trimAll(v)));
        StringBuilder canonicalHeaders = new StringBuilder();
        canonical.forEach((k, v) -> canonicalHeaders.append(k).append(':').append(v).append('\n'));
        String signedHeaders = String.join(";", canonical.keySet());

        String canonicalRequest = method + '\n'
                + canonicalPath(uri) + '\n'
                + canonicalQuery(uri) + '\n'
                + canonicalHeaders + '\n'
                + signedHeaders + '\n'
                + payloadHash;
        String scope = date + '/' + region + '/' + service + "/aws4_request";
        String stringToSign = ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));

        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, stringToSign));
        added.put("Authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + '/' + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature);
        return added;
    }

    /** What HttpURLConnection sends as Host: the port only when it is not the scheme's default. */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        String scheme = uri.getScheme();
        boolean defaultPort = port == -1 || ("https".equalsIgnoreCase(scheme) && port == 443) || ("http".equalsIgnoreCase(scheme) && port == 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    /** Every service but S3 encodes each path segment twice (once for the URI, once for the canonical form). */
    static String canonicalPath(URI uri) {
        String raw = uri.getRawPath();
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        String[] segments = raw.split("/", -1);
        List<String> out = new ArrayList<>(segments.length);
        for (String s : segments) {
            out.add(encode(encode(decode(s))));
        }
        return String.join("/", out);
    }

    static String canonicalQuery(URI uri) {
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            String k = eq < 0 ? p : p.substring(0, eq);
            String v = eq < 0 ? "" : p.substring(eq + 1);
            pairs.add(encode(decode(k)) + "=" + encode(decode(v)));
        }
        pairs.sort(null);
        return String.join("&", pairs);
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 requires. */
    public static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String trimAll(String v) {
        return v.strip().replaceAll("\\s+", " ");
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
