package jp.kofuhub.issuance;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.kofuhub.bench.HolderCheck;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubInstances;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue #22, clock steps: two hubs on one PostgreSQL, {@code a} with the true clock and {@code s}
 * whose own clock was stepped 5 minutes past the next midnight (Asia/Tokyo) — a +5 min step at
 * 23:55, so the 発行番号 day, the replay window and the hours are all crossed whatever the hour of the
 * run ({@code kofu.faults.clock-offset}). The database's clock is the one authority ({@link
 * HubClock}): {@code s} accepts a request sent now and refuses one sent outside the replay window
 * of the true time, numbers today's 発行番号 in one sequence with {@code a} (never tomorrow's, never a
 * running number twice), follows the same maintenance window, and reports its skew (health
 * component {@code clock} DOWN, meter {@code kofu.clock.skew}, {@code hub_instance.clock_skew_ms}).
 * Before the fix {@code s} refused every request STALE_MESSAGE and would have numbered tomorrow's
 * day. Municipality 990004 (交付市) in a database of its own; 990084, a copy of it under a maintenance
 * window from an hour ago until the next midnight.
 */
class ClockStepOnPostgresTest {

    static final String DB = "kofu_clock";
    static final String CITY = "990004", CLOSED_CITY = "990084";
    static final String HEAD = atena(9701), WIFE = atena(9702);
    static final String CARD = "CS00000000000001";
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HubInstances hubs;
    private static HubInstances.Hub a, s;
    private static JdbcTemplate jdbc;
    private static Duration step;
    private static Path juki;

    @BeforeAll
    static void twoInstancesOneStepped() throws Exception {
        ZonedDateTime now = ZonedDateTime.now(TOKYO);
        ZonedDateTime midnight = now.toLocalDate().plusDays(1).atStartOfDay(TOKYO);
        step = Duration.between(now, midnight).plusMinutes(5);
        // 990084: 交付市 under a maintenance window from an hour ago until the next midnight: closed
        // by the true time, open by s's own clock
        Path profiles = HubInstances.profiles(DB);
        Files.createDirectories(profiles);
        String yaml =
                Files.readString(
                        Path.of("src/test/resources/municipalities/990004-kofu.yaml"),
                        StandardCharsets.UTF_8);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmXXX");
        Files.writeString(
                profiles.resolve("990084-closed.yaml"),
                yaml.replace("code: \"990004\"", "code: \"990084\"")
                        .replace(
                                "  maintenance: []",
                                "  maintenance:\n    - {from: \""
                                        + now.minusHours(1).format(f)
                                        + "\", until: \""
                                        + midnight.format(f)
                                        + "\"}"),
                StandardCharsets.UTF_8);
        hubs =
                new HubInstances(
                        DB,
                        Map.of(),
                        name ->
                                name.equals("s")
                                        ? Map.of("kofu.faults.clock-offset", step.toString())
                                        : Map.of(),
                        "a",
                        "s");
        a = hubs.get(0);
        s = hubs.get(1);
        jdbc = a.bean(JdbcTemplate.class);
        Object[][] records =
                new Object[][] {
                    rec(RecordType.H, household("1", HEAD, "北海道交付市時計町一丁目1番地")),
                    rec(
                            RecordType.R,
                            resident(
                                    HEAD,
                                    1,
                                    "1",
                                    "時計",
                                    "一郎",
                                    "世帯主",
                                    LocalDate.of(1970, 4, 1),
                                    "RESIDENT")),
                    rec(
                            RecordType.R,
                            resident(
                                    WIFE,
                                    1,
                                    "1",
                                    "時計",
                                    "花子",
                                    "妻",
                                    LocalDate.of(1972, 5, 2),
                                    "RESIDENT")),
                    rec(RecordType.C, card(CARD, HEAD)),
                };
        // the export kept for HolderCheck (the inbox's copy is deleted once applied)
        juki =
                TestRecords.write(
                        Files.createTempDirectory("kofu-clock-juki-"),
                        CITY,
                        "JUKI",
                        1,
                        Kind.FULL,
                        records);
        TestRecords.write(a.inbox(), CITY, "JUKI", 1, Kind.FULL, records);
        TestRecords.write(a.inbox(), CITY, "INKAN", 1, Kind.FULL, new Object[][] {});
        TestRecords.write(a.inbox(), CITY, "ZEI", 1, Kind.FULL, new Object[][] {});
        await().atMost(Duration.ofSeconds(90))
                .until(
                        () ->
                                jdbc.queryForObject(
                                                "select count(*) from sync_file where municipality_code = ?",
                                                Long.class,
                                                CITY)
                                        == 3);
    }

    @AfterAll
    static void stop() {
        if (hubs != null) {
            hubs.close();
        }
    }

