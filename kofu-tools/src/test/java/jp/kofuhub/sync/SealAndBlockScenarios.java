package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.block;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static jp.kofuhub.support.TestRecords.seal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.Pdfs;
import jp.kofuhub.support.TestRecords;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Seal registrations, issuance blocks, several sources, freshness and gaps, through the real sync
 * route and the real HTTP route. Municipality 012351 (Ishikari) is this class's own. Ordered: each
 * test starts from the replica the previous one left. The last test holds an issuance after its
 * render step (AdviceWith) and takes the hold out again, so the shared context stays as it was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SealAndBlockScenarios extends HubTestBase {

    static final String CITY = "012351";
    static final String HOLDER = atena(3001);
    static final String SPOUSE = atena(3002);
    static final String HOLDER_CARD = "IS00000000000001";
    static final String SPOUSE_CARD = "IS00000000000002";

    @Autowired CamelContext camel;

    private HttpResponse<byte[]> issue(String serial, String kind) throws Exception {
        return Http.post(
                baseUrl() + "/api/v1/certificates",
                "application/json",
                Http.issueJson(CITY, serial, kind));
    }

    private static String code(HttpResponse<byte[]> r) {
        return r.statusCode() == 200
                ? "OK"
                : Http.body(r).replaceAll(".*\"code\":\"([A-Z_0-9]+)\".*", "$1");
    }

    private long applied(String source) {
        return count(
                "select count(*) from sync_file where municipality_code = ? and source_system = ?",
                CITY,
                source);
    }

    private void write(String source, long seq, Kind kind, Object[]... records) throws Exception {
        TestRecords.write(inbox, CITY, source, seq, kind, records);
        await().atMost(SYNC_WAIT).until(() -> applied(source) >= seq);
    }

    @Test
    @Order(1)
    void aValidSealIsCertifiedWithItsImage() throws Exception {
        write(
                "JUKI",
                1,
                Kind.FULL,
                rec(RecordType.H, household("200", HOLDER, "北海道石狩市花川北１条１丁目")),
                rec(
                        RecordType.R,
                        resident(
                                HOLDER,
                                1,
                                "200",
                                "石狩",
                                "太郎",
                                "世帯主",
                                LocalDate.of(1975, 3, 3),
                                "RESIDENT")),
                rec(
                        RecordType.R,
                        resident(
                                SPOUSE,
                                1,
                                "200",
                                "石狩",
                                "花子",
                                "妻",
                                LocalDate.of(1977, 4, 4),
                                "RESIDENT")),
                rec(RecordType.C, card(HOLDER_CARD, HOLDER)),
                rec(RecordType.C, card(SPOUSE_CARD, SPOUSE)));
        // before the seal system ever delivered, seal certificates are refused: no data is not "no
        // seal"
        assertThat(code(issue(HOLDER_CARD, "INKAN"))).isEqualTo("REPLICA_STALE");
        write(
                "INKAN",
                1,
                Kind.FULL,
                rec(
                        RecordType.S,
                        seal(
                                "IK-0001",
                                HOLDER,
                                "VALID",
                                LocalDate.of(2020, 1, 10),
                                null,
                                TestRecords.sealPng("石狩"))));
        HttpResponse<byte[]> r = issue(HOLDER_CARD, "INKAN");
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
        String text = Pdfs.compact(Pdfs.text(r.body()));
        assertThat(text)
                .contains("印鑑登録証明書")
                .contains("IK-0001")
                .contains("石狩太郎")
                .contains("この写しは、登録されている印影と相違ないことを証明する。")
                .doesNotContain("#");
        assertThat(code(issue(SPOUSE_CARD, "INKAN"))).isEqualTo("NO_VALID_SEAL");
    }

    @Test
    @Order(2)
    void aCancelledSealIsNeverCertified() throws Exception {
        write(
                "INKAN",
                2,
                Kind.DELTA,
                rec(
                        RecordType.S,
                        seal(
                                "IK-0001",
                                HOLDER,
                                "CANCELLED",
                                LocalDate.of(2020, 1, 10),
                                LocalDate.of(2026, 11, 1),
                                null)));
        assertThat(code(issue(HOLDER_CARD, "INKAN"))).isEqualTo("NO_VALID_SEAL");
        write(
                "INKAN",
                3,
                Kind.DELTA,
                rec(
                        RecordType.S,
                        seal(
                                "IK-0002",
                                HOLDER,
                                "VALID",
                                LocalDate.of(2026, 11, 2),
                                null,
                                TestRecords.sealPng("石狩"))));
        assertThat(code(issue(HOLDER_CARD, "INKAN"))).isEqualTo("OK");
    }

    @Test
    @Order(3)
    void blockRecordsRefuseUntilTheyAreRemoved() throws Exception {
        assertThat(code(issue(HOLDER_CARD, "JUMINHYO"))).isEqualTo("OK");
        write(
                "JUKI",
                2,
                Kind.DELTA,
                rec(RecordType.B, block("U", "BL-1", SPOUSE, null, "SUPPORT_MEASURE_PROVISIONAL")));
        assertThat(code(issue(HOLDER_CARD, "JUMINHYO"))).isEqualTo("SUPPORT_MEASURE");
        assertThat(code(issue(HOLDER_CARD, "INKAN")))
                .as("the holder's own seal is not the spouse's matter")
                .isEqualTo("OK");
        write(
                "JUKI",
                3,
                Kind.DELTA,
                rec(RecordType.B, block("D", "BL-1", null, null, null)),
                rec(RecordType.B, block("U", "BL-2", null, "200", "SUPPRESSION")));
        assertThat(code(issue(HOLDER_CARD, "JUMINHYO"))).isEqualTo("ISSUANCE_BLOCKED");
        write("JUKI", 4, Kind.DELTA, rec(RecordType.B, block("D", "BL-2", null, null, null)));
        assertThat(code(issue(HOLDER_CARD, "JUMINHYO"))).isEqualTo("OK");
    }

    @Test
    @Order(4)
    void staleDataIsRefusedUntilAFreshFileArrives() throws Exception {
        TestRecords.write(
                inbox,
                CITY,
                "INKAN",
                4,
                Kind.DELTA,
                java.nio.charset.StandardCharsets.UTF_8,
                OffsetDateTime.of(2010, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(9)),
                new Object[][] {});
        await().atMost(SYNC_WAIT).until(() -> applied("INKAN") == 4);
        assertThat(code(issue(HOLDER_CARD, "INKAN"))).isEqualTo("REPLICA_STALE");
        assertThat(code(issue(HOLDER_CARD, "JUMINHYO")))
                .as("other sources stay usable")
                .isEqualTo("OK");
        assertThat(health()).contains("\"replica\"").contains("DOWN");
        write("INKAN", 5, Kind.DELTA);
        assertThat(code(issue(HOLDER_CARD, "INKAN"))).isEqualTo("OK");
    }

    @Test
    @Order(5)
    void aGapStopsTheSourceAndShowsInHealthUntilTheMissingFileArrives() throws Exception {
        Path seventh = TestRecords.write(inbox, CITY, "INKAN", 7, Kind.DELTA, new Object[][] {});
        await().atMost(SYNC_WAIT)
                .until(
                        () ->
                                count(
                                                "select count(*) from sync_source_state where municipality_code = ?"
                                                        + " and source_system = 'INKAN' and waiting_sequence = 7",
                                                CITY)
                                        == 1);
        assertThat(seventh).exists();
        assertThat(code(issue(HOLDER_CARD, "INKAN"))).isEqualTo("REPLICA_STALE");
        assertThat(code(issue(HOLDER_CARD, "JUMINHYO"))).isEqualTo("OK");
        assertThat(health()).contains("waiting");
        write("INKAN", 6, Kind.DELTA);
        await().atMost(SYNC_WAIT).until(() -> applied("INKAN") == 7);
        assertThat(
                        count(
                                "select count(*) from sync_source_state where municipality_code = ? and waiting_sequence is not null",
                                CITY))
                .isZero();
        assertThat(code(issue(HOLDER_CARD, "INKAN"))).isEqualTo("OK");
    }

    @Test
    @Order(6)
    void aRecordTypeFromTheWrongSourceQuarantinesTheFile() throws Exception {
        TestRecords.write(
                inbox,
                CITY,
                "INKAN",
                8,
                Kind.DELTA,
                new Object[][] {rec(RecordType.H, household("201", HOLDER, "北海道石狩市"))});
        Path reason = awaitReasonFile(CITY + "_INKAN_000000008_DELTA.kexp");
        assertThat(Files.readString(reason)).contains("RECORD_TYPE_NOT_FOR_SOURCE");
    }

    /** The id of the step test 7 weaves in after {@code render-pdf}, and takes out again. */
    private static final String HOLD = "test-hold-after-render";

    /**
     * A seal cancelled while a certificate of it is being rendered: that certificate never
     * completes.
     */
    @Test
    @Order(7)
    void aCancelCommittedWhileAnIssuanceIsInFlightVoidsIt() throws Exception {
        CountDownLatch rendered = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        AdviceWith.adviceWith(
                camel,
                "issue-certificate",
                a ->
                        a.weaveById("render-pdf")
                                .after()
                                .process(
                                        e -> {
                                            if (rendered.getCount() > 0) {
                                                rendered.countDown();
                                                assertThat(cancelled.await(60, TimeUnit.SECONDS))
                                                        .isTrue();
                                            }
                                        })
                                .id(HOLD));
        try {
            cancelWhileInFlight(rendered, cancelled);
        } finally {
            // the route as routes/ defines it again: the context is shared with the other test
            // classes
            AdviceWith.adviceWith(camel, "issue-certificate", a -> a.weaveById(HOLD).remove());
        }
        assertThat(camel.getProcessor(HOLD))
                .as("the hold is out of the shared context's route")
                .isNull();
        assertThat(camel.getProcessor("render-pdf")).isNotNull();
    }

    private void cancelWhileInFlight(CountDownLatch rendered, CountDownLatch cancelled)
            throws Exception {
        CompletableFuture<HttpResponse<byte[]>> inFlight =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return issue(HOLDER_CARD, "INKAN");
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        assertThat(rendered.await(60, TimeUnit.SECONDS)).isTrue();
        write(
                "INKAN",
                8,
                Kind.DELTA,
                rec(
                        RecordType.S,
                        seal(
                                "IK-0002",
                                HOLDER,
                                "CANCELLED",
                                LocalDate.of(2026, 11, 2),
                                LocalDate.of(2026, 11, 20),
                                null)));
        cancelled.countDown();
        HttpResponse<byte[]> r = inFlight.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(code(r)).isEqualTo("NO_VALID_SEAL");
        assertThat(code(issue(HOLDER_CARD, "INKAN"))).isEqualTo("NO_VALID_SEAL");
    }

    private String health() throws Exception {
        var req =
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(baseUrl() + "/actuator/health"))
                        .build();
        return java.net.http.HttpClient.newHttpClient()
                .send(req, java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
