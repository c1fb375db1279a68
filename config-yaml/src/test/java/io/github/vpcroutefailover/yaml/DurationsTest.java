package io.github.vpcroutefailover.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
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

    @ParameterizedTest
    @CsvSource({"0.0004999s,0", "0.0005s,1", "0.499999999ms,0", "0.5ms,1", "1.999999999ms,2", "0.000000001h,0", "0.000000139h,1",
            "0.333333333m0.333333333m0.333333334m,60000", "2305843009213693951ms,2305843009213693951", "2305843009213693950.5ms,2305843009213693951",
            "2305843009213693s951ms,2305843009213693951"})
    void sumsExactlyAndRoundsHalfUpOnceAtTheEnd(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2305843009213693952ms", "2305843009213693951.000000001ms", "2305843009213694s", "9223372036854775807ms",
            "9223372036854775807ms9223372036854775807ms", "9999999999999999999ms", "640511999999999h", "1152921504606846975m2ms1.5ms"})
    void refusesTotalsBeyondTheLimitExactly(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage("'" + text + "' is too large");
    }

    /** The parser sums in longs (issue #17: BigDecimal's first use is slow); exact decimal arithmetic is the reference. */
    @Test
    void agreesWithExactDecimalArithmeticOnRandomSpellings() {
        Random random = new Random(17);
        String[] units = {"ms", "s", "m", "h"};
        long[] unitMillis = {1, 1_000, 60_000, 3_600_000};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            BigDecimal exact = BigDecimal.ZERO;
            boolean tooLarge = false;
            for (int p = 0, parts = 1 + random.nextInt(4); p < parts; p++) {
                int digits = 1 + random.nextInt(random.nextBoolean() ? 4 : 19);
                StringBuilder number = new StringBuilder();
                for (int d = 0; d < digits; d++) {
                    number.append((char) ('0' + random.nextInt(10)));
                }
                if (random.nextBoolean()) {
                    number.append('.');
                    for (int d = 0, fraction = 1 + random.nextInt(9); d < fraction; d++) {
                        number.append((char) ('0' + random.nextInt(10)));
                    }
                }
                int u = random.nextInt(units.length);
                text.append(number).append(units[u]);
                exact = exact.add(new BigDecimal(number.toString()).multiply(BigDecimal.valueOf(unitMillis[u])));
                tooLarge |= exact.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 4)) > 0;
            }
            String spelled = text.toString();
            if (spelled.length() > 64) {
                continue;
            }
            if (tooLarge) {
                assertThat(Durations.parseOrNull(spelled)).as(spelled).isNull();
            } else {
                assertThat(Durations.parse(spelled)).as(spelled).isEqualTo(Duration.ofMillis(exact.setScale(0, RoundingMode.HALF_UP).longValueExact()));
            }
        }
    }
}
