package jp.kofuhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class EraDateTest {

    @Test
    void formatAndParseRoundTripAcrossEveryEraBoundary() {
        List<LocalDate> dates =
                List.of(
                        LocalDate.of(1868, 1, 25),
                        LocalDate.of(1912, 7, 29),
                        LocalDate.of(1912, 7, 30),
                        LocalDate.of(1926, 12, 24),
                        LocalDate.of(1926, 12, 25),
                        LocalDate.of(1989, 1, 7),
                        LocalDate.of(1989, 1, 8),
                        LocalDate.of(2000, 2, 29),
                        LocalDate.of(2019, 4, 30),
                        LocalDate.of(2019, 5, 1),
                        LocalDate.of(2025, 6, 2),
                        LocalDate.of(2099, 12, 31));
        for (LocalDate d : dates) {
            assertThat(EraDate.parse(EraDate.format(d))).isEqualTo(d);
        }
        for (LocalDate d = LocalDate.of(1985, 1, 1);
                d.isBefore(LocalDate.of(2030, 1, 1));
                d = d.plusDays(1)) {
            assertThat(EraDate.parse(EraDate.format(d))).isEqualTo(d);
        }
    }

    @Test
    void lastDayOfHeisei() {
        assertThat(EraDate.parse("4310430")).isEqualTo(LocalDate.of(2019, 4, 30));
        assertThat(EraDate.format(LocalDate.of(2019, 4, 30))).isEqualTo("4310430");
    }

    @Test
    void firstDayOfReiwa() {
        assertThat(EraDate.parse("5010501")).isEqualTo(LocalDate.of(2019, 5, 1));
        assertThat(EraDate.format(LocalDate.of(2019, 5, 1))).isEqualTo("5010501");
    }

    @Test
    void showaEndsOnItsSixtyFourthYearSeventhOfJanuary() {
        assertThat(EraDate.parse("3640107")).isEqualTo(LocalDate.of(1989, 1, 7));
        assertThatThrownBy(() -> EraDate.parse("3640108"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(EraDate.parse("4010108")).isEqualTo(LocalDate.of(1989, 1, 8));
    }

    @Test
    void yearOutsideItsEraIsInvalid() {
        assertThatThrownBy(() -> EraDate.parse("4320101"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("平成");
        assertThatThrownBy(() -> EraDate.parse("5000101"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dayBeforeTheEraBeganIsInvalid() {
        assertThatThrownBy(() -> EraDate.parse("5010430"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("令和");
        assertThatThrownBy(() -> EraDate.parse("4010107"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedTextIsInvalid() {
        for (String bad :
                new String[] {
                    null,
                    "",
                    "431043",
                    "43104300",
                    "x310430",
                    "6010101",
                    "0010101",
                    "4310231",
                    "4311301",
                    "４３１０４３０"
                }) {
            assertThatThrownBy(() -> EraDate.parse(bad))
                    .as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void warekiUsesGannenForTheFirstYear() {
        assertThat(EraDate.wareki(LocalDate.of(2019, 5, 1))).isEqualTo("令和元年5月1日");
        assertThat(EraDate.wareki(LocalDate.of(2019, 4, 30))).isEqualTo("平成31年4月30日");
        assertThat(EraDate.wareki(LocalDate.of(2025, 11, 25))).isEqualTo("令和7年11月25日");
        assertThat(EraDate.wareki(LocalDate.of(1989, 1, 8))).isEqualTo("平成元年1月8日");
    }

    @Test
    void seirekiForForeignResidents() {
        assertThat(EraDate.seireki(LocalDate.of(1985, 4, 1))).isEqualTo("1985年4月1日");
    }
}
