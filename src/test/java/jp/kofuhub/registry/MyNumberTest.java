package jp.kofuhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Every number here is synthetic: built from small counters or the sequential digits 1234567890 1.
 */
class MyNumberTest {

    @Test
    void weightsAreTwoToSevenThenTwoToSixFromTheRight() {
        // rightmost digit (i = 1) has weight 2: 1 × 2 = 2; 11 − 2 = 9
        assertThat(MyNumber.of(1)).isEqualTo("000000000019");
        // i = 6 has weight 7: 1 × 7 = 7; 11 − 7 = 4
        assertThat(MyNumber.of(100_000L)).isEqualTo("000001000004");
        // i = 7 has weight 7 − 5 = 2: 1 × 2 = 2 → 9
        assertThat(MyNumber.of(1_000_000L)).isEqualTo("000010000009");
        // the leftmost digit (i = 11) has weight 6: 1 × 6 = 6 → 5
        assertThat(MyNumber.of(10_000_000_000L)).isEqualTo("100000000005");
    }

    @Test
    void aWorkedExample() {
        // 1 2 3 4 5 6 7 8 9 0 1, from the right: 1×2 + 0×3 + 9×4 + 8×5 + 7×6 + 6×7 + 5×2 + 4×3 +
        // 3×4 + 2×5 + 1×6
        // = 212; 212 mod 11 = 3; 11 − 3 = 8
        assertThat(MyNumber.checkDigit("12345678901")).isEqualTo(8);
        assertThat(MyNumber.isValid("123456789018")).isTrue();
    }

    @Test
    void remaindersZeroAndOneGiveZero() {
        assertThat(MyNumber.of(0)).isEqualTo("000000000000");
        // 6 × 2 = 12; 12 mod 11 = 1 → 0
        assertThat(MyNumber.of(6)).isEqualTo("000000000060");
        // 5 × 2 = 10; r = 10 → 1
        assertThat(MyNumber.of(5)).isEqualTo("000000000051");
    }

    @Test
    void generatedNumbersAreValid() {
        for (long base = 0; base < 20_000L; base++) {
            String n = MyNumber.of(base * 4_999_999L);
            assertThat(n).hasSize(12);
            assertThat(MyNumber.isValid(n)).isTrue();
        }
        assertThat(MyNumber.isValid(MyNumber.of(99_999_999_999L))).isTrue();
    }

    @Test
    void everyOtherCheckDigitIsInvalid() {
        String good = MyNumber.of(12_345_678L);
        char check = good.charAt(11);
        for (char c = '0'; c <= '9'; c++) {
            if (c != check) {
                assertThat(MyNumber.isValid(good.substring(0, 11) + c)).isFalse();
            }
        }
    }

    @Test
    void aChangedOrSwappedDigitIsCaught() {
        assertThat(MyNumber.isValid("123456789018")).isTrue();
        assertThat(MyNumber.isValid("123456789118")).isFalse();
        assertThat(MyNumber.isValid("213456789018")).isFalse();
    }

    @Test
    void malformedInputIsInvalid() {
        assertThat(MyNumber.isValid(null)).isFalse();
        assertThat(MyNumber.isValid("")).isFalse();
        assertThat(MyNumber.isValid("00000000019")).isFalse();
        assertThat(MyNumber.isValid("0000000000019")).isFalse();
        assertThat(MyNumber.isValid("00000000001A")).isFalse();
        assertThat(MyNumber.isValid("０００００００００００１９")).isFalse();
        assertThat(MyNumber.isValid(" 00000000019")).isFalse();
        assertThat(MyNumber.isValid("-00000000019")).isFalse();
    }

    @Test
    void wrongInputIsRejectedWithoutRepeatingIt() {
        assertThatThrownBy(() -> MyNumber.of(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MyNumber.of(100_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MyNumber.checkDigit("1234567890"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("1234567890");
        assertThatThrownBy(() -> MyNumber.checkDigit("1234567890a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("1234567890");
    }
}
