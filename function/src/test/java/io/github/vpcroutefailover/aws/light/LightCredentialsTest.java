package io.github.vpcroutefailover.aws.light;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** The light clients' credentials resolve as the SDK's default chain does, with its first sources asked first. */
class LightCredentialsTest {
    @AfterEach
    void clear() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.sessionToken");
    }

    @Test
    void systemPropertiesWinAsInTheDefaultChain() {
        System.setProperty("aws.accessKeyId", "AKIDSYSPROP");
        System.setProperty("aws.secretAccessKey", "secret");
        AwsCredentials ours = LightClients.newDefaultCredentials().resolveCredentials();
        AwsCredentials sdks = DefaultCredentialsProvider.builder().build().resolveCredentials();
        assertThat(ours.accessKeyId()).isEqualTo("AKIDSYSPROP").isEqualTo(sdks.accessKeyId());
    }

    @Test
    void withoutSystemPropertiesTheSameSourceAnswersAsInTheDefaultChain() {
        // The environment's credentials where the build sets them (scripts/test), else whatever the default chain finds:
        // either way the same as the SDK's default chain, or the same failure.
        String ours;
        try {
            ours = LightClients.newDefaultCredentials().resolveCredentials().accessKeyId();
        } catch (RuntimeException e) {
            ours = "failed";
        }
        String sdks;
        try {
            sdks = DefaultCredentialsProvider.builder().build().resolveCredentials().accessKeyId();
        } catch (RuntimeException e) {
            sdks = "failed";
        }
        assertThat(ours).isEqualTo(sdks);
        if (System.getenv("AWS_ACCESS_KEY_ID") != null) {
            assertThat(ours).isEqualTo(System.getenv("AWS_ACCESS_KEY_ID"));
        }
    }
}
