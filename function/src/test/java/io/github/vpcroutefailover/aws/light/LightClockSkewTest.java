package io.github.vpcroutefailover.aws.light;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Clock-skew correction as the SDK client does it: a skew error's Date header sets the offset, the retry is signed with
 * it, later calls start with it; a 403 without skew is not retried. A scripted server on 127.0.0.1 answers each request
 * from a queue (then 200) and records each request's X-Amz-Date; attempts are counted, never timed.
 */
class LightClockSkewTest {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String EC2_OK = """
            <DescribeRouteTablesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>\
            <routeTableSet/></DescribeRouteTablesResponse>""";

    private record Answer(int status, String contentType, String body, Instant date) {
    }

    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Instant> signedAt = new ArrayList<>();
    private Answer ok;
    private ServerSocket server;
    private Thread acceptor;

    /**
     * A raw socket, not the JDK's HttpServer: that one overwrites the Date header with its own clock, and the Date header
     * is what this test scripts. One exchange per connection (Connection: close).
     */
    @BeforeEach
    void start() throws IOException {
        software.amazon.awssdk.core.SdkGlobalTime.setGlobalTimeOffset(0);
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(10_000);
                    exchange(s);
                } catch (IOException e) {
                    // closed by stop(), or a client that went away: the test's assertions tell
                }
            }
        });
    }

    private void exchange(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        String amzDate = null;
        int length = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim();
            if (name.equalsIgnoreCase("X-Amz-Date")) {
                amzDate = line.substring(colon + 1).trim();
            } else if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        in.readNBytes(length);
        Answer a;
        synchronized (this) {
            signedAt.add(Instant.from(AMZ_DATE.parse(amzDate)));
            a = script.isEmpty() ? ok : script.poll();
        }
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + a.status() + " X\r\nContent-Type: " + a.contentType() + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n"
                + (a.date() == null ? "" : "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(a.date().atZone(ZoneOffset.UTC)) + "\r\n")
                + "\r\n";
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r' && b.length() < 8192) {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @AfterEach
    void stop() throws Exception {
        // The learnt offset is process-wide (SdkGlobalTime), as in the SDK: no later test may sign an hour off.
        software.amazon.awssdk.core.SdkGlobalTime.setGlobalTimeOffset(0);
        server.close();
        acceptor.join(Duration.ofSeconds(5));
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    }

    private synchronized int attempts() {
        return signedAt.size();
    }

    private synchronized Instant signed(int attempt) {
        return signedAt.get(attempt);
    }

    private static Answer ec2Error(int status, String code, Instant date) {
        return new Answer(status, "text/xml", "<Response><Errors><Error><Code>" + code + "</Code><Message>m</Message></Error></Errors>"
                + "<RequestID>r-0</RequestID></Response>", date);
    }

    private static Answer ddbError(int status, String code, String message, Instant date) {
        return new Answer(status, "application/x-amz-json-1.0", "{\"__type\":\"com.amazon.coral.service#" + code + "\",\"message\":\""
                + message + "\"}", date);
    }

    @Test
    void ec2RequestTimeTooSkewedIsRetriedSignedWithTheServersClockAndTheOffsetIsKept() {
        ok = new Answer(200, "text/xml", EC2_OK, null);
        Instant server = Instant.now().plus(Duration.ofHours(1));
        script.add(ec2Error(403, "RequestTimeTooSkewed", server));
        Ec2Api ec2 = LightClients.ec2(Region.US_EAST_1, credentials(), endpoint(), List.of());

        assertThat(ec2.describeRouteTables(DescribeRouteTablesRequest.builder().maxResults(5).build()).routeTables()).isEmpty();

        assertThat(attempts()).as("the skew error, then the corrected retry").isEqualTo(2);
        assertThat(Duration.between(signed(0), server).abs()).as("first signed with this host's clock").isGreaterThan(Duration.ofMinutes(50));
        assertThat(Duration.between(signed(1), server).abs()).as("retry signed with the server's").isLessThan(Duration.ofMinutes(1));

        ec2.describeRouteTables(DescribeRouteTablesRequest.builder().maxResults(5).build());
        assertThat(attempts()).as("a later call needs no correction").isEqualTo(3);
        assertThat(Duration.between(signed(2), server).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void anOffsetOneClientLearntIsUsedFromTheFirstAttemptByClientsBuiltLaterAsTheSdkSharesIt() {
        ok = new Answer(200, "text/xml", EC2_OK, null);
        Instant server = Instant.now().plus(Duration.ofHours(1));
        script.add(ec2Error(403, "RequestTimeTooSkewed", server));
        LightClients.ec2(Region.US_EAST_1, credentials(), endpoint(), List.of()).describeRouteTables(DescribeRouteTablesRequest.builder().maxResults(5).build());
        assertThat(attempts()).isEqualTo(2);

        // A fleet's per-VPC client, built after the first learnt the skew: no failed attempt of its own.
        LightClients.ec2(Region.US_WEST_2, credentials(), endpoint(), List.of()).describeRouteTables(DescribeRouteTablesRequest.builder().maxResults(5).build());
        assertThat(attempts()).as("one attempt for the second client").isEqualTo(3);
        assertThat(Duration.between(signed(2), server).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void dynamoDbSignatureExpiredWithASkewedDateIsRetriedAndTheOffsetKept() {
        ok = new Answer(200, "application/x-amz-json-1.0", "{}", null);
        Instant server = Instant.now().plus(Duration.ofHours(1));
        // InvalidSignatureException is only a possible skew code: the SDK's test needs TIME_OFFSET and the Date header.
        script.add(ddbError(400, "InvalidSignatureException", "Signature expired: 20260101T000000Z is now earlier than ...", server));
        DynamoDbClient ddb = LightClients.dynamoDb(Region.US_EAST_1, credentials(), endpoint(), List.of());

        assertThat(ddb.getItem(r -> r.tableName("t").key(java.util.Map.of())).hasItem()).isFalse();

        assertThat(attempts()).isEqualTo(2);
        assertThat(Duration.between(signed(1), server).abs()).isLessThan(Duration.ofMinutes(1));
        ddb.getItem(r -> r.tableName("t").key(java.util.Map.of()));
        assertThat(attempts()).isEqualTo(3);
        assertThat(Duration.between(signed(2), server).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void theSdkClientDoesTheSameOnTheSameScript() {
        // The reference the light client follows: the generated client, same script, same attempts and signing times.
        ok = new Answer(200, "application/x-amz-json-1.0", "{}", null);
        Instant server = Instant.now().plus(Duration.ofHours(1));
        script.add(ddbError(400, "InvalidSignatureException", "Signature expired", server));
        try (DynamoDbClient sdk = DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials())
                .endpointOverride(endpoint()).httpClient(UrlConnectionHttpClient.create()).build()) {
            sdk.getItem(r -> r.tableName("t").key(java.util.Map.of()));
            sdk.getItem(r -> r.tableName("t").key(java.util.Map.of()));
        }
        assertThat(attempts()).isEqualTo(3);
        assertThat(Duration.between(signed(0), server).abs()).isGreaterThan(Duration.ofMinutes(50));
        assertThat(Duration.between(signed(1), server).abs()).isLessThan(Duration.ofMinutes(1));
        assertThat(Duration.between(signed(2), server).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void aSkewBehindTheServerIsCorrectedTheOtherWay() {
        ok = new Answer(200, "application/x-amz-json-1.0", "{}", null);
        Instant server = Instant.now().minus(Duration.ofMinutes(20));
        script.add(ddbError(403, "InvalidSignatureException", "Signature not yet current", server));
        DynamoDbClient ddb = LightClients.dynamoDb(Region.US_EAST_1, credentials(), endpoint(), List.of());

        ddb.getItem(r -> r.tableName("t").key(java.util.Map.of()));

        assertThat(attempts()).isEqualTo(2);
        assertThat(Duration.between(signed(1), server).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void a403WithoutSkewIsTheAwsErrorNotRetriedAndMovesNoClock() {
        ok = new Answer(200, "application/x-amz-json-1.0", "{}", null);
        Instant now = Instant.now();
        script.add(ddbError(403, "InvalidSignatureException", "The request signature we calculated does not match", now));
        DynamoDbClient ddb = LightClients.dynamoDb(Region.US_EAST_1, credentials(), endpoint(), List.of());

        assertThatThrownBy(() -> ddb.getItem(r -> r.tableName("t").key(java.util.Map.of())))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                    assertThat(e.statusCode()).isEqualTo(403);
                });
        assertThat(attempts()).as("not retried").isEqualTo(1);

        ddb.getItem(r -> r.tableName("t").key(java.util.Map.of()));
        assertThat(Duration.between(signed(1), Instant.now()).abs()).as("no offset learnt").isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void anEc2AuthFailureWithoutSkewIsNotRetried() {
        ok = new Answer(200, "text/xml", EC2_OK, null);
        script.add(ec2Error(401, "AuthFailure", Instant.now()));
        Ec2Api ec2 = LightClients.ec2(Region.US_EAST_1, credentials(), endpoint(), List.of());

        assertThatThrownBy(() -> ec2.describeRouteTables(DescribeRouteTablesRequest.builder().maxResults(5).build()))
                .isInstanceOfSatisfying(software.amazon.awssdk.services.ec2.model.Ec2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AuthFailure"));
        assertThat(attempts()).isEqualTo(1);
    }
}
