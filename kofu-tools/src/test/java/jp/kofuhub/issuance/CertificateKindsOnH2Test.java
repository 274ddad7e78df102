package jp.kofuhub.issuance;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static jp.kofuhub.support.TestRecords.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import jp.kofuhub.registry.EraDate;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.Pdfs;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;

/**
 * Every kind and option of the 住民票 and tax certificates, and the refusals of DOMAIN §3 that the
 * generated city does not show, over real HTTP, for the test-only municipality 990002 (試験市: 個人票
 * layout, 住民票コード and 個人番号 allowed, an anti-forgery band, three tax years; see
 * src/test/resources/municipalities). Written PDFs go to target/certificates/ for a look
 * (pdftoppm).
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class CertificateKindsOnH2Test extends HubTestBase {

    static final String CITY = "990002";
    static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Tokyo"));
    static final String HEAD = atena(9001),
            WIFE = atena(9002),
            SON = atena(9003),
            DAUGHTER = atena(9004);
    static final String WARD = atena(9010),
            REVOKED = atena(9011),
            REMOVED = atena(9012),
            MOVED_IN = atena(9013),
            LONG_NAME = atena(9014),
            NOT_JAN1 = atena(9015);

    /** A synthetic 個人番号 with a valid check digit (the test city prints them on request). */
    static final String MY_NUMBER = jp.kofuhub.registry.MyNumber.of(98765432101L);

    private static boolean loaded;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void cityLoaded() throws Exception {
        synchronized (CertificateKindsOnH2Test.class) {
            if (loaded) {
                return;
            }
            String[] head =
                    resident(HEAD, 1, "1", "試験", "一郎", "世帯主", LocalDate.of(1970, 4, 1), "RESIDENT");
            set(head, "juminhyo_code", "12345678901");
            set(head, "honseki", "北海道試験市本町一丁目1番地");
            set(head, "hittosha", "試験　一郎");
            String[] wife =
                    resident(WIFE, 1, "1", "試験", "花子", "妻", LocalDate.of(1972, 5, 2), "RESIDENT");
            set(wife, "sex", "2");
            set(wife, "honseki", "北海道試験市本町一丁目1番地");
            set(wife, "hittosha", "試験　一郎");
            String[] son =
                    resident(SON, 1, "1", "試験", "次郎", "長男", LocalDate.of(2000, 6, 3), "RESIDENT");
            String[] daughter =
                    resident(
                            DAUGHTER,
                            1,
                            "1",
                            "試験",
                            "桜",
                            "長女",
                            LocalDate.of(2015, 7, 4),
                            "RESIDENT");
            set(daughter, "sex", "2");
            String[] ward =
                    set(
                            resident(
                                    WARD,
                                    1,
                                    "2",
                                    "後見",
                                    "太郎",
                                    "世帯主",
                                    LocalDate.of(1960, 1, 1),
                                    "RESIDENT"),
                            "adult_guardianship",
                            "1");
            String[] revoked =
                    resident(
                            REVOKED,
                            1,
                            "3",
                            "失効",
                            "三郎",
                            "世帯主",
                            LocalDate.of(1980, 1, 1),
                            "RESIDENT");
            String[] removed =
                    set(
                            resident(
                                    REMOVED,
                                    2,
                                    "3",
                                    "職権",
                                    "四郎",
                                    "同居人",
                                    LocalDate.of(1981, 1, 1),
                                    "REMOVED"),
                            "change_reason",
                            "職権消除");
            String[] movedIn =
                    resident(
                            MOVED_IN,
                            1,
                            "4",
                            "転入",
                            "五郎",
                            "世帯主",
                            LocalDate.of(1982, 1, 1),
                            "RESIDENT");
            set(movedIn, "change_reason", "転入");
            set(movedIn, "change_notified_date", EraDate.format(TODAY));
            String[] longName =
                    resident(
                            LONG_NAME,
                            1,
                            "5",
                            "長".repeat(20),
                            "名".repeat(14),
                            "世帯主",
                            LocalDate.of(1983, 1, 1),
                            "RESIDENT");
            String[] notJan1 =
                    resident(
                            NOT_JAN1,
                            1,
                            "6",
                            "年始",
                            "六郎",
                            "世帯主",
                            LocalDate.of(1984, 1, 1),
                            "RESIDENT");
            String[] revokedCard = card("SK00000000000011", REVOKED);
            revokedCard[5] = "REVOKED";
            TestRecords.write(
                    inbox,
                    CITY,
                    "JUKI",
                    1,
                    Kind.FULL,
                    new Object[][] {
                        rec(RecordType.H, household("1", HEAD, "北海道試験市本町一丁目1番地")),
                        rec(RecordType.H, household("2", WARD, "北海道試験市本町二丁目2番地")),
                        rec(RecordType.H, household("3", REVOKED, "北海道試験市本町三丁目3番地")),
                        rec(RecordType.H, household("4", MOVED_IN, "北海道試験市本町四丁目4番地")),
                        rec(RecordType.H, household("5", LONG_NAME, "北海道試験市本町五丁目5番地")),
                        rec(RecordType.H, household("6", NOT_JAN1, "北海道試験市本町六丁目6番地")),
                        rec(RecordType.R, head),
                        rec(RecordType.R, wife),
                        rec(RecordType.R, son),
                        rec(RecordType.R, daughter),
                        rec(RecordType.R, ward),
                        rec(RecordType.R, revoked),
                        rec(RecordType.R, removed),
                        rec(RecordType.R, movedIn),
                        rec(RecordType.R, longName),
                        rec(RecordType.R, notJan1),
                        rec(RecordType.C, card("SK00000000000001", HEAD)),
                        rec(RecordType.C, card("SK00000000000002", WIFE)),
                        rec(RecordType.C, card("SK00000000000010", WARD)),
                        rec(RecordType.C, revokedCard),
                        rec(RecordType.C, card("SK00000000000012", REMOVED)),
                        rec(RecordType.C, card("SK00000000000013", MOVED_IN)),
                        rec(RecordType.C, card("SK00000000000014", LONG_NAME)),
                        rec(RecordType.C, card("SK00000000000015", NOT_JAN1)),
                        rec(RecordType.N, "U", HEAD, MY_NUMBER),
                    });
            int year = offeredYear();
            TestRecords.write(
                    inbox,
                    CITY,
                    "ZEI",
                    1,
                    Kind.FULL,
                    new Object[][] {
                        rec(RecordType.T, tax(year, HEAD, true)),
                        rec(RecordType.T, tax(year - 1, HEAD, true)),
                        rec(RecordType.T, tax(year, NOT_JAN1, false)),
                    });
            TestRecords.write(inbox, CITY, "INKAN", 1, Kind.FULL, new Object[][] {});
            await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 3);
            loaded = true;
        }
    }

    static int offeredYear() {
        LocalDate switchDay = LocalDate.of(TODAY.getYear(), 6, 10);
        return TODAY.isBefore(switchDay) ? TODAY.getYear() - 1 : TODAY.getYear();
    }

    static String[] tax(int year, String atena, boolean residentJan1) {
        return new String[] {
            "U",
            Integer.toString(year),
            atena,
            "北海道試験市本町一丁目1番地",
            residentJan1 ? "1" : "0",
            "EMPLOYER",
            "4000000",
            "0",
            "0",
            "0",
            "4000000",
            "1500000",
            "2500000",
            "3500",
            "150000",
            "1500",
            "100000",
            "0"
        };
    }

    private HttpResponse<byte[]> issue(String serial, String kind, String options)
            throws Exception {
        String body =
                "{\"transaction\":\""
                        + Http.newTransaction()
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + serial
                        + "\",\"kind\":\""
                        + kind
                        + "\""
                        + (options == null ? "" : ",\"options\":" + options)
                        + "}";
        return Http.post(baseUrl() + "/api/v1/certificates", "application/json", body);
    }

    private HttpResponse<byte[]> availability(String serial, String kind) throws Exception {
        return Http.post(
                baseUrl() + "/api/v1/availability",
                "application/json",
                "{\"transaction\":\""
                        + Http.newTransaction()
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + serial
                        + "\""
                        + (kind == null ? "" : ",\"kind\":\"" + kind + "\"")
                        + "}");
    }

    private static String pdfText(HttpResponse<byte[]> r, String saveAs) throws Exception {
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
        Path dir = Path.of("target/certificates");
        Files.createDirectories(dir);
        Files.write(dir.resolve(saveAs + ".pdf"), r.body());
        return Pdfs.compact(Pdfs.text(r.body()));
    }

    private static void refused(HttpResponse<byte[]> r, int status, String code) {
        String body = Http.body(r);
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(body).contains("\"code\":\"" + code + "\"").doesNotContain("Exception");
        assertThat(r.headers().firstValue("X-Kofu-Issue-Number")).isEmpty();
    }

    @Test
    void wholeHouseholdInTheKojinLayoutIsOnePersonASheetWithTheCertificationOnTheLastOnly()
            throws Exception {
        HttpResponse<byte[]> r = issue("SK00000000000001", "JUMINHYO", null);
        String text = pdfText(r, "990002-juminhyo-kojin-household");
        assertThat(Pdfs.pages(r.body())).isEqualTo(4);
        assertThat(text)
                .contains("この写しは、世帯全員の住民票の原本と相違ないことを証明する。")
                .contains("（1/4）")
                .contains("（4/4）")
                .contains("北海道試験市長試験太郎");
        assertThat(text.indexOf("この写しは")).isGreaterThan(text.indexOf("（3/4）"));
        // 世帯主・続柄, 本籍・筆頭者 and the codes are left out unless asked for
        assertThat(text)
                .doesNotContain("世帯主試験一郎")
                .doesNotContain("長男")
                .doesNotContain("本籍")
                .doesNotContain("12345678901")
                .doesNotContain("個人番号");
        assertThat(text.indexOf("試験一郎")).isLessThan(text.indexOf("試験花子"));
        assertThat(text.indexOf("試験次郎")).isLessThan(text.indexOf("試験桜"));
    }

    @Test
    void chosenMembersWithOptionalItemsGetThePartialWording() throws Exception {
        HttpResponse<byte[]> listing = availability("SK00000000000001", "JUMINHYO");
        assertThat(listing.statusCode()).as(Http.body(listing)).isEqualTo(200);
        JsonNode list = JSON.readTree(listing.body()).get("household");
        assertThat(list.get("members")).hasSize(4);
        assertThat(list.get("members").get(0).get("relationship").asText()).isEqualTo("世帯主");
        assertThat(list.get("members").get(1).get("name").asText()).isEqualTo("試験　花子");
        String version = list.get("version").asText();

        HttpResponse<byte[]> r =
                issue(
                        "SK00000000000001",
                        "JUMINHYO",
                        "{\"members\":[1,2],\"household\":\""
                                + version
                                + "\",\"householdHead\":true,\"honseki\":true,\"juminhyoCode\":true,\"myNumber\":true}");
        String text = pdfText(r, "990002-juminhyo-partial-options");
        assertThat(Pdfs.pages(r.body())).isEqualTo(2);
        assertThat(text)
                .contains("この写しは、住民票の原本と相違ないことを証明する。")
                .doesNotContain("世帯全員")
                .contains("世帯主試験一郎")
                .contains("世帯主")
                .contains("妻")
                .contains("本籍北海道試験市本町一丁目1番地")
                .contains("筆頭者試験一郎")
                .contains("12345678901")
                .contains("個人番号" + MY_NUMBER)
                .doesNotContain("試験次郎");

        // a list chosen on an older listing is never applied to the household as it is now
        refused(
                issue(
                        "SK00000000000001",
                        "JUMINHYO",
                        "{\"members\":[1],\"household\":\"0000000000000000\"}"),
                422,
                "REPLICA_CHANGED");
        refused(
                issue(
                        "SK00000000000001",
                        "JUMINHYO",
                        "{\"members\":[5],\"household\":\"" + version + "\"}"),
                400,
                "INVALID_SELECTION");
        refused(
                issue("SK00000000000001", "JUMINHYO", "{\"members\":[1]}"),
                400,
                "MALFORMED_REQUEST");
        refused(
                issue("SK00000000000001", "JUMINHYO", "{\"taxYear\":2025}"),
                400,
                "MALFORMED_REQUEST");
        refused(
                issue("SK00000000000001", "JUMINHYO", "{\"colour\":true}"),
                400,
                "MALFORMED_REQUEST");
    }

    @Test
    void selfOnlyAndTheKisaiCertificate() throws Exception {
        String self =
                pdfText(
                        issue("SK00000000000002", "JUMINHYO", "{\"members\":\"SELF\"}"),
                        "990002-juminhyo-self");
        assertThat(self).contains("試験花子").doesNotContain("試験一郎").contains("住民票の原本と相違ない");
        String kisai =
                pdfText(
                        issue(
                                "SK00000000000001",
                                "JUMINHYO_KISAI",
                                "{\"members\":\"SELF\",\"householdHead\":true}"),
                        "990002-kisai");
        assertThat(kisai)
                .contains("住民票記載事項証明書")
                .contains("上記の事項は、住民票の原本に記載されている事項と相違ないことを証明する。")
                .contains("試験一郎")
                .contains("北海道試験市本町一丁目1番地");
    }

    /**
     * The city's PAdES signature verifies with poppler's pdfsig, a tool nobody on the team wrote.
     */
    @Test
    void everyCertificateCarriesTheCitysSignature() throws Exception {
        HttpResponse<byte[]> r = issue("SK00000000000001", "JUMINHYO", "{\"members\":\"SELF\"}");
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
        Path pdf = Files.createTempFile("signed-", ".pdf");
        try {
            Files.write(pdf, r.body());
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    new java.io.File("/usr/bin/pdfsig").canExecute(), "pdfsig missing");
            Process p =
                    new ProcessBuilder("pdfsig", pdf.toString()).redirectErrorStream(true).start();
            String out =
                    new String(
                            p.getInputStream().readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            assertThat(out).contains("Signature is Valid").contains("Total document signed");
        } finally {
            Files.deleteIfExists(pdf);
        }
    }

    @Test
    void theAntiForgeryBandIsLeftFree() throws Exception {
        HttpResponse<byte[]> r = issue("SK00000000000001", "JUMINHYO", "{\"members\":\"SELF\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        // nothing is drawn in the top 12 mm margin + 20 mm band: the first text starts below 32 mm
        assertThat(topmostTextMm(r.body())).isGreaterThan(32.0);
    }

    /** The distance from the top edge of the first page to the top of its highest glyph, in mm. */
    static double topmostTextMm(byte[] pdf) throws Exception {
        double[] top = {Double.MAX_VALUE};
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            org.apache.pdfbox.text.PDFTextStripper s =
                    new org.apache.pdfbox.text.PDFTextStripper() {
                        @Override
                        protected void writeString(
                                String text,
                                java.util.List<org.apache.pdfbox.text.TextPosition> positions) {
                            for (org.apache.pdfbox.text.TextPosition p : positions) {
                                top[0] = Math.min(top[0], p.getYDirAdj() - p.getHeightDir());
                            }
                        }
                    };
            s.setStartPage(1);
            s.setEndPage(1);
            s.getText(doc);
        }
        return top[0] * 25.4 / 72;
    }

    @Test
    void taxYearsTheMunicipalityOffersAndTheOnesItDoesNot() throws Exception {
        int year = offeredYear();
        String current =
                pdfText(issue("SK00000000000001", "SHOTOKU_KAZEI", null), "990002-shotoku-kazei");
        assertThat(current).contains("所得").contains("上記のとおり証明する。");
        assertThat(
                        issue("SK00000000000001", "SHOTOKU", "{\"taxYear\":" + (year - 1) + "}")
                                .statusCode())
                .isEqualTo(200);
        refused(
                issue("SK00000000000001", "SHOTOKU", "{\"taxYear\":" + (year - 2) + "}"),
                422,
                "NO_TAX_DATA");
        refused(
                issue("SK00000000000001", "SHOTOKU", "{\"taxYear\":" + (year - 3) + "}"),
                422,
                "TAX_YEAR_NOT_OFFERED");
        refused(
                issue("SK00000000000001", "SHOTOKU", "{\"taxYear\":" + (year + 1) + "}"),
                422,
                "TAX_YEAR_NOT_OFFERED");
        refused(
                issue("SK00000000000001", "KAZEI", "{\"taxVariant\":\"CHILD_ALLOWANCE\"}"),
                422,
                "TAX_VARIANT_NOT_OFFERED");
        refused(issue("SK00000000000002", "KAZEI", null), 422, "NO_TAX_DATA");
        refused(issue("SK00000000000015", "KAZEI", null), 422, "NOT_RESIDENT_ON_JAN_1");
        refused(
                issue("SK00000000000001", "INKAN", "{\"taxYear\":" + year + "}"),
                400,
                "MALFORMED_REQUEST");
    }

    @Test
    void theRefusalsTheGeneratedCityDoesNotShow() throws Exception {
        refused(issue("SK00000000000010", "JUMINHYO", null), 422, "ADULT_GUARDIANSHIP");
        refused(issue("SK00000000000011", "JUMINHYO", null), 422, "CARD_NOT_VALID");
        refused(issue("SK00000000000012", "JUMINHYO", null), 422, "RECORD_REMOVED");
        refused(issue("SK00000000000013", "JUMINHYO", null), 422, "MOVE_IN_TODAY");
        refused(issue("SK00000000000013", "SHOTOKU", null), 422, "MOVE_IN_TODAY");
        refused(issue("SK00000000000014", "JUMINHYO", null), 422, "FIELD_OVERFLOW");
        // §3.14: 閉庁市 (990003) is in a maintenance window: refused with the next opening
        HttpResponse<byte[]> closed =
                Http.post(
                        baseUrl() + "/api/v1/certificates",
                        "application/json",
                        Http.issueJson("990003", "SK00000000000001", "JUMINHYO"));
        refused(closed, 422, "OUTSIDE_SERVICE_HOURS");
        assertThat(Http.body(closed)).contains("\"nextOpening\":\"2999-12-31T00:00:00+09:00\"");
        JsonNode ward = JSON.readTree(availability("SK00000000000010", null).body());
        assertThat(ward.get("kinds").findValuesAsText("code")).contains("ADULT_GUARDIANSHIP");
        assertThat(ward.get("household")).isNull();
    }
}
