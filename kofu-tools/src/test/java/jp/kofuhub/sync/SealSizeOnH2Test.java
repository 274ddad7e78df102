package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static jp.kofuhub.support.TestRecords.seal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.Arrays;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue #18 item 2, through the real sync and issue routes: the seal registry's impression size
 * (registry export 1.5, S field 9) is stored and decides whether the 印鑑登録証明書 can print the 印影 at
 * its real size. A file of the earlier contract (8-field S) is applied, and its registration
 * refused SEAL_SIZE_UNKNOWN until it comes again with a size; one larger than the 35 mm frame is
 * SEAL_SIZE_UNPRINTABLE. Municipality 990345 (a copy of the demo profile).
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class SealSizeOnH2Test extends HubTestBase {

    static final String CITY = "990345";
    static final String HOLDER = atena(34501);
    static final String CARD = "IE00000000000001";

    @Test
    void theImpressionSizeDecidesWhetherTheSealIsCertified() throws Exception {
        write(
                "JUKI",
                1,
                Kind.FULL,
                rec(RecordType.H, household("1", HOLDER, "北海道北広島市中央１丁目１番１号")),
                rec(
                        RecordType.R,
                        resident(
                                HOLDER,
                                1,
                                "1",
                                "印影",
                                "太郎",
                                "世帯主",
                                LocalDate.of(1970, 1, 1),
                                "RESIDENT")),
                rec(RecordType.C, card(CARD, HOLDER)));
        String png = TestRecords.sealPng("印影");
        String[] nine = seal("IE-1", HOLDER, "VALID", LocalDate.of(2020, 1, 10), null, png);
        // as a seal registry of contract 1.4 writes it: no impression_mm at all (8 fields)
        TestRecords.write(inbox, CITY, "INKAN", 1, Kind.FULL, new Object[][] {});
        await().atMost(SYNC_WAIT).until(() -> applied("INKAN") >= 1);
        java.nio.file.Path delta =
                TestRecords.write(
                        java.nio.file.Files.createDirectories(
                                inbox.resolveSibling("staging-" + CITY)),
                        CITY,
                        "INKAN",
                        2,
                        Kind.DELTA,
                        new Object[][] {rec(RecordType.S, nine)});
        String text = java.nio.file.Files.readString(delta);
        String eightFields = text.replace("\t15x15\n", "\n");
        // the manifest's payload hash over the 8-field payload
        String payload = eightFields.substring(eightFields.indexOf("#end\n") + 5);
        String hash =
                java.util.HexFormat.of()
                        .formatHex(
                                java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(
                                                payload.getBytes(
                                                        java.nio.charset.StandardCharsets.UTF_8)));
        eightFields =
                eightFields.replaceFirst("#payload-sha256: [0-9a-f]+", "#payload-sha256: " + hash);
        java.nio.file.Files.writeString(
                delta, eightFields, java.nio.charset.StandardCharsets.UTF_8);
        java.nio.file.Files.move(
                delta,
                inbox.resolve(delta.getFileName()),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        await().atMost(SYNC_WAIT).until(() -> applied("INKAN") >= 2);
        assertThat(code(issue())).isEqualTo("SEAL_SIZE_UNKNOWN");

        String[] large = Arrays.copyOf(nine, 9);
        large[RecordType.S.col("impression_mm")] = "36x20.5";
        write("INKAN", 3, Kind.DELTA, rec(RecordType.S, large));
        assertThat(code(issue())).isEqualTo("SEAL_SIZE_UNPRINTABLE");

        write("INKAN", 4, Kind.DELTA, rec(RecordType.S, nine));
        HttpResponse<byte[]> ok = issue();
        assertThat(ok.statusCode()).as(Http.body(ok)).isEqualTo(200);
        assertThat(
                        jdbc.queryForObject(
                                "select impression_width_mm from seal_registration"
                                        + " where municipality_code = ? and registration_no = 'IE-1'",
                                java.math.BigDecimal.class,
                                CITY))
                .isEqualByComparingTo("15");
    }

    private HttpResponse<byte[]> issue() throws Exception {
        return Http.post(
                baseUrl() + "/api/v1/certificates",
                "application/json",
                Http.issueJson(CITY, CARD, "INKAN"));
    }

    private static String code(HttpResponse<byte[]> r) {
        return r.statusCode() == 200
                ? "OK"
                : Http.body(r).replaceAll(".*\"code\":\"([A-Z_0-9]+)\".*", "$1");
    }

    private long applied(String source) {
        Long n =
                jdbc.queryForObject(
                        "select count(*) from sync_file where municipality_code = ? and source_system = ?",
                        Long.class,
                        CITY,
                        source);
        return n == null ? 0 : n;
    }

    private void write(String source, long seq, Kind kind, Object[]... records) throws Exception {
        TestRecords.write(inbox, CITY, source, seq, kind, records);
        await().atMost(SYNC_WAIT).until(() -> applied(source) >= seq);
    }
}
