package io.github.vpcroutefailover.aws.light;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

class PagesTest {

    /** A paged read as the adapters make it: the request carries the token, the answer the next one. */
    private static List<String> pages(Map<String, String> nextAfter, List<String> asked) {
        List<String> read = new ArrayList<>();
        Pages.each("Ec2.Test", "first", token -> {
            asked.add(token);
            return token;
        }, page -> nextAfter.get(page), (first, token) -> token, read::add);
        return read;
    }

    @Test
    void everyPageIsReadInOrderUntilTheAnswerCarriesNoToken() {
        List<String> asked = new ArrayList<>();
        assertThat(pages(Map.of("first", "t2", "t2", "t3", "t3", ""), asked)).containsExactly("first", "t2", "t3");
        assertThat(asked).as("an empty token ends the read, as in the SDK's paginators").containsExactly("first", "t2", "t3");
        assertThat(pages(Map.of(), new ArrayList<>())).containsExactly("first");
    }

    @Test
    void aServerThatAnswersTheTokenItWasSentIsAnErrorNotALoop() {
        List<String> asked = new ArrayList<>();
        assertThatThrownBy(() -> pages(Map.of("first", "t2", "t2", "t2"), asked)).isInstanceOf(SdkClientException.class)
                .hasMessageContaining("Ec2.Test").hasMessageContaining("t2");
        assertThat(asked).containsExactly("first", "t2");
    }
}
