package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrimingTest {
    @Test
    void theQueryActionIsReadFromTheFormBody() {
        assertThat(Priming.CannedHttpClient.action("Version=2016-11-15&Action=DescribeRouteTables&Filter.1.Name=vpc-id"))
                .isEqualTo("DescribeRouteTables");
        assertThat(Priming.CannedHttpClient.action("Action=DescribeAlarms")).isEqualTo("DescribeAlarms");
    }

    @Test
    void aBodyWithoutAUsableActionIsRefused() {
        for (String body : new String[] {"", "Version=1", "Action=", "Action=%3Cx%3E", "Action=A%26B", "Actionx=Describe"}) {
            assertThatThrownBy(() -> Priming.CannedHttpClient.action(body)).as(body).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
