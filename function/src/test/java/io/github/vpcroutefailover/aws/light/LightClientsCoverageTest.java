package io.github.vpcroutefailover.aws.light;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The light clients implement only some operations; every other one is the SDK interface's default, which throws.
 * This reads the main sources and checks that every operation called on an EC2, DynamoDB or CloudWatch client
 * there is one the light client implements, so a new call in an adapter fails here, not in a Lambda during a failover.
 * The CLI's sandbox is left out: it builds SDK clients ({@code AwsClients}) for its extra EC2 calls.
 */
class LightClientsCoverageTest {
    private static final Path MAIN = Path.of("src/main/java/io/github/vpcroutefailover");
    /** How main code names the three clients; {@link #everyClientIsHeldUnderTheNameTheScanKnows} keeps it so. */
    private static final Map<String, Class<?>> CLIENT_NAMES = Map.of("ec2", LightEc2Client.class, "ddb", LightDynamoDbClient.class,
            "cloudWatch", LightCloudWatchClient.class);
    private static final Pattern DIRECT = Pattern.compile("\\b(ec2|ddb|cloudWatch)\\.([a-z][A-Za-z]*)\\(");
    private static final Pattern VIA_CLIENTS = Pattern.compile("\\b(ec2|dynamoDb|cloudWatch)\\(\\)\\.([a-z][A-Za-z]*)\\(");
    private static final Pattern HELD = Pattern.compile("\\b(Ec2Client|Ec2Api|DynamoDbClient|CloudWatchClient) +([a-zA-Z0-9]+)\\b(?! *\\()");

    private static List<Path> scanned() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(MAIN.resolve("sandbox")) && !p.startsWith(MAIN.resolve("aws/light")))
                    .filter(LightClientsCoverageTest::holdsAClient)
                    .toList();
        }
    }

    /** Code that can reach a client: it names a client type or the Components.Clients holding them. */
    private static boolean holdsAClient(Path file) {
        try {
            String code = Files.readString(file);
            return Stream.of("Ec2Client", "Ec2Api", "DynamoDbClient", "CloudWatchClient", "clients()", "Clients ").anyMatch(code::contains);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** client name -> operations (SDK method names, paginators folded into their operation) called in main code. */
    static Map<String, Set<String>> calledOperations() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Path file : scanned()) {
            String code = Files.readString(file);
            for (Pattern p : List.of(DIRECT, VIA_CLIENTS)) {
                Matcher m = p.matcher(code);
                while (m.find()) {
                    if (m.group(2).equals("get")) {
                        continue; // Components.Clients holds each client in a memo field of the client's name
                    }
                    String client = m.group(1).equals("dynamoDb") ? "ddb" : m.group(1);
                    out.computeIfAbsent(client, k -> new TreeSet<>()).add(m.group(2).replaceFirst("Paginator$", ""));
                }
            }
        }
        return out;
    }

    private static Set<String> implemented(Class<?> light) {
        return Arrays.stream(light.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyOperationMainCodeCallsIsImplementedByItsLightClient() throws IOException {
        Map<String, Set<String>> called = calledOperations();
        // The scan must see the adapters' calls at all (a renamed field would silently empty it).
        assertThat(called.get("ec2")).contains("replaceRoute", "createRoute", "searchTransitGatewayRoutes");
        assertThat(called.get("ddb")).contains("transactWriteItems", "query", "updateItem");
        assertThat(called.get("cloudWatch")).contains("getMetricData", "describeAlarms");
        called.forEach((client, ops) -> assertThat(implemented(CLIENT_NAMES.get(client)))
                .as("operations called on %s in main code, implemented by %s", client, CLIENT_NAMES.get(client).getSimpleName())
                .containsAll(ops));
    }

    @Test
    void everyClientIsHeldUnderTheNameTheScanKnows() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path file : scanned()) {
            Matcher m = HELD.matcher(Files.readString(file));
            while (m.find()) {
                names.add(m.group(2));
            }
        }
        // dynamoDb/ec2/cloudWatch are the Components.Clients accessors (VIA_CLIENTS); ddb/ec2/cloudWatch the fields.
        assertThat(names).isSubsetOf("ec2", "ddb", "cloudWatch", "dynamoDb");
    }

    /**
     * DynamoDB's light client throws for an operation no adapter calls. EC2 has no such operation to call: {@link Ec2Api}
     * declares only the operations the light client implements, so the compiler keeps the two in step.
     */
    @Test
    void anOperationNoAdapterCallsFailsLoudly() {
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
        var ddb = LightClients.dynamoDb(Region.US_EAST_1, creds, URI.create("http://127.0.0.1:9"), List.of());
        assertThatThrownBy(() -> ddb.scan(r -> r.tableName("t"))).isInstanceOf(UnsupportedOperationException.class);
    }
}
