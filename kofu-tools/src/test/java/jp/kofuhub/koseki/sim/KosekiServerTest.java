package jp.kofuhub.koseki.sim;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static jp.kofuhub.support.TestRecords.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Font;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import jp.kofuhub.generator.CityGenerator;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.Pdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The koseki certificate server simulator over real HTTP, on a small synthetic JUKI FULL. */
class KosekiServerTest {

    static final String CITY = "012343";
    static final String PREFIX = "北海道北広島市";
    static final String KITANO = "北海道北広島市中央一丁目1番地";
    static final String MINAMIDA = "北海道北広島市共栄町二丁目3番地";
    static final String HIGASHIYAMA = "北海道北広島市大曲1番地";
    static final String NISHIKAWA = "北海道北広島市輪厚2番地";
    static final String ENDO = "北海道北広島市西の里5番地";
    static final String SAPPORO = "北海道札幌市中央区北1条西2丁目";

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir static Path tmp;
    static Path juki;
    static KosekiServer server;
    static KosekiCertificates certificates;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        List<Object[]> records = new ArrayList<>();
        records.add(rec(RecordType.H, household("1001", atena(1001), "北海道北広島市中央一丁目5番地3")));
        records.add(rec(RecordType.H, household("1002", atena(1002), "北海道北広島市共栄町一丁目1番地")));
        records.add(
                person(
                        atena(1001),
                        1,
                        "1001",
                        "北野",
                        "一郎",
                        "世帯主",
                        LocalDate.of(1970, 3, 10),
                        "1",
                        KITANO,
                        "北野　一郎"));
        records.add(
                person(
                        atena(1011),
                        1,
                        "1001",
                        "北野",
                        "花子",
                        "妻",
                        LocalDate.of(1972, 5, 2),
                        "2",
                        KITANO,
                        "北野　一郎"));
        records.add(
                person(
                        atena(1021),
                        1,
                        "1001",
                        "北野",
                        "次郎",
                        "子",
                        LocalDate.of(2001, 7, 7),
                        "1",
                        KITANO,
                        "北野　一郎"));
        // a later 履歴 counts: the grandmother died (REMOVED, 死亡) and stays in the 戸籍, marked
        records.add(
                person(
                        atena(1031),
                        1,
                        "1001",
                        "北野",
                        "梅",
                        "母",
                        LocalDate.of(1940, 1, 20),
                        "2",
                        KITANO,
                        "北野　一郎"));
        Object[] died =
                person(
                        atena(1031),
                        2,
                        "1001",
                        "北野",
                        "梅",
                        "母",
                        LocalDate.of(1940, 1, 20),
                        "2",
                        KITANO,
                        "北野　一郎");
        set((String[]) died[1], "status", "REMOVED");
        set((String[]) died[1], "change_reason", "死亡");
        records.add(died);
        records.add(
                person(
                        atena(1002),
                        1,
                        "1002",
                        "南田",
                        "太郎",
                        "世帯主",
                        LocalDate.of(1960, 8, 1),
                        "1",
                        MINAMIDA,
                        "南田　太郎"));
        records.add(
                person(
                        atena(1012),
                        1,
                        "1002",
                        "東山",
                        "三郎",
                        "同居人",
                        LocalDate.of(1955, 2, 3),
                        "1",
                        HIGASHIYAMA,
                        "東山　三郎"));
        records.add(
                person(
                        atena(1022),
                        1,
                        "1002",
                        "西川",
                        "四郎",
                        "同居人",
                        LocalDate.of(1985, 12, 24),
                        "1",
                        NISHIKAWA,
                        "西川　四郎"));
        records.add(
                person(
                        atena(1032),
                        1,
                        "1002",
                        "札幌",
                        "五郎",
                        "同居人",
                        LocalDate.of(1990, 4, 1),
                        "1",
                        SAPPORO,
                        "札幌　五郎"));
        // moved his 本籍 out of the city in a later 履歴: no longer in the book
        records.add(
                person(
                        atena(1042),
                        1,
                        "1002",
                        "転籍",
                        "六郎",
                        "同居人",
                        LocalDate.of(1991, 4, 1),
                        "1",
                        HIGASHIYAMA,
                        "東山　三郎"));
        records.add(
                person(
                        atena(1042),
                        2,
                        "1002",
                        "転籍",
                        "六郎",
                        "同居人",
                        LocalDate.of(1991, 4, 1),
                        "1",
                        SAPPORO,
                        "転籍　六郎"));
        juki =
                jp.kofuhub.support.TestRecords.write(
                        tmp.resolve("juki"),
                        CITY,
                        1,
                        ExportHeader.Kind.FULL,
                        StandardCharsets.UTF_8,
                        records.toArray(new Object[0][]));
        Path overrides =
                Files.writeString(
                        tmp.resolve("overrides.tsv"),
                        String.join(
                                "\n",
                                "# honseki\thittosha\tSTATE",
                                MINAMIDA + "\t南田　太郎\tJOSEKI",
                                HIGASHIYAMA + "\t東山　三郎\tKAISEI_GENKOSEKI",
                                NISHIKAWA + "\t西川　四郎\tNOTIFICATION_PENDING",
                                ""));
        Path extra =
                Files.writeString(
                        tmp.resolve("extra.tsv"),
                        String.join(
                                "\n",
                                "# honseki\thittosha\tname\tbirthDate\tsex",
                                ENDO + "\t遠藤　冬子\t遠藤　冬子\t1980-01-15\t女",
                                KITANO + "\t北野　一郎\t北野　春子\t1999-04-04\t2",
                                ""));
        KosekiBook book = KosekiBook.load(juki, PREFIX, overrides, extra);
        certificates =
                new KosekiCertificates(
                        Path.of("fonts/ipaexm.ttf"),
                        PREFIX,
                        KosekiCertificates.demoSigner(
                                jp.kofuhub.support.TestHub.KEYS,
                                jp.kofuhub.demo.DemoKeys.DEFAULT_PASSWORD.toCharArray(),
                                PREFIX));
        server = new KosekiServer(book, certificates, 0);
        server.start();
        url = "http://127.0.0.1:" + server.port() + KosekiServer.PATH;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static Object[] person(
            String atena,
            int history,
            String household,
            String family,
            String given,
            String rel,
            LocalDate birth,
            String sex,
            String honseki,
            String hittosha) {
        String[] f = resident(atena, history, household, family, given, rel, birth, "RESIDENT");
        set(f, "sex", sex);
        set(f, "honseki", honseki);
        set(f, "hittosha", hittosha);
        return rec(RecordType.R, f);
    }

