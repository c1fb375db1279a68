package io.github.vpcroutefailover.domain.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyScopeTest {
    private static final KeyScope A = new KeyScope("111122223333", "us-east-2");

    @Test
    void homeKeysHaveNoPrefixAndOthersNameAccountAndRegion() {
        assertThat(KeyScope.HOME.scoped("rtb-0abc|0.0.0.0/0")).isEqualTo("rtb-0abc|0.0.0.0/0");
        assertThat(A.scoped("rtb-0abc|0.0.0.0/0")).isEqualTo("111122223333/us-east-2/rtb-0abc|0.0.0.0/0");
    }

    @Test
    void eachScopeRecognisesOnlyItsOwnKeys() {
        String a = A.scoped("tgw-rtb-0abc|10.0.0.0/8");
        assertThat(A.unscoped(a)).isEqualTo("tgw-rtb-0abc|10.0.0.0/8");
        assertThat(KeyScope.HOME.unscoped(a)).isNull();
        assertThat(new KeyScope("111122223333", "eu-west-1").unscoped(a)).isNull();
        assertThat(A.unscoped("rtb-0abc|0.0.0.0/0")).isNull();
        assertThat(KeyScope.HOME.unscoped("rtb-0abc|0.0.0.0/0")).isEqualTo("rtb-0abc|0.0.0.0/0");
        assertThat(KeyScope.unscopedAny(a)).isEqualTo("tgw-rtb-0abc|10.0.0.0/8");
        assertThat(KeyScope.unscopedAny("i-0abc")).isEqualTo("i-0abc");
    }

    @Test
    void theControllersOwnAccountAndRegionIsHomeWhateverTheRole() {
        assertThat(KeyScope.of("111122223333", "us-east-2", "111122223333", "us-east-2")).isSameAs(KeyScope.HOME);
        assertThat(KeyScope.of("111122223333", "us-east-2", "111122223333", "eu-west-1")).isEqualTo(A);
    }

    @Test
    void malformedScopesAreRefused() {
        assertThatThrownBy(() -> new KeyScope("1234", "us-east-2")).hasMessageContaining("12 digits");
        assertThatThrownBy(() -> new KeyScope("111122223333", "US/EAST")).hasMessageContaining("region");
        assertThatThrownBy(() -> new KeyScope("111122223333", "")).hasMessageContaining("region");
    }
}
