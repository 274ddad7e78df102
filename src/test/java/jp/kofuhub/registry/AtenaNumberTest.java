package jp.kofuhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AtenaNumberTest {

    @Test
    void checkDigitUsesWeightsTwoToSevenFromTheRight() {
        // 1 × 2 = 2; 2 % 11 = 2; 11 − 2 = 9
        assertThat(AtenaNumber.of(1)).isEqualTo("000000000000019");
        // The leading digit is the 14th from the right: weights 2,3,4,5,6,7,2,3,4,5,6,7,2,3 → 3.
        // 1 × 3 = 3; 11 − 3 = 8
        assertThat(AtenaNumber.of(10_000_000_000_000L)).isEqualTo("100000000000008");
        // 7th from the right has weight 2 again: 1 × 2 = 2 → 9
        assertThat(AtenaNumber.of(1_000_000L)).isEqualTo("000000010000009");
    }

    @Test
    void remaindersZeroAndOneGiveZero() {
        assertThat(AtenaNumber.of(0)).isEqualTo("000000000000000");
        // 6 × 2 = 12; 12 % 11 = 1 → 0
        assertThat(AtenaNumber.of(6)).isEqualTo("000000000000060");
        // 5 × 2 = 10; 10 % 11 = 10 → 1
        assertThat(AtenaNumber.of(5)).isEqualTo("000000000000051");
    }

    @Test
    void generatedNumbersAreValid() {
        for (long base = 1_000_000L; base < 1_002_000L; base++) {
            String n = AtenaNumber.of(base);
            assertThat(n).hasSize(15);
            assertThat(AtenaNumber.isValid(n)).isTrue();
        }
        assertThat(AtenaNumber.isValid(AtenaNumber.of(99_999_999_999_999L))).isTrue();
    }

    @Test
    void wrongCheckDigitIsInvalid() {
        String good = AtenaNumber.of(12_345_678L);
        char check = good.charAt(14);
        for (char c = '0'; c <= '9'; c++) {
            if (c != check) {
                assertThat(AtenaNumber.isValid(good.substring(0, 14) + c)).isFalse();
            }
        }
    }

    @Test
    void swappedOrChangedDigitIsUsuallyCaught() {
        assertThat(AtenaNumber.isValid("100000000000008")).isTrue();
        assertThat(AtenaNumber.isValid("010000000000008")).isFalse();
        assertThat(AtenaNumber.isValid("200000000000008")).isFalse();
    }

    @Test
    void malformedInputIsInvalid() {
        assertThat(AtenaNumber.isValid(null)).isFalse();
        assertThat(AtenaNumber.isValid("")).isFalse();
        assertThat(AtenaNumber.isValid("00000000000019")).isFalse();
        assertThat(AtenaNumber.isValid("0000000000000019")).isFalse();
        assertThat(AtenaNumber.isValid("00000000000001A")).isFalse();
        assertThat(AtenaNumber.isValid("０００００００００００００１９")).isFalse();
        assertThat(AtenaNumber.isValid(" 00000000000019")).isFalse();
    }

    @Test
    void baseOutOfRangeIsRejected() {
        assertThatThrownBy(() -> AtenaNumber.of(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AtenaNumber.of(100_000_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checkDigitWorksForOtherLengths() {
        // 住民票コード-style: 10 digits + check digit.
        assertThat(AtenaNumber.checkDigit("0000000001")).isEqualTo(9);
        assertThatThrownBy(() -> AtenaNumber.checkDigit("12a"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
