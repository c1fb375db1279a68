package io.github.vpcroutefailover.aws.light;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** When the light clients step aside for the SDK's generated ones: every setting they do not read, without any I/O but a stat. */
class LightSettingsTest {
    @TempDir
    Path home;

    private Optional<String> decide(Map<String, String> env, Map<String, String> props) {
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("HOME", home.toString());
        return LightSettings.sdkRequiredBy(e, props::get);
    }

    @Test
    void nothingSetAndNoFilesKeepsTheLightClients() {
        assertThat(decide(Map.of(), Map.of())).isEmpty();
    }

    @Test
    void fipsAndDualStackFromEitherSourceAnyCaseTurnThemOff() {
        for (String[] s : new String[][] {{"aws.useFipsEndpoint", "AWS_USE_FIPS_ENDPOINT"},
                {"aws.useDualstackEndpoint", "AWS_USE_DUALSTACK_ENDPOINT"}}) {
            for (String on : new String[] {"true", "TRUE", "True", " true "}) {
                assertThat(decide(Map.of(s[1], on), Map.of())).as(s[1] + "=" + on).hasValue(s[1] + "=" + on.trim());
                assertThat(decide(Map.of(), Map.of(s[0], on))).as(s[0] + "=" + on).hasValue(s[0] + "=" + on.trim());
            }
            for (String off : new String[] {"false", "FALSE", "False", " false "}) {
                assertThat(decide(Map.of(s[1], off), Map.of())).as(s[1] + "='" + off + "'").isEmpty();
                assertThat(decide(Map.of(), Map.of(s[0], off))).as(s[0] + "='" + off + "'").isEmpty();
            }
            // The SDK refuses anything but true/false, a blank value included (SdkSystemSetting.getBooleanValue throws);
            // that refusal is its to give at init, as every other client of the function would, so it is built.
            for (String invalid : new String[] {"yes", "", "  "}) {
                assertThat(decide(Map.of(s[1], invalid), Map.of())).as(s[1] + "='" + invalid + "'").hasValue(s[1] + "=" + invalid.trim());
                assertThat(decide(Map.of(), Map.of(s[0], invalid))).as(s[0] + "='" + invalid + "'").hasValue(s[0] + "=" + invalid.trim());
            }
            // The property comes first, as in the SDK: false there wins over true in the environment, and the reverse.
            assertThat(decide(Map.of(s[1], "true"), Map.of(s[0], "false"))).isEmpty();
            assertThat(decide(Map.of(s[1], "false"), Map.of(s[0], "true"))).hasValue(s[0] + "=true");
        }
    }

    @Test
    void aSharedConfigOrCredentialsFileInTheDefaultPlaceTurnsThemOff() throws IOException {
        Files.createDirectories(home.resolve(".aws"));
        Path credentials = Files.writeString(home.resolve(".aws/credentials"), "[default]\n");
        assertThat(decide(Map.of(), Map.of())).hasValue(credentials + " exists");
        Files.delete(credentials);
        Path config = Files.writeString(home.resolve(".aws/config"), "[default]\nuse_fips_endpoint = true\n");
        assertThat(decide(Map.of(), Map.of())).hasValue(config + " exists");
        // user.home when HOME is not set, as the SDK looks
        assertThat(LightSettings.sdkRequiredBy(Map.of(), Map.of("user.home", home.toString())::get)).hasValue(config + " exists");
    }

    @Test
    void aConfiguredFileCountsWhereItIsNotInTheDefaultPlace() throws IOException {
        Path elsewhere = Files.writeString(home.resolve("my-config"), "[profile x]\nservices = s\n");
        assertThat(decide(Map.of("AWS_CONFIG_FILE", elsewhere.toString()), Map.of())).hasValue("AWS_CONFIG_FILE/aws.configFile=" + elsewhere + " exists");
        assertThat(decide(Map.of(), Map.of("aws.configFile", elsewhere.toString()))).isPresent();
        assertThat(decide(Map.of("AWS_SHARED_CREDENTIALS_FILE", elsewhere.toString()), Map.of())).isPresent();
        assertThat(decide(Map.of(), Map.of("aws.sharedCredentialsFile", elsewhere.toString()))).isPresent();
        assertThat(decide(Map.of("AWS_CONFIG_FILE", "~/my-config"), Map.of())).as("~ is the home directory").isPresent();
        // A configured file that does not exist is no setting; nor is a blank variable.
        assertThat(decide(Map.of("AWS_CONFIG_FILE", home.resolve("absent").toString()), Map.of())).isEmpty();
        assertThat(decide(Map.of("AWS_CONFIG_FILE", " "), Map.of())).isEmpty();
    }

    @Test
    void theFactoryBuildsTheSdksGeneratedClientWhenFipsOrDualStackIsOn() {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"));
        for (String property : new String[] {"aws.useFipsEndpoint", "aws.useDualstackEndpoint"}) {
            withProperty(property, "TRUE", () -> {
                assertThat(LightClients.ec2(Region.US_EAST_1, credentials, List.of())).as(property)
                        .isInstanceOfSatisfying(Ec2Api.Sdk.class, c -> assertThat(c.client().getClass().getSimpleName()).isEqualTo("DefaultEc2Client"));
                assertThat(LightClients.cloudWatch(Region.US_EAST_1, credentials, List.of())).isNotInstanceOf(LightCloudWatchClient.class);
            });
        }
        // Priming's entry point (a given endpoint and HTTP client) stays light whatever is set.
        withProperty("aws.useFipsEndpoint", "true", () -> assertThat(LightClients.ec2(Region.US_EAST_1, credentials,
                java.net.URI.create("https://priming.invalid"), List.of(), null)).isInstanceOf(LightEc2Client.class));
    }

    private static void withProperty(String name, String value, Runnable body) {
        String before = System.setProperty(name, value);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, before);
            }
        }
    }

    @Test
    void noHomeAndNoFileNamedIsNoFile() {
        assertThat(LightSettings.sdkRequiredBy(Map.of(), k -> null)).isEmpty();
    }
}
