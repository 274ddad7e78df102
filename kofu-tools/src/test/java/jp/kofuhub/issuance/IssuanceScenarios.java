package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.Pdfs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end: a generated city goes through the real sync route into the
 * replica, and the issuance centre's HTTP request gets a 住民票 PDF or a documented refusal. Runs on
 * H2 and on PostgreSQL (the concrete subclasses).
 */
abstract class IssuanceScenarios extends HubTestBase {

    static final String CITY = "012343";
    private static final Map<Class<?>, CityGenerator.Result> CITIES = new ConcurrentHashMap<>();

    CityGenerator.Result city;

    @BeforeEach
    void cityLoaded() {
        city =
                CITIES.computeIfAbsent(
                        getClass(),
                        c -> {
                            try {
                                CityGenerator.Result r =
                                        CityGenerator.generate(
                                                inbox,
                                                CITY,
                                                300,
                                                7L,
                                                StandardCharsets.UTF_8,
                                                LocalDate.now(java.time.ZoneId.of("Asia/Tokyo")),
                                                inbox.resolveSibling("cards-" + CITY + ".csv"));
                                await().atMost(SYNC_WAIT)
                                        .until(() -> appliedFiles(CITY) == r.files().size());
                                return r;
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
    }

    private HttpResponse<byte[]> issue(String serial) throws Exception {
        return Http.post(
                baseUrl() + "/api/v1/certificates",
                "application/json",
                Http.issueJson(CITY, serial, "JUMINHYO"));
    }

    @Test
    void showcaseHouseholdGetsItsJuminhyoInStandardOrder() throws Exception {
        HttpResponse<byte[]> r = issue(city.showcaseSerial());
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/pdf"));
        assertThat(r.headers().firstValue("X-Kofu-Issue-Number"))
                .hasValueSatisfying(n -> assertThat(n).matches("\\d{8}-012343-K1-P1-\\d{6}"));

        String text = Pdfs.compact(Pdfs.text(r.body()));
        String householdNo =
                jdbc.queryForObject(
                        "select r.household_no from card_serial c join resident r on"
                                + " r.municipality_code = c.municipality_code and r.atena_no = c.atena_no where c.municipality_code = ?"
                                + " and c.serial = ?",
                        String.class,
                        CITY,
                        city.showcaseSerial());
        Map<String, Object> household =
                jdbc.queryForMap(
                        "select address, katagaki from household where municipality_code = ?"
                                + " and household_no = ?",
                        CITY,
                        householdNo);
        List<Map<String, Object>> members =
                jdbc.queryForList(
                        "select family_name, given_name, relationship, birth_date"
                                + " from resident where municipality_code = ? and household_no = ? and status <> 'REMOVED'",
                        CITY,
                        householdNo);
        assertThat(members).hasSize(4);

        assertThat(text).contains("住民票（写し）");
        assertThat(text).contains(Pdfs.compact((String) household.get("address")));
        assertThat(text).contains("この写しは、世帯全員の住民票の原本と相違ないことを証明する。");
        assertThat(text).contains("北海道北広島市長北野広志");
        assertThat(text)
                .contains("発行番号" + r.headers().firstValue("X-Kofu-Issue-Number").orElseThrow());
        assertThat(text).doesNotContain("#");

        // standard order: 世帯主, 妻, then the children by birth date
        List<String> expected =
                members.stream()
                        .sorted(
                                (a, b) -> {
                                    int ra = rank((String) a.get("relationship"));
                                    int rb = rank((String) b.get("relationship"));
                                    return ra != rb
                                            ? Integer.compare(ra, rb)
                                            : ((java.sql.Date) a.get("birth_date"))
                                                    .compareTo((java.sql.Date) b.get("birth_date"));
                                })
                        .map(m -> (String) m.get("family_name") + m.get("given_name"))
                        .toList();
        int at = -1;
        for (String name : expected) {
            int next = text.indexOf(name, at + 1);
            assertThat(next).as("%s after position %d", name, at).isGreaterThan(at);
            at = next;
        }
        assertThat(Pdfs.fonts(r.body()))
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f).endsWith(" embedded"));
    }

    private static int rank(String relationship) {
        return switch (relationship) {
            case "世帯主" -> 0;
            case "妻", "夫" -> 1;
            default -> 2;
        };
    }

    @Test
    void smartphoneCertificateOfTheSamePersonWorksToo() throws Exception {
        HttpResponse<byte[]> r = issue(city.showcasePhoneSerial());
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
    }

    @Test
    void everyIssueGetsItsOwnNumber() throws Exception {
        String a =
                issue(city.showcaseSerial())
                        .headers()
                        .firstValue("X-Kofu-Issue-Number")
                        .orElseThrow();
        String b =
                issue(city.showcaseSerial())
                        .headers()
                        .firstValue("X-Kofu-Issue-Number")
                        .orElseThrow();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void refusalsCarryTheirCodes() throws Exception {
        assertRefused(city.moveOutPlannedSerial(), 422, "MOVE_OUT_FILED");
        assertRefused(
                city.householdMemberOfMoveOutPlannedSerial(), 422, "HOUSEHOLD_MOVE_OUT_FILED");
        assertRefused(city.movedOutSerial(), 422, "MOVED_OUT");
        assertRefused(city.deceasedSerial(), 422, "DECEASED");
        assertRefused(city.childSerial(), 422, "UNDER_15");
        assertRefused("FFFFFFFFFFFFFFFF", 404, "UNKNOWN_CARD");
    }

    @Test
    void theShowcaseHolderGetsSealAndTaxCertificates() throws Exception {
        HttpResponse<byte[]> inkan =
                Http.post(
                        baseUrl() + "/api/v1/certificates",
                        "application/json",
                        Http.issueJson(CITY, city.showcaseSerial(), "INKAN"));
        assertThat(inkan.statusCode()).as(Http.body(inkan)).isEqualTo(200);
        assertThat(Pdfs.compact(Pdfs.text(inkan.body())))
                .contains("印鑑登録証明書")
                .contains("登録されている印影と相違ない");
        for (String kind : List.of("SHOTOKU", "KAZEI", "SHOTOKU_KAZEI")) {
            HttpResponse<byte[]> tax =
                    Http.post(
                            baseUrl() + "/api/v1/certificates",
                            "application/json",
                            Http.issueJson(CITY, city.showcaseSerial(), kind));
            assertThat(tax.statusCode()).as(kind + " " + Http.body(tax)).isEqualTo(200);
            String text = Pdfs.compact(Pdfs.text(tax.body()));
            assertThat(text)
                    .contains("上記のとおり証明する。")
                    .contains(city.taxFiscalYear() >= 2019 ? "令和" : "平成");
            if (!kind.equals("KAZEI")) {
                assertThat(text).contains("合計所得金額");
            }
        }
        assertError(
                Http.post(
                        baseUrl() + "/api/v1/certificates",
                        "application/json",
                        Http.issueJson(CITY, city.showcaseSpouseSerial(), "INKAN")),
                422,
                "NO_VALID_SEAL");
        if (!city.cancelledSealSerial().isEmpty()) {
            assertError(
                    Http.post(
                            baseUrl() + "/api/v1/certificates",
                            "application/json",
                            Http.issueJson(CITY, city.cancelledSealSerial(), "INKAN")),
                    422,
                    "NO_VALID_SEAL");
        }
    }

    @Test
    void rareGlyphIsRefusedOrDrawnNeverHashed() throws Exception {
        if (city.rareGlyphSerial().isEmpty()) {
            return;
        }
        HttpResponse<byte[]> r = issue(city.rareGlyphSerial());
        if (r.statusCode() == 200) {
            assertThat(Pdfs.text(r.body())).contains("\uD842\uDFB7").doesNotContain("#");
        } else {
            assertThat(Http.body(r)).contains("\"code\":\"GLYPH_UNAVAILABLE\"");
        }
    }

    @Test
    void badRequestsGetDocumentedCodesAndNoDocument() throws Exception {
        String url = baseUrl() + "/api/v1/certificates";
        assertError(
                Http.post(
                        url,
                        "application/json",
                        Http.issueJson("999999", city.showcaseSerial(), "JUMINHYO")),
                404,
                "UNKNOWN_MUNICIPALITY");
        assertError(
                Http.post(
                        url,
                        "application/json",
                        Http.issueJson(CITY, city.showcaseSerial(), "PASSPORT")),
                400,
                "UNKNOWN_CERTIFICATE_TYPE");
        assertError(
                Http.post(
                        url,
                        "application/json",
                        Http.issueJson("011002", city.showcaseSerial(), "KOSEKI_ZENBU")),
                422,
                "KIND_NOT_OFFERED");
        assertError(
                Http.post(url, "application/json", "{\"municipality\": \"012343\", "),
                400,
                "MALFORMED_REQUEST");
        assertError(Http.post(url, "application/json", "[1,2]"), 400, "MALFORMED_REQUEST");
        // 住民票コード and 個人番号 are printed only where the municipality allows it (北広島市 does not)
        assertError(
                Http.post(
                        url,
                        "application/json",
                        "{\"transaction\":\""
                                + Http.newTransaction()
                                + "\",\"municipality\":\"012343\",\"serial\":\""
                                + city.showcaseSerial()
                                + "\",\"kind\":\"JUMINHYO\",\"options\":{\"myNumber\":true}}"),
                422,
                "OPTION_NOT_OFFERED");
        assertError(
                Http.post(
                        url,
                        "application/json",
                        "{\"transaction\":\""
                                + Http.newTransaction()
                                + "\",\"municipality\":\"012343\",\"serial\":\""
                                + city.showcaseSerial()
                                + "\",\"kind\":\"JUMINHYO\",\"options\":{\"juminhyoCode\":true}}"),
                422,
                "OPTION_NOT_OFFERED");
        assertError(
                Http.post(
                        url,
                        "application/json",
                        "{\"transaction\":\"T1\",\"municipality\":\"012343\",\"kind\":\"JUMINHYO\"}"),
                400,
                "MALFORMED_REQUEST");
        assertError(
                Http.post(
                        url,
                        "application/json",
                        "{\"municipality\":\"012343\",\"serial\":\"x'; drop table resident;--\",\"kind\":\"JUMINHYO\"}"),
                400,
                "MALFORMED_REQUEST");
        assertError(
                Http.post(
                        url, "text/plain", Http.issueJson(CITY, city.showcaseSerial(), "JUMINHYO")),
                415,
                "UNSUPPORTED_MEDIA_TYPE");
        assertError(
                Http.post(url, null, Http.issueJson(CITY, city.showcaseSerial(), "JUMINHYO")),
                415,
                "UNSUPPORTED_MEDIA_TYPE");
        assertError(
                Http.post(
                        url,
                        "application/json",
                        "{\"municipality\":\"012343\",\"serial\":\""
                                + "A".repeat(5000)
                                + "\",\"kind\":\"JUMINHYO\"}"),
                413,
                "REQUEST_TOO_LARGE");
    }

    private void assertRefused(String serial, int status, String code) throws Exception {
        assertThat(serial).as("generator provides a serial for " + code).isNotEmpty();
        assertError(issue(serial), status, code);
    }

    private static void assertError(HttpResponse<byte[]> r, int status, String code) {
        String body = Http.body(r);
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(body)
                .contains("\"code\":\"" + code + "\"")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(r.headers().firstValue("X-Kofu-Issue-Number")).isEmpty();
    }
}
