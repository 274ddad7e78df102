package jp.kofuhub.municipality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped and test-only profiles load, with their fees and calendars; a bad one stops the
 * start.
 */
class MunicipalityRegistryTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 26);

    final MunicipalityRegistry shipped = new MunicipalityRegistry(Path.of("config/municipalities"));

    MunicipalityProfile city(String code) {
        return shipped.find(code).orElseThrow();
    }

    @Test
    void everyShippedProfileLoadsWithFeesAndACalendar() {
        assertThat(shipped.all())
                .extracting(MunicipalityProfile::code)
                .containsExactlyInAnyOrder(
                        "011002", "012173", "012246", "012319", "012343", "012351");
        for (MunicipalityProfile p : shipped.all()) {
            assertThat(p.fees()).as(p.code()).isNotEmpty();
            assertThat(p.calendar()).as(p.code()).isNotNull();
            assertThat(p.calendar().holidays())
                    .as(p.code())
                    .contains(LocalDate.of(2026, 11, 23), LocalDate.of(2027, 3, 22));
            for (String kind : p.offeredKinds()) {
                assertThat(p.fee(kind, DAY)).as(p.code() + " " + kind).isPresent();
            }
        }
    }

    @Test
    void sapporoAndKitahiroshimaFees() {
        assertThat(city("011002").fee("JUMINHYO", DAY)).hasValue(350);
        assertThat(city("012343").fee("JUMINHYO", DAY)).hasValue(300);
        assertThat(city("011002").fee("JUMINHYO", LocalDate.of(2016, 12, 11))).isEmpty();
        assertThat(city("011002").fee("JUMINHYO", LocalDate.of(2016, 12, 12))).hasValue(350);
        assertThat(city("012343").fee("JUMINHYO", LocalDate.of(2023, 3, 31))).isEmpty();
    }

    @Test
    void theSeedsFeeTable() {
        // kind -> fee per city: 住民票, 印鑑, 所得・課税, 戸籍謄抄本, 附票 (-1: no 戸籍 at kiosks, no fee)
        Map<String, int[]> table =
                Map.of(
                        "011002", new int[] {350, 350, 400, -1, -1},
                        "012351", new int[] {350, 350, 350, 450, 350},
                        "012246", new int[] {300, 300, 300, 450, 300},
                        "012319", new int[] {300, 300, 400, -1, -1},
                        "012173", new int[] {300, 300, 400, 450, 300},
                        "012343", new int[] {300, 300, 300, 450, 300});
        String[][] kinds = {
            {"JUMINHYO", "JUMINHYO_KISAI"},
            {"INKAN"},
            {"SHOTOKU", "KAZEI", "SHOTOKU_KAZEI"},
            {"KOSEKI_ZENBU", "KOSEKI_KOJIN"},
            {"KOSEKI_FUHYO"}
        };
        table.forEach(
                (code, fees) -> {
                    for (int i = 0; i < kinds.length; i++) {
                        for (String kind : kinds[i]) {
                            if (fees[i] < 0) {
                                assertThat(city(code).fee(kind, DAY))
                                        .as(code + " " + kind)
                                        .isEmpty();
                            } else {
                                assertThat(city(code).fee(kind, DAY))
                                        .as(code + " " + kind)
                                        .hasValue(fees[i]);
                            }
                        }
                    }
                });
    }

    @Test
    void kioskServiceStartDates() {
        Map<String, LocalDate> starts =
                Map.of(
                        "011002",
                        LocalDate.of(2016, 12, 12),
                        "012351",
                        LocalDate.of(2017, 2, 6),
                        "012246",
                        LocalDate.of(2017, 2, 1),
                        "012319",
                        LocalDate.of(2017, 2, 1),
                        "012173",
                        LocalDate.of(2014, 4, 1),
                        "012343",
                        LocalDate.of(2023, 4, 1));
        starts.forEach(
                (code, start) -> {
                    assertThat(city(code).fee("INKAN", start.minusDays(1))).as(code).isEmpty();
                    assertThat(city(code).fee("INKAN", start)).as(code).isPresent();
                });
    }

    @Test
    void shippedCalendarsFollowTheUsualHours() {
        ServiceCalendar c = city("011002").serviceCalendar();
        assertThat(c.closedUntil("JUMINHYO", jst(2026, 11, 26, 23, 0)))
                .isEqualTo(Optional.of(jst(2026, 11, 27, 6, 30)));
        assertThat(c.closedUntil("KOSEKI_ZENBU", jst(2026, 11, 23, 10, 0)))
                .as("勤労感謝の日")
                .isEqualTo(Optional.of(jst(2026, 11, 24, 9, 0)));
        assertThat(city("012343").serviceCalendar().closedUntil("JUMINHYO", jst(2026, 1, 18, 6, 0)))
                .isEqualTo(Optional.of(jst(2026, 1, 18, 6, 30)));
        assertThat(city("011002").serviceCalendar())
                .as("built once")
                .isSameAs(city("011002").serviceCalendar());
    }

    @Test
    void testProfiles990002IsAlwaysOpenAnd990003AlwaysClosed() {
        MunicipalityRegistry test =
                new MunicipalityRegistry(Path.of("src/test/resources/municipalities"));
        MunicipalityProfile shiken = test.find("990002").orElseThrow();
        MunicipalityProfile heicho = test.find("990003").orElseThrow();
        for (ZonedDateTime t = jst(2026, 12, 28, 0, 0);
                t.isBefore(jst(2027, 1, 5, 0, 0));
                t = t.plusMinutes(29)) {
            for (String kind : FeeSchedule.KINDS) {
                assertThat(shiken.serviceCalendar().closedUntil(kind, t))
                        .as(kind + " " + t)
                        .isEmpty();
                assertThat(heicho.serviceCalendar().closedUntil(kind, t))
                        .as(kind + " " + t)
                        .isPresent();
            }
        }
        assertThat(heicho.serviceCalendar().closedUntil("JUMINHYO", ZonedDateTime.now()))
                .isEqualTo(Optional.of(jst(2999, 12, 31, 0, 0)));
        assertThat(shiken.fee("JUMINHYO", DAY)).hasValue(300);
        assertThat(heicho.fee("SHOTOKU_KAZEI", DAY)).hasValue(300);
        assertThat(test.sealImage(heicho)).exists();
    }

    @Test
    void aProfileWithoutFeesOrCalendarLoadsWithDefaults(@TempDir Path dir) throws IOException {
        write(dir, "");
        MunicipalityProfile p = new MunicipalityRegistry(dir).find("990009").orElseThrow();
        assertThat(p.fee("JUMINHYO", DAY)).isEmpty();
        assertThat(p.serviceCalendar().closedUntil("JUMINHYO", jst(2026, 11, 26, 6, 0)))
                .isEqualTo(Optional.of(jst(2026, 11, 26, 6, 30)));
        assertThat(p.serviceCalendar().closedUntil("KOSEKI_ZENBU", jst(2026, 11, 28, 10, 0)))
                .isEqualTo(Optional.of(jst(2026, 11, 30, 9, 0)));
    }

    @Test
    void yamlTimestampsWithSecondsAreReadToo(@TempDir Path dir) throws IOException {
        write(
                dir,
                """
                fees:
                  - {kinds: [JUMINHYO], yen: 300, from: 2020-01-01}
                calendar:
                  maintenance:
                    - {from: 2026-12-06T00:00:00+09:00, until: 2026-12-06T08:00:00+09:00}
                  holidays: [2026-11-23]
                """);
        MunicipalityProfile p = new MunicipalityRegistry(dir).find("990009").orElseThrow();
        assertThat(p.serviceCalendar().closedUntil("JUMINHYO", jst(2026, 12, 6, 7, 0)))
                .isEqualTo(Optional.of(jst(2026, 12, 6, 8, 0)));
        assertThat(p.serviceCalendar().closedUntil("KOSEKI_ZENBU", jst(2026, 11, 23, 10, 0)))
                .isEqualTo(Optional.of(jst(2026, 11, 24, 9, 0)));
    }

    @Test
    void aYamlErrorStopsTheStartNamingTheFileAndLine(@TempDir Path dir) throws IOException {
        write(
                dir,
                """
                fees:
                  - {kinds: [JUMINHYO], yen: 300, from: 2020-01-01
                hours: [
                """);
        assertThatThrownBy(() -> new MunicipalityRegistry(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("990009-test.yaml is not valid YAML")
                .hasMessageContaining("line ");
    }

    @Test
    void aBadFeeStopsTheStartNamingTheFile(@TempDir Path dir) throws IOException {
        write(
                dir,
                """
                fees:
                  - {kinds: [JUMINHYO], yen: -300, from: 2020-01-01}
                """);
        assertThatThrownBy(() -> new MunicipalityRegistry(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("990009-test.yaml")
                .hasMessageContaining("negative");
    }

    @Test
    void aFeeWithoutYenStopsTheStart(@TempDir Path dir) throws IOException {
        write(
                dir,
                """
                fees:
                  - {kinds: [JUMINHYO], from: 2020-01-01}
                """);
        assertThatThrownBy(() -> new MunicipalityRegistry(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("990009-test.yaml")
                .hasMessageContaining("yen");
    }

    @Test
    void aTypoInTheFeesStopsTheStart(@TempDir Path dir) throws IOException {
        write(
                dir,
                """
                fees:
                  - {kinds: [JUMINHYO], yen: 300, form: 2020-01-01}
                """);
        assertThatThrownBy(() -> new MunicipalityRegistry(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("990009-test.yaml")
                .hasMessageContaining("form");
    }

    @Test
    void aBadCalendarStopsTheStartNamingTheFile(@TempDir Path dir) throws IOException {
        write(
                dir,
                """
                calendar:
                  hours: "6:30-23:00"
                """);
        assertThatThrownBy(() -> new MunicipalityRegistry(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("990009-test.yaml")
                .hasMessageContaining("calendar.hours");
    }

    @Test
    void aMaintenanceWithoutOffsetStopsTheStart(@TempDir Path dir) throws IOException {
        write(
                dir,
                """
                calendar:
                  maintenance:
                    - {from: "2026-12-06T00:00", until: "2026-12-06T08:00"}
                """);
        assertThatThrownBy(() -> new MunicipalityRegistry(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("990009-test.yaml");
    }

    @Test
    void thePrintoutCodeIs20To50mm(@TempDir Path dir) throws IOException {
        // 50 mm (the default since printout-code.md 1.1) is what a 150 dpi scan of the fuller pages
        // needs; larger would take more of the page than the code's band should
        write(dir, "printoutCode: {enabled: true, position: bottom-right, size: 50mm}\n");
        MunicipalityProfile p = new MunicipalityRegistry(dir).find("990009").orElseThrow();
        assertThat(p.printoutCodePosition()).isEqualTo("bottom-right");
        assertThat(p.printoutCode().size()).isEqualTo("50mm");
        for (String size : new String[] {"19mm", "51mm", "60mm", "5cm"}) {
            write(dir, "printoutCode: {enabled: true, size: " + size + "}\n");
            assertThatThrownBy(() -> new MunicipalityRegistry(dir))
                    .as(size)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("990009-test.yaml")
                    .hasMessageContaining("from 20mm to 50mm");
        }
    }

    static void write(Path dir, String extra) throws IOException {
        Files.writeString(
                dir.resolve("990009-test.yaml"),
                """
                code: "990009"
                name: 検査市
                prefecture: 北海道
                mayorTitle: 検査市長
                mayorName: 検査　花子
                sealImage: seals/990009.png
                terminalCode: "K1"
                printerCode: "P1"
                excludeAdultGuardianship: false
                offeredKinds: [JUMINHYO]
                """
                        + extra);
    }

    static ZonedDateTime jst(int y, int m, int d, int hh, int mm) {
        return ZonedDateTime.of(y, m, d, hh, mm, 0, 0, ServiceCalendar.ZONE);
    }
}
