package io.github.vpcroutefailover.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The README's first command runs this story; it must keep passing against the emulators. */
@ExtendWith(LocalAwsExtension.class)
class SandboxIT {

    @Test
    void theFailoverStoryPasses(LocalAws aws) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (Ec2Client ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
             DynamoDbClient ddb = aws.configure(DynamoDbClient.builder(), "DynamoDB").build()) {
            code = new Sandbox(new PrintStream(buf, true, StandardCharsets.UTF_8), ec2, ddb).story();
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("FAIL").contains("Sandbox story passed.");
        assertThat(code).as(out).isZero();
        // Six route changes in the story: 2 creates, failover, fail-back, 2 moves to the NAT gateway.
        assertThat(aws.calls().calls("Ec2.CreateRoute") + aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(6 + 2);
    }
}
