package jp.kofuhub.municipality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.OptionalInt;
import jp.kofuhub.municipality.FeeSchedule.FeePeriod;
import org.junit.jupiter.api.Test;

/** Dated fee periods: the covering period that started last wins; no period, no fee. */
class FeeScheduleTest {

    static final LocalDate START = LocalDate.of(2017, 2, 1);

    static FeePeriod period(int yen, LocalDate from, LocalDate until, String... kinds) {
        return new FeePeriod(List.of(kinds), yen, from, until, null);
    }

    @Test
    void standingFeeFromTheServiceStart() {
        FeeSchedule s =
                new FeeSchedule(
                        List.of(
                                period(300, START, null, "JUMINHYO", "JUMINHYO_KISAI"),
                                period(400, START, null, "SHOTOKU", "KAZEI", "SHOTOKU_KAZEI")));

        assertThat(s.fee("JUMINHYO", START)).hasValue(300);
        assertThat(s.fee("JUMINHYO_KISAI", LocalDate.of(2026, 11, 26))).hasValue(300);
        assertThat(s.fee("SHOTOKU_KAZEI", LocalDate.of(2099, 12, 31))).hasValue(400);
    }

    @Test
    void beforeTheServiceStartsThereIsNoFee() {
        FeeSchedule s = new FeeSchedule(List.of(period(300, START, null, "JUMINHYO")));

        assertThat(s.fee("JUMINHYO", START.minusDays(1))).isEmpty();
    }

    @Test
    void aKindWithoutPeriodsHasNoFee() {
        FeeSchedule s = new FeeSchedule(List.of(period(300, START, null, "JUMINHYO")));

        assertThat(s.fee("INKAN", LocalDate.of(2026, 1, 5))).isEmpty();
        assertThat(s.fee("NO_SUCH_KIND", LocalDate.of(2026, 1, 5))).isEmpty();
        assertThat(FeeSchedule.EMPTY.fee("JUMINHYO", LocalDate.of(2026, 1, 5))).isEmpty();
    }

    @Test
    void aRevisionAppliesFromItsDate() {
        LocalDate revision = LocalDate.of(2026, 4, 1);
        FeeSchedule s =
                new FeeSchedule(
                        List.of(
                                period(300, START, null, "INKAN"),
                                period(350, revision, null, "INKAN")));

        assertThat(s.fee("INKAN", revision.minusDays(1))).hasValue(300);
        assertThat(s.fee("INKAN", revision)).hasValue(350);
        assertThat(s.fee("INKAN", LocalDate.of(2030, 1, 1))).hasValue(350);
    }

    @Test
    void aTemporaryDiscountWinsWhileItLastsThenTheStandingFeeReturns() {
        LocalDate from = LocalDate.of(2026, 12, 1);
        LocalDate until = LocalDate.of(2027, 3, 31);
        // listed before the standing fee on purpose: the order of the periods does not matter
        FeeSchedule s =
                new FeeSchedule(
                        List.of(
                                period(200, from, until, "JUMINHYO"),
                                period(300, START, null, "JUMINHYO", "INKAN")));

        assertThat(s.fee("JUMINHYO", from.minusDays(1))).hasValue(300);
        assertThat(s.fee("JUMINHYO", from)).hasValue(200);
        assertThat(s.fee("JUMINHYO", until)).hasValue(200);
        assertThat(s.fee("JUMINHYO", until.plusDays(1))).hasValue(300);
        assertThat(s.fee("INKAN", from)).as("the discount names JUMINHYO only").hasValue(300);
    }

    @Test
    void aRevisionDuringADiscountWinsFromItsDate() {
        FeeSchedule s =
                new FeeSchedule(
                        List.of(
                                period(300, START, null, "JUMINHYO"),
                                period(
                                        200,
                                        LocalDate.of(2026, 12, 1),
                                        LocalDate.of(2027, 3, 31),
                                        "JUMINHYO"),
                                period(350, LocalDate.of(2027, 2, 1), null, "JUMINHYO")));

        assertThat(s.fee("JUMINHYO", LocalDate.of(2027, 1, 31))).hasValue(200);
        assertThat(s.fee("JUMINHYO", LocalDate.of(2027, 2, 1))).hasValue(350);
        assertThat(s.fee("JUMINHYO", LocalDate.of(2027, 4, 1))).hasValue(350);
    }

    @Test
    void aBoundedLastPeriodEndsTheFee() {
        FeeSchedule s = new FeeSchedule(List.of(period(0, START, START.plusDays(9), "KAZEI")));

        assertThat(s.fee("KAZEI", START.plusDays(9))).hasValue(0);
        assertThat(s.fee("KAZEI", START.plusDays(10))).isEqualTo(OptionalInt.empty());
    }

    @Test
    void aNegativeFeeIsRefusedNamingTheOwner() {
        assertThatThrownBy(
                        () ->
                                new FeeSchedule(
                                        "municipality 012343 北広島市",
                                        List.of(period(-1, START, null, "JUMINHYO"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("municipality 012343 北広島市")
                .hasMessageContaining("negative");
    }

    @Test
    void anUntilBeforeItsFromIsRefused() {
        assertThatThrownBy(
                        () ->
                                new FeeSchedule(
                                        "city X",
                                        List.of(
                                                period(
                                                        300,
                                                        START,
                                                        START.minusDays(1),
                                                        "JUMINHYO"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("city X")
                .hasMessageContaining("before");
    }

    @Test
    void anUnknownKindIsRefused() {
        assertThatThrownBy(
                        () ->
                                new FeeSchedule(
                                        "city X", List.of(period(300, START, null, "JUMINHYOU"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("city X")
                .hasMessageContaining("JUMINHYOU");
    }

    @Test
    void twoPeriodsStartingTheSameDayForTheSameKindAreRefused() {
        assertThatThrownBy(
                        () ->
                                new FeeSchedule(
                                        "city X",
                                        List.of(
                                                period(300, START, null, "JUMINHYO", "INKAN"),
                                                period(200, START, START.plusDays(30), "INKAN"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("city X")
                .hasMessageContaining("INKAN")
                .hasMessageContaining(START.toString());
    }

    @Test
    void theSameStartForDifferentKindsIsFine() {
        FeeSchedule s =
                new FeeSchedule(
                        List.of(
                                period(300, START, null, "JUMINHYO"),
                                period(400, START, null, "KAZEI")));

        assertThat(s.fee("KAZEI", START)).hasValue(400);
    }

    @Test
    void aPeriodWithoutFromOrKindsIsRefused() {
        assertThatThrownBy(
                        () ->
                                new FeeSchedule(
                                        "city X", List.of(period(300, null, null, "JUMINHYO"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from");
        assertThatThrownBy(
                        () ->
                                new FeeSchedule(
                                        "city X",
                                        List.of(new FeePeriod(List.of(), 300, START, null, null))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no kinds");
    }
}