    static String request(
            String requestId,
            String kind,
            String honseki,
            String hittosha,
            String name,
            String birth,
            Boolean honsekiHittosha)
            throws Exception {
        var root =
                JSON.createObjectNode()
                        .put("requestId", requestId)
                        .put("municipality", CITY)
                        .put("kind", kind)
                        .put("honseki", honseki)
                        .put("hittosha", hittosha);
        root.putObject("person").put("name", name).put("birthDate", birth);
        if (honsekiHittosha != null) {
            root.putObject("options").put("honsekiHittosha", honsekiHittosha);
        }
        return JSON.writeValueAsString(root);
    }

    static HttpResponse<byte[]> post(String body) throws Exception {
        return Http.post(url, "application/json", body);
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Checks the 200 answer against what was asked; returns the PDF's text. */
    static String certificate(
            HttpResponse<byte[]> r,
            String requestId,
            String kind,
            String honseki,
            String hittosha,
            String name,
            String birth)
            throws Exception {
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/pdf");
        String subject = sha256(honseki + "\n" + hittosha + "\n" + name + "\n" + birth);
        assertThat(r.headers().firstValue("X-Koseki-Request-Id")).hasValue(requestId);
        assertThat(r.headers().firstValue("X-Koseki-Kind")).hasValue(kind);
        assertThat(r.headers().firstValue("X-Koseki-Subject")).hasValue(subject);
        try (PDDocument doc = Loader.loadPDF(r.body())) {
            PDDocumentInformation info = doc.getDocumentInformation();
            assertThat(info.getSubject()).isEqualTo(subject);
            assertThat(info.getKeywords()).isEqualTo(requestId + " " + kind);
        }
        assertThat(Pdfs.fonts(r.body())).allSatisfy(f -> assertThat(f).endsWith(" embedded"));
        String text = Pdfs.compact(Pdfs.text(r.body()));
        assertThat(text)
                .contains(name.replace("\u3000", ""))
                .contains("北海道北広島市長模擬")
                .contains("発行番号" + requestId);
        return text;
    }

    static java.security.cert.X509Certificate kosekiCertificate() throws Exception {
        try (var in =
                java.nio.file.Files.newInputStream(
                        jp.kofuhub.support.TestHub.KEYS.resolve("koseki-server.crt"))) {
            return (java.security.cert.X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(in);
        }
    }

    @Test
    void zenbuHoldsTheWholeKoseki() throws Exception {
        String id = "20261126-012343-K1-P1-000001";
        HttpResponse<byte[]> r =
                post(request(id, "KOSEKI_ZENBU", KITANO, "北野　一郎", "北野　花子", "1972-05-02", null));
        String text = certificate(r, id, "KOSEKI_ZENBU", KITANO, "北野　一郎", "北野　花子", "1972-05-02");
        assertThat(text)
                .contains("戸籍全部事項証明書")
                .contains(KITANO)
                .contains("北野一郎")
                .contains("北野次郎")
                .contains("北野春子")
                .contains("北野梅")
                .contains("【除籍】死亡")
                .contains("【生年月日】昭和47年5月2日【配偶者区分】妻")
                // issue #18: a computerised 戸籍 — 戸籍事項 with 編製, 身分事項 with 出生 and 婚姻, 父母 and 続柄
                .contains("戸籍事項")
                .contains("【編製日】")
                .contains("身分事項")
                .contains("【出生日】昭和45年3月10日")
                .contains("【婚姻日】")
                .contains("【配偶者氏名】北野花子")
                .contains("【従前戸籍】")
                .contains("【父】北野一郎")
                .contains("【母】北野花子")
                .contains("【続柄】長男")
                .contains("【続柄】長女")
                .contains("これは、戸籍に記録されている事項の全部を証明した書面である。");
        // PAdES-signed with the city's 戸籍 key over the whole file, with the 公印 on the last page
        assertThat(
                        jp.kofuhub.render.PdfSignatureCheck.check(
                                        r.body(), kosekiCertificate(), new java.util.Date())
                                .pages())
                .isPositive();
        // the 筆頭者 is the first member
        assertThat(text.indexOf("【氏名】北野一郎")).isLessThan(text.indexOf("【氏名】北野梅"));
        sample("koseki-zenbu.pdf", r.body());
    }

    /** Keeps a made certificate under target/koseki-samples to look at (pdftoppm -r 80). */
    private static void sample(String name, byte[] pdf) throws java.io.IOException {
        Path dir = Files.createDirectories(Path.of("target", "koseki-samples"));
        Files.write(dir.resolve(name), pdf);
    }

    @Test
    void kojinHoldsThePersonOnly() throws Exception {
        String id = "20261126-012343-K1-P1-000002";
        HttpResponse<byte[]> r =
                post(request(id, "KOSEKI_KOJIN", KITANO, "北野　一郎", "北野　次郎", "2001-07-07", null));
        String text = certificate(r, id, "KOSEKI_KOJIN", KITANO, "北野　一郎", "北野　次郎", "2001-07-07");
        sample("koseki-kojin.pdf", r.body());
        assertThat(text)
                .contains("戸籍個人事項証明書")
                .contains(KITANO)
                .contains("北野一郎")
                .contains("【生年月日】平成13年7月7日")
                .contains("【父】北野一郎")
                .contains("【母】北野花子")
                .contains("【続柄】長男")
                .contains("これは、戸籍に記録されている事項の一部を証明した書面である。")
                .doesNotContain("【氏名】北野花子")
                .doesNotContain("北野梅");
    }

    @Test
    void fuhyoPrintsHonsekiAndHittoshaOnlyWhenAsked() throws Exception {
        String id = "20261126-012343-K1-P1-000003";
        HttpResponse<byte[]> fuhyo =
                post(request(id, "KOSEKI_FUHYO", KITANO, "北野　一郎", "北野　花子", "1972-05-02", null));
        sample("koseki-fuhyo.pdf", fuhyo.body());
        String plain =
                certificate(fuhyo, id, "KOSEKI_FUHYO", KITANO, "北野　一郎", "北野　花子", "1972-05-02");
        assertThat(plain)
                .contains("戸籍の附票の写し")
                // issue #18: the address of the JUKI export, 住所を定めた年月日 and 性別
                .contains("北海道北広島市中央一丁目5番地3")
                .contains("【住所を定めた年月日】")
                .contains("【性別】女")
                .contains("この写しは、戸籍の附票の原本と相違ないことを証明する。")
                .doesNotContain(KITANO)
                .doesNotContain("北野一郎");
        String off =
                certificate(
                        post(
                                request(
                                        id,
                                        "KOSEKI_FUHYO",
                                        KITANO,
                                        "北野　一郎",
                                        "北野　花子",
                                        "1972-05-02",
                                        false)),
                        id,
                        "KOSEKI_FUHYO",
                        KITANO,
                        "北野　一郎",
                        "北野　花子",
                        "1972-05-02");
        assertThat(off).doesNotContain(KITANO);
        String with =
                certificate(
                        post(
                                request(
                                        id,
                                        "KOSEKI_FUHYO",
                                        KITANO,
                                        "北野　一郎",
                                        "北野　花子",
                                        "1972-05-02",
                                        true)),
                        id,
                        "KOSEKI_FUHYO",
                        KITANO,
                        "北野　一郎",
                        "北野　花子",
                        "1972-05-02");
        assertThat(with).contains("本籍" + KITANO).contains("筆頭者北野一郎");
    }

    @Test
    void anExtraPersonLivingElsewhereGetsACertificate() throws Exception {
        String id = "20261126-012343-K1-P1-000004";
        certificate(
                post(request(id, "KOSEKI_KOJIN", ENDO, "遠藤　冬子", "遠藤　冬子", "1980-01-15", null)),
                id,
                "KOSEKI_KOJIN",
                ENDO,
                "遠藤　冬子",
                "遠藤　冬子",
                "1980-01-15");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(MINAMIDA, "南田　太郎", "南田　太郎", "1960-08-01", "JOSEKI"),
                Arguments.of(HIGASHIYAMA, "東山　三郎", "東山　三郎", "1955-02-03", "KAISEI_GENKOSEKI"),
                Arguments.of(NISHIKAWA, "西川　四郎", "西川　四郎", "1985-12-24", "NOTIFICATION_PENDING"),
                // the person is not in the 戸籍: wrong birth date, wrong name, wrong 筆頭者
                Arguments.of(KITANO, "北野　一郎", "北野　花子", "1972-05-03", "UNKNOWN_PERSON"),
                Arguments.of(KITANO, "北野　一郎", "北野　はなこ", "1972-05-02", "UNKNOWN_PERSON"),
                Arguments.of(KITANO, "北野　花子", "北野　花子", "1972-05-02", "UNKNOWN_PERSON"),
                // a half-width space is not the registered name
                Arguments.of(KITANO, "北野　一郎", "北野 花子", "1972-05-02", "UNKNOWN_PERSON"),
                // 本籍 outside the city, and a 本籍 moved out in the latest 履歴
                Arguments.of(SAPPORO, "札幌　五郎", "札幌　五郎", "1990-04-01", "UNKNOWN_PERSON"),
                Arguments.of(HIGASHIYAMA, "東山　三郎", "転籍　六郎", "1991-04-01", "UNKNOWN_PERSON"),
                // a stranger asking for a closed 戸籍 learns nothing of its state
                Arguments.of(MINAMIDA, "南田　太郎", "北野　花子", "1972-05-02", "UNKNOWN_PERSON"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refusesWith422(String honseki, String hittosha, String name, String birth, String code)
            throws Exception {
        HttpResponse<byte[]> r =
                post(
                        request(
                                "20261126-012343-K1-P1-000010",
                                "KOSEKI_ZENBU",
                                honseki,
                                hittosha,
                                name,
                                birth,
                                null));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(r.headers().firstValue("X-Koseki-Subject")).isEmpty();
    }

    static Stream<String> malformed() throws Exception {
        String good =
                request(
                        "20261126-012343-K1-P1-000020",
                        "KOSEKI_ZENBU",
                        KITANO,
                        "北野　一郎",
                        "北野　花子",
                        "1972-05-02",
                        null);
        return Stream.of(
                "",
                "not json",
                "[]",
                good.substring(0, good.length() - 1),
                good.replace("\"KOSEKI_ZENBU\"", "\"KOSEKI_TOHON\""),
                good.replace("1972-05-02", "1972-5-2"),
                good.replace("1972-05-02", "1972-02-30"),
                good.replace("\"012343\"", "\"12343\""),
                good.replace("\"012343\"", "\"011002\""),
                good.replace(
                        "\"requestId\":\"20261126-012343-K1-P1-000020\"", "\"requestId\":\"a b\""),
                good.replace("\"requestId\":\"20261126-012343-K1-P1-000020\",", ""),
                good.replace("\"honseki\":\"" + KITANO + "\"", "\"honseki\":\"\""),
                good.replace("\"honseki\":\"" + KITANO + "\"", "\"honseki\":42"),
                good.replace("\"person\":{", "\"person\":{\"sex\":\"2\","),
                good.replace("}}", "},\"atenaNo\":\"1\"}"),
                good.replace("}}", "},\"options\":{\"honsekiHittosha\":\"yes\"}}"),
                good.replace("}}", "},\"kind\":\"KOSEKI_KOJIN\"}"),
                good.replace("北野　花子", "北野\\u0000花子"),
                good.replace(
                        "}}",
                        "},\"options\":{\"honsekiHittosha\":true},\"pad\":\""
                                + "x".repeat(9000)
                                + "\"}"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedIs400(String body) throws Exception {
        HttpResponse<byte[]> r = post(body);
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo("MALFORMED_REQUEST");
    }

    @Test
    void wrongContentTypeIs400() throws Exception {
        String good =
                request(
                        "20261126-012343-K1-P1-000021",
                        "KOSEKI_ZENBU",
                        KITANO,
                        "北野　一郎",
                        "北野　花子",
                        "1972-05-02",
                        null);
        assertThat(Http.post(url, "text/plain", good).statusCode()).isEqualTo(400);
        assertThat(Http.post(url, null, good).statusCode()).isEqualTo(400);
        assertThat(Http.post(url, "application/json; charset=Shift_JIS", good).statusCode())
                .isEqualTo(400);
        assertThat(Http.post(url, "application/json; charset=UTF-8", good).statusCode())
                .isEqualTo(200);
    }

    @Test
    void otherMethodsAre405AndOtherPaths404() throws Exception {
        HttpResponse<byte[]> get =
                CLIENT.send(
                        HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<byte[]> put =
                CLIENT.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                                .header("Content-Type", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(put.statusCode()).isEqualTo(405);
        HttpResponse<byte[]> other =
                Http.post(url.replace("/certificates", "/other"), "application/json", "{}");
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void listensOnlyOnTheHubsAddress() throws Exception {
        // issue #19: with SERVER_ADDRESS (server.address) set, the simulator binds there only, as
        // the demo starts it (DemoCity) and as koseki-server --address does
        KosekiServer local =
                new KosekiServer(
                        KosekiBook.load(juki, PREFIX, null, null),
                        certificates,
                        KosekiServer.listenAddress("127.0.0.2", 0),
                        1);
        local.start();
        try {
            try (java.net.Socket ok = new java.net.Socket("127.0.0.2", local.port())) {
                assertThat(ok.isConnected()).isTrue();
            }
            assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", local.port()).close())
                    .isInstanceOf(java.net.ConnectException.class);
        } finally {
            local.stop();
        }
        assertThat(KosekiServer.listenAddress(" ", 8091).getAddress().isAnyLocalAddress()).isTrue();
        assertThat(KosekiServer.listenAddress(null, 8091).getAddress().isAnyLocalAddress())
                .isTrue();
    }

    @Test
    void theBookCountsItsKoseki() throws Exception {
        KosekiBook book = KosekiBook.load(juki, PREFIX, null, null);
        // 北野, 南田, 東山 (three 戸籍 of the city); 札幌 and the moved 本籍 are elsewhere
        assertThat(book.size()).isEqualTo(4);
        assertThat(book.municipality()).isEqualTo(CITY);
        assertThat(book.find(KITANO, "北野　一郎").orElseThrow().members())
                .extracting(KosekiBook.Member::name)
                .containsExactly("北野　一郎", "北野　梅", "北野　花子", "北野　次郎");
        assertThat(book.find(MINAMIDA, "南田　太郎").orElseThrow().state())
                .isEqualTo(KosekiBook.State.ACTIVE);
        assertThat(book.find(SAPPORO, "札幌　五郎")).isEmpty();
    }

    @Test
    void badTsvLinesFailTheLoadNamingTheLine() throws Exception {
        Path unknown =
                Files.writeString(
                        tmp.resolve("unknown.tsv"), "# x\n" + KITANO + "\t北野　花子\tJOSEKI\n");
        assertThatThrownBy(() -> KosekiBook.load(juki, PREFIX, unknown, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown.tsv line 2")
                .hasMessageNotContaining("北野");
        Path badState = Files.writeString(tmp.resolve("state.tsv"), KITANO + "\t北野　一郎\tCLOSED\n");
        assertThatThrownBy(() -> KosekiBook.load(juki, PREFIX, badState, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1");
        Path elsewhere =
                Files.writeString(
                        tmp.resolve("elsewhere.tsv"), SAPPORO + "\t札幌　七子\t札幌　七子\t2000-01-01\t2\n");
        assertThatThrownBy(() -> KosekiBook.load(juki, PREFIX, null, elsewhere))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in the city");
        Path shortLine =
                Files.writeString(tmp.resolve("short.tsv"), ENDO + "\t遠藤　冬子\t遠藤　冬子\t1980-01-15\n");
        assertThatThrownBy(() -> KosekiBook.load(juki, PREFIX, null, shortLine))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 tab-separated fields");
    }

    @Test
    void aGeneratedCityServesItsResidents() throws Exception {
        Path out = tmp.resolve("city");
        CityGenerator.Result city =
                CityGenerator.generate(
                        out,
                        CITY,
                        120,
                        7L,
                        StandardCharsets.UTF_8,
                        LocalDate.of(2026, 11, 26),
                        tmp.resolve("cards.csv"));
        Path full =
                city.files().stream()
                        .filter(
                                f ->
                                        f.getFileName()
                                                .toString()
                                                .endsWith("_JUKI_000000001_FULL.kexp"))
                        .findFirst()
                        .orElseThrow();
        KosekiBook book = KosekiBook.load(full, PREFIX, null, null);
        assertThat(book.size()).isPositive();
        assertThat(book.all()).allSatisfy(k -> assertThat(k.honseki()).startsWith(PREFIX));
        Font ipaex = Font.createFont(Font.TRUETYPE_FONT, Path.of("fonts/ipaexm.ttf").toFile());
        KosekiBook.Koseki k =
                book.all().stream()
                        .filter(
                                x ->
                                        x.members().stream()
                                                        .allMatch(
                                                                m ->
                                                                        ipaex.canDisplayUpTo(
                                                                                        m.name())
                                                                                < 0)
                                                && ipaex.canDisplayUpTo(x.honseki() + x.hittosha())
                                                        < 0)
                        .findFirst()
                        .orElseThrow();
        KosekiBook.Member m = k.members().get(k.members().size() - 1);
        try (KosekiServer generated = new KosekiServer(book, certificates, 0)) {
            generated.start();
            String body =
                    request(
                            "20261126-012343-K1-P1-000030",
                            "KOSEKI_ZENBU",
                            k.honseki(),
                            k.hittosha(),
                            m.name(),
                            m.birthDate().toString(),
                            null);
            HttpResponse<byte[]> r =
                    Http.post(
                            "http://127.0.0.1:" + generated.port() + KosekiServer.PATH,
                            "application/json",
                            body);
            String text =
                    certificate(
                            r,
                            "20261126-012343-K1-P1-000030",
                            "KOSEKI_ZENBU",
                            k.honseki(),
                            k.hittosha(),
                            m.name(),
                            m.birthDate().toString());
            for (KosekiBook.Member each : k.members()) {
                assertThat(text).contains(each.name().replace("\u3000", ""));
            }
        }
    }

    @Test
    void theCommandRefusesBadArguments() {
        assertThat(KosekiServerCommand.run(new String[0])).isEqualTo(2);
        assertThat(KosekiServerCommand.run(new String[] {"--juki", juki.toString(), "--port", "x"}))
                .isEqualTo(2);
        assertThat(
                        KosekiServerCommand.run(
                                new String[] {"--juki", juki.toString(), "--bogus", "1"}))
                .isEqualTo(2);
        assertThat(
                        KosekiServerCommand.run(
                                new String[] {
                                    "--juki", tmp.resolve("missing.kexp").toString(), "--port", "0"
                                }))
                .isEqualTo(1);
        // --tls / --pgp are flags; without the key files there is nothing to serve with
        assertThat(
                        KosekiServerCommand.run(
                                new String[] {
                                    "--juki",
                                    juki.toString(),
                                    "--port",
                                    "0",
                                    "--tls",
                                    "--keys",
                                    tmp.resolve("no-keys").toString()
                                }))
                .isEqualTo(1);
        assertThat(
                        KosekiServerCommand.run(
                                new String[] {
                                    "--juki",
                                    juki.toString(),
                                    "--port",
                                    "0",
                                    "--pgp",
                                    "--keys",
                                    tmp.resolve("no-keys").toString()
                                }))
                .isEqualTo(1);
        assertThat(
                        KosekiServerCommand.run(
                                new String[] {"--juki", juki.toString(), "--tls", "--port"}))
                .isEqualTo(2);
    }

    @Test
    void sameRequestTwiceMakesTheSameCertificateAgain() throws Exception {
        String id = "20261126-012343-K1-P1-000005";
        String body = request(id, "KOSEKI_KOJIN", KITANO, "北野　一郎", "北野　春子", "1999-04-04", null);
        String a =
                certificate(post(body), id, "KOSEKI_KOJIN", KITANO, "北野　一郎", "北野　春子", "1999-04-04");
        String b =
                certificate(post(body), id, "KOSEKI_KOJIN", KITANO, "北野　一郎", "北野　春子", "1999-04-04");
        assertThat(a).isEqualTo(b);
    }
}
