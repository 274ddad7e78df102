package jp.kofuhub.municipality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jp.kofuhub.municipality.ServiceCalendar.Config;
import jp.kofuhub.municipality.ServiceCalendar.KindHours;
import jp.kofuhub.municipality.ServiceCalendar.Maintenance;
import org.junit.jupiter.api.Test;

/** Opening hours, closed days, weekday-only 戸籍, holidays and maintenance windows, in Asia/Tokyo. */
class ServiceCalendarTest {

    /** The defaults: 06:30–23:00 daily, closed 12-29..01-03, 戸籍 weekdays 09:00–17:00. */
    final ServiceCalendar defaults = new ServiceCalendar(null);

    static ZonedDateTime jst(int y, int m, int d, int hh, int mm) {
        return ZonedDateTime.of(y, m, d, hh, mm, 0, 0, ServiceCalendar.ZONE);
    }

    static Optional<ZonedDateTime> opens(int y, int m, int d, int hh, int mm) {
        return Optional.of(jst(y, m, d, hh, mm));
    }

    @Test
    void beforeOpeningItOpensAt0630TheSameDay() {
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 11, 26, 6, 29)))
                .isEqualTo(opens(2026, 11, 26, 6, 30));
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 11, 26, 0, 0)))
                .isEqualTo(opens(2026, 11, 26, 6, 30));
    }

    @Test
    void openingIsInclusiveAndClosingExclusive() {
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 11, 26, 6, 30))).isEmpty();
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 11, 26, 22, 59))).isEmpty();
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 11, 26, 22, 59).plusSeconds(59)))
                .isEmpty();
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 11, 26, 23, 0)))
                .isEqualTo(opens(2026, 11, 27, 6, 30));
        assertThat(defaults.isOpen("INKAN", jst(2026, 11, 26, 12, 0))).isTrue();
        assertThat(defaults.isOpen("INKAN", jst(2026, 11, 26, 23, 0))).isFalse();
    }

    @Test
    void nowIsReadInTokyoWhateverItsZone() {
        // 2026-11-26 21:30 UTC = 2026-11-27 06:30 JST
        ZonedDateTime utc = ZonedDateTime.of(2026, 11, 26, 21, 29, 0, 0, ZoneOffset.UTC);
        assertThat(defaults.closedUntil("JUMINHYO", utc)).isEqualTo(opens(2026, 11, 27, 6, 30));
        assertThat(defaults.closedUntil("JUMINHYO", utc.plusMinutes(1))).isEmpty();
    }

    @Test
    void theYearEndClosureRunsFrom1229To0103() {
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 12, 28, 22, 59))).isEmpty();
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 12, 28, 23, 0)))
                .isEqualTo(opens(2027, 1, 4, 6, 30));
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 12, 29, 10, 0)))
                .isEqualTo(opens(2027, 1, 4, 6, 30));
        assertThat(defaults.closedUntil("JUMINHYO", jst(2027, 1, 1, 12, 0)))
                .isEqualTo(opens(2027, 1, 4, 6, 30));
        assertThat(defaults.closedUntil("JUMINHYO", jst(2027, 1, 3, 22, 0)))
                .isEqualTo(opens(2027, 1, 4, 6, 30));
        assertThat(defaults.closedUntil("JUMINHYO", jst(2027, 1, 4, 6, 30))).isEmpty();
    }

    @Test
    void closedRangesMayWrapTheYearEndOrNot() {
        ServiceCalendar c =
                new ServiceCalendar(
                        new Config(
                                null, List.of("12-31..01-01", "05-03..05-05"), null, null, null));

        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 30, 12, 0))).isEmpty();
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 31, 12, 0)))
                .isEqualTo(opens(2027, 1, 2, 6, 30));
        assertThat(c.closedUntil("JUMINHYO", jst(2027, 1, 1, 12, 0)))
                .isEqualTo(opens(2027, 1, 2, 6, 30));
        assertThat(c.closedUntil("JUMINHYO", jst(2027, 5, 4, 12, 0)))
                .isEqualTo(opens(2027, 5, 6, 6, 30));
        assertThat(c.closedUntil("JUMINHYO", jst(2027, 5, 2, 12, 0))).isEmpty();
    }

    @Test
    void aMaintenanceWindowEndingInsideTheHoursOpensAtItsEnd() {
        ServiceCalendar c =
                new ServiceCalendar(
                        new Config(
                                null,
                                null,
                                null,
                                List.of(
                                        new Maintenance(
                                                OffsetDateTime.parse("2026-12-06T00:00+09:00"),
                                                OffsetDateTime.parse("2026-12-06T08:00+09:00"))),
                                null));

        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 5, 22, 0))).isEmpty();
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 6, 5, 0)))
                .isEqualTo(opens(2026, 12, 6, 8, 0));
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 6, 7, 59)))
                .isEqualTo(opens(2026, 12, 6, 8, 0));
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 6, 8, 0))).isEmpty();
        // before a window that starts within the hours: open until it starts
        ServiceCalendar evening =
                new ServiceCalendar(
                        new Config(
                                null,
                                null,
                                null,
                                List.of(
                                        new Maintenance(
                                                OffsetDateTime.parse("2026-12-06T21:00+09:00"),
                                                OffsetDateTime.parse("2026-12-07T07:00+09:00"))),
                                null));
        assertThat(evening.closedUntil("JUMINHYO", jst(2026, 12, 6, 20, 59))).isEmpty();
        assertThat(evening.closedUntil("JUMINHYO", jst(2026, 12, 6, 21, 0)))
                .isEqualTo(opens(2026, 12, 7, 7, 0));
        assertThat(evening.closedUntil("JUMINHYO", jst(2026, 12, 7, 6, 45)))
                .isEqualTo(opens(2026, 12, 7, 7, 0));
    }

    @Test
    void aMaintenanceWindowEndingOutsideTheHoursOpensAtTheNextOpening() {
        ServiceCalendar c =
                new ServiceCalendar(
                        new Config(
                                null,
                                null,
                                null,
                                List.of(
                                        new Maintenance(
                                                OffsetDateTime.parse("2026-12-06T20:00+09:00"),
                                                OffsetDateTime.parse("2026-12-06T23:30+09:00")),
                                        // chained windows, given out of order, in another offset
                                        new Maintenance(
                                                OffsetDateTime.parse("2026-12-08T10:00Z"),
                                                OffsetDateTime.parse("2026-12-09T02:00Z")),
                                        new Maintenance(
                                                OffsetDateTime.parse("2026-12-07T12:00+09:00"),
                                                OffsetDateTime.parse("2026-12-08T19:00+09:00"))),
                                null));

        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 6, 20, 0)))
                .isEqualTo(opens(2026, 12, 7, 6, 30));
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 7, 12, 0)))
                .isEqualTo(opens(2026, 12, 9, 11, 0));
    }

    @Test
    void aMaintenanceWindowBeyondTheLookAheadStillAnswersItsEnd() {
        ServiceCalendar c =
                new ServiceCalendar(
                        new Config(
                                "00:00-24:00",
                                List.of(),
                                null,
                                List.of(
                                        new Maintenance(
                                                OffsetDateTime.parse("2000-01-01T00:00+09:00"),
                                                OffsetDateTime.parse("2999-12-31T00:00+09:00"))),
                                null));

        assertThat(c.closedUntil("JUMINHYO", jst(2026, 11, 26, 12, 0)))
                .isEqualTo(opens(2999, 12, 31, 0, 0));
    }

    @Test
    void kosekiOnSaturdayOpensMonday0900() {
        assertThat(defaults.closedUntil("KOSEKI_ZENBU", jst(2026, 11, 28, 10, 0)))
                .isEqualTo(opens(2026, 11, 30, 9, 0));
        assertThat(defaults.closedUntil("KOSEKI_KOJIN", jst(2026, 11, 27, 17, 0)))
                .isEqualTo(opens(2026, 11, 30, 9, 0));
        assertThat(defaults.closedUntil("KOSEKI_FUHYO", jst(2026, 11, 27, 16, 59))).isEmpty();
        assertThat(defaults.closedUntil("KOSEKI_FUHYO", jst(2026, 11, 30, 8, 59)))
                .isEqualTo(opens(2026, 11, 30, 9, 0));
        // other kinds are open on Saturdays
        assertThat(defaults.closedUntil("JUMINHYO", jst(2026, 11, 28, 10, 0))).isEmpty();
    }

    @Test
    void kosekiOnAListedHolidayOpensTheNextWeekday() {
        ServiceCalendar c =
                new ServiceCalendar(
                        new Config(
                                null,
                                null,
                                List.of(LocalDate.of(2026, 11, 23), LocalDate.of(2026, 3, 20)),
                                null,
                                null));

        // 勤労感謝の日, Monday
        assertThat(c.closedUntil("KOSEKI_ZENBU", jst(2026, 11, 23, 10, 0)))
                .isEqualTo(opens(2026, 11, 24, 9, 0));
        // 春分の日, Friday: the next weekday is Monday
        assertThat(c.closedUntil("KOSEKI_ZENBU", jst(2026, 3, 19, 17, 30)))
                .isEqualTo(opens(2026, 3, 23, 9, 0));
        // holidays do not close the other kinds
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 11, 23, 10, 0))).isEmpty();
        // not listed: a weekday like any other
        assertThat(defaults.closedUntil("KOSEKI_ZENBU", jst(2026, 11, 23, 10, 0))).isEmpty();
    }

    @Test
    void kosekiAfterTheYearEndClosureOpensOnTheFirstWorkingDay() {
        assertThat(defaults.closedUntil("KOSEKI_ZENBU", jst(2026, 12, 28, 17, 0)))
                .isEqualTo(opens(2027, 1, 4, 9, 0));
    }

    @Test
    void perKindOverridesKeepTheKindsDefaultsForWhatTheyLeaveOut() {
        ServiceCalendar c =
                new ServiceCalendar(
                        new Config(
                                "07:00-22:00",
                                null,
                                null,
                                null,
                                Map.of(
                                        "KOSEKI_ZENBU", new KindHours("08:30-17:00", null),
                                        "KOSEKI_FUHYO", new KindHours(null, false),
                                        "INKAN", new KindHours("09:00-18:00", true))));

        // 08:30 and still weekdays only
        assertThat(c.closedUntil("KOSEKI_ZENBU", jst(2026, 11, 26, 8, 30))).isEmpty();
        assertThat(c.closedUntil("KOSEKI_ZENBU", jst(2026, 11, 28, 8, 30)))
                .isEqualTo(opens(2026, 11, 30, 8, 30));
        // 09:00-17:00 but every day
        assertThat(c.closedUntil("KOSEKI_FUHYO", jst(2026, 11, 28, 9, 0))).isEmpty();
        assertThat(c.closedUntil("KOSEKI_FUHYO", jst(2026, 11, 28, 8, 0)))
                .isEqualTo(opens(2026, 11, 28, 9, 0));
        // not listed: default 戸籍 hours
        assertThat(c.closedUntil("KOSEKI_KOJIN", jst(2026, 11, 28, 10, 0)))
                .isEqualTo(opens(2026, 11, 30, 9, 0));
        assertThat(c.closedUntil("INKAN", jst(2026, 11, 28, 10, 0)))
                .isEqualTo(opens(2026, 11, 30, 9, 0));
        // the general hours of the calendar
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 11, 26, 6, 45)))
                .isEqualTo(opens(2026, 11, 26, 7, 0));
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 11, 26, 22, 0)))
                .isEqualTo(opens(2026, 11, 27, 7, 0));
        assertThat(c.describe("KOSEKI_ZENBU")).isEqualTo("08:30-17:00 weekdays");
    }

    @Test
    void aRoundTheClockCalendarIsAlwaysOpen() {
        KindHours allDay = new KindHours("00:00-24:00", false);
        ServiceCalendar c =
                new ServiceCalendar(
                        new Config(
                                "00:00-24:00",
                                List.of(),
                                null,
                                List.of(),
                                Map.of(
                                        "KOSEKI_ZENBU",
                                        allDay,
                                        "KOSEKI_KOJIN",
                                        allDay,
                                        "KOSEKI_FUHYO",
                                        allDay)));

        for (LocalDateTime t = LocalDateTime.of(2026, 12, 25, 0, 0);
                t.isBefore(LocalDateTime.of(2027, 1, 6, 0, 0));
                t = t.plusMinutes(17)) {
            ZonedDateTime now = t.atZone(ServiceCalendar.ZONE);
            for (String kind : FeeSchedule.KINDS) {
                assertThat(c.closedUntil(kind, now)).as(kind + " at " + now).isEmpty();
            }
        }
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 12, 31, 23, 59).plusSeconds(59))).isEmpty();
        assertThat(c.closedUntil("JUMINHYO", jst(2027, 1, 1, 0, 0))).isEmpty();
    }

    @Test
    void malformedEntriesAreRefusedNamingTheOwner() {
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X", new Config("6:30-23:00", null, null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("city X")
                .hasMessageContaining("hours");
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X",
                                        new Config("23:00-06:30", null, null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closes before it opens");
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X",
                                        new Config("06:30-24:30", null, null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invalid time");
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X",
                                        new Config(null, List.of("12/29-01/03"), null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MM-dd..MM-dd");
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X",
                                        new Config(
                                                null, List.of("02-30..03-01"), null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invalid day");
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X",
                                        new Config(
                                                null, List.of("01-01..12-31"), null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("every day");
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X",
                                        new Config(
                                                null,
                                                null,
                                                null,
                                                List.of(
                                                        new Maintenance(
                                                                OffsetDateTime.parse(
                                                                        "2026-12-06T08:00+09:00"),
                                                                OffsetDateTime.parse(
                                                                        "2026-12-06T00:00+09:00"))),
                                                null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("maintenance");
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X",
                                        new Config(
                                                null,
                                                null,
                                                null,
                                                null,
                                                Map.of(
                                                        "KOSEKI",
                                                        new KindHours("09:00-17:00", true)))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown kind: KOSEKI");
        assertThatThrownBy(
                        () ->
                                new ServiceCalendar(
                                        "city X",
                                        new Config(
                                                null,
                                                null,
                                                null,
                                                null,
                                                Map.of("INKAN", new KindHours("9-17", true)))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kinds.INKAN");
    }
}
