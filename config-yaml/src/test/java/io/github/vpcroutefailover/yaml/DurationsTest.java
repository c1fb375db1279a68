package io.github.vpcroutefailover.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"250ms,250", "30s,30000", "1.5s,1500", "5m,300000", "1h,3600000", "1m30s,90000", "0s,0", "0.0005s,1"})
    void parses(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
        assertThat(Durations.parseOrNull(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "PT5M", "5 m", "5M", "-1s", "1d", "", "s", "1.s", "99999999999999999999s", "9223372036854775807h"})
    void refusesWithAMessageSayingWhatIsAccepted(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("'.*' is (not a duration; write a number with a unit.*|too large)");
        assertThat(Durations.parseOrNull(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"0,0s", "250,250ms", "1500,1500ms", "3000,3s", "120000,2m", "5400000,1h30m", "60500,60500ms"})
    void formatsTheShortestExactSpelling(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }
}