    /** A centre message to {@code hub}, sent at {@code sentAt} (the centre's true clock). */
    private static HttpResponse<byte[]> post(
            HubInstances.Hub hub, String path, String body, OffsetDateTime sentAt)
            throws Exception {
        String stamped =
                "{\"sentAt\":\""
                        + sentAt
                        + "\",\"nonce\":\""
                        + Http.newNonce()
                        + "\","
                        + body.substring(body.indexOf('{') + 1);
        return Http.post(hub.url() + "/api/v1/" + path, "application/json", stamped);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static String issue(String city) {
        return "{\"transaction\":\""
                + Http.newTransaction()
                + "\",\"municipality\":\""
                + city
                + "\",\"serial\":\""
                + CARD
                + "\",\"kind\":\"JUMINHYO\",\"store\":\"S0010\",\"options\":{\"householdHead\":true}}";
    }

    private static String code(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body()).path("code").asText();
    }

    @Test
    void aSteppedInstanceWorksOnTheDatabasesTimeAndReportsItsSkew() throws Exception {
        // the skew is seen: on s's clock, its health, its meter and its heartbeat row
        HubClock sClock = s.bean(HubClock.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> sClock.skew().isPresent());
        assertThat(sClock.skew().orElseThrow().minus(step).abs()).isLessThan(Duration.ofSeconds(2));
        assertThat(a.bean(HubClock.class).skew().orElseThrow().abs())
                .isLessThan(HubClock.TOLERANCE);
        assertThat(s.bean(jp.kofuhub.health.ClockHealth.class).health().getStatus())
                .isEqualTo(Status.DOWN);
        assertThat(a.bean(jp.kofuhub.health.ClockHealth.class).health().getStatus())
                .isEqualTo(Status.UP);
        double meter =
                s.bean(io.micrometer.core.instrument.MeterRegistry.class)
                        .get("kofu.clock.skew")
                        .gauge()
                        .value();
        assertThat(meter)
                .isCloseTo(step.toMillis() / 1000.0, org.assertj.core.data.Offset.offset(2.0));
        String sId = s.bean(DocumentStore.class).instanceId();
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                jdbc.queryForObject(
                                                "select clock_skew_ms from hub_instance where instance_id = ?",
                                                Long.class,
                                                sId)
                                        != null);
        assertThat(
                        jdbc.queryForObject(
                                "select clock_skew_ms from hub_instance where instance_id = ?",
                                Long.class,
                                sId))
                .isCloseTo(step.toMillis(), org.assertj.core.data.Offset.offset(2000L));

        // the replay window is the true time's on s too: now and 4 min ago accepted, 6 min ago
        // or ahead refused STALE_MESSAGE
        String ask =
                "{\"transaction\":\""
                        + Http.newTransaction()
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + CARD
                        + "\"}";
        for (HubInstances.Hub hub : List.of(a, s)) {
            HttpResponse<byte[]> r = post(hub, "availability", ask, now());
            assertThat(r.statusCode()).as(hub.name() + " " + Http.body(r)).isEqualTo(200);
            r = post(hub, "availability", ask, now().minusMinutes(4));
            assertThat(r.statusCode()).as(hub.name() + " " + Http.body(r)).isEqualTo(200);
            for (OffsetDateTime stale : List.of(now().minusMinutes(6), now().plusMinutes(6))) {
                r = post(hub, "availability", ask, stale);
                assertThat(r.statusCode()).as(hub.name() + " " + Http.body(r)).isEqualTo(400);
                assertThat(code(r)).isEqualTo("STALE_MESSAGE");
            }
        }

        // the 発行番号: today's day (the database's), one sequence across a and s, each document
        // its holder's
        HolderCheck holders = HolderCheck.fromExports(List.of(juki), List.of());
        String today = LocalDate.now(TOKYO).format(DateTimeFormatter.BASIC_ISO_DATE);
        List<Long> running = new ArrayList<>();
        for (HubInstances.Hub hub : List.of(a, s, a, s, s, a)) {
            HttpResponse<byte[]> r = post(hub, "certificates", issue(CITY), now());
            assertThat(r.statusCode()).as(hub.name() + " " + Http.body(r)).isEqualTo(200);
            String number = r.headers().firstValue("X-Kofu-Issue-Number").orElseThrow();
            assertThat(number).as(hub.name()).startsWith(today + "-" + CITY + "-");
            assertThat(holders.check(r.body(), HEAD, number)).as(hub.name()).isEmpty();
            running.add(Long.parseLong(number.substring(number.lastIndexOf('-') + 1)));
        }
        assertThat(running).isSorted().doesNotHaveDuplicates();
        assertThat(
                        jdbc.queryForList(
                                "select issue_date from issue_counter where municipality_code = ?",
                                String.class,
                                CITY))
                .containsExactly(LocalDate.now(TOKYO).toString());

        // the hours: 990084's maintenance window (until the next midnight) is closed on both
        for (HubInstances.Hub hub : List.of(a, s)) {
            HttpResponse<byte[]> r = post(hub, "certificates", issue(CLOSED_CITY), now());
            assertThat(code(r))
                    .as(hub.name() + " " + Http.body(r))
                    .isEqualTo("OUTSIDE_SERVICE_HOURS");
        }
    }
}
