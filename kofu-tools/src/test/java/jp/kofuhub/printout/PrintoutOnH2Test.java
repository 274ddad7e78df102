package jp.kofuhub.printout;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue #21 over HTTP, the whole hub: the test city 990110 has the printout code on (its profile)
 * and a printout key (TestHub); a 住民票 issued through the centre API carries the codes; the key set
 * the hub serves at {@code /printout/keys/990110.json} has the documented shape (no private part);
 * {@code verify-printout} on the PDF with that key set says VALID; another city's key set does not
 * verify it (UNKNOWN_KEY). The page and its files are served; nothing else under the path is.
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class PrintoutOnH2Test extends HubTestBase {

    static final String CITY = TestHub.PRINTOUT_CITY;
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCertificateIssuedThroughTheHubVerifiesAgainstTheKeySetTheHubServes() throws Exception {
        String a = atena(11001), b = atena(11002);
        TestRecords.write(
                inbox,
                CITY,
                1,
                Kind.FULL,
                StandardCharsets.UTF_8,
                new Object[][] {
                    rec(RecordType.H, household("1", a, "北海道北広島市中央１丁目１番１号")),
                    rec(
                            RecordType.R,
                            resident(
                                    a,
                                    1,
                                    "1",
                                    "証明",
                                    "一郎",
                                    "世帯主",
                                    LocalDate.of(1980, 1, 1),
                                    "RESIDENT")),
                    rec(
                            RecordType.R,
                            resident(
                                    b,
                                    1,
                                    "1",
                                    "証明",
                                    "花子",
                                    "妻",
                                    LocalDate.of(1982, 2, 2),
                                    "RESIDENT")),
                    rec(RecordType.C, card("ZJ00000000110001", a)),
                });
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 1);

        // a cold hub on a busy machine may pass the phase deadline on its first render (fonts
        // parsed): the centre then asks again with the same transaction, as the interface says
        String request = Http.issueJson(CITY, "ZJ00000000110001", "JUMINHYO");
        java.util.concurrent.atomic.AtomicReference<HttpResponse<byte[]>> answer =
                new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(java.time.Duration.ofMinutes(3))
                .until(
                        () -> {
                            answer.set(
                                    Http.post(
                                            baseUrl() + "/api/v1/certificates",
                                            "application/json",
                                            request));
                            return answer.get().statusCode() != 503;
                        });
        HttpResponse<byte[]> issued = answer.get();
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        Path work = Files.createTempDirectory("kofu-printout-hub-");
        Path pdf = work.resolve("juminhyo.pdf");
        Files.write(pdf, issued.body());

        HttpResponse<String> keys = get("/printout/keys/" + CITY + ".json");
        assertThat(keys.statusCode()).isEqualTo(200);
        assertThat(keys.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/json");
        JsonNode set = JSON.readTree(keys.body());
        assertThat(set.path("format").asText()).isEqualTo("kofu-printout-keys/1");
        assertThat(set.path("municipality").asText()).isEqualTo(CITY);
        assertThat(set.path("name").asText()).isEqualTo("北広島市");
        assertThat(set.path("keys")).hasSize(1);
        JsonNode k = set.path("keys").get(0);
        List<String> fields = new ArrayList<>();
        k.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactlyInAnyOrder(
                        "kty", "crv", "alg", "use", "kid", "x", "y", "nbf", "exp");
        assertThat(k.path("kty").asText()).isEqualTo("EC");
        assertThat(k.path("crv").asText()).isEqualTo("P-256");
        assertThat(k.path("alg").asText()).isEqualTo("ES256");
        assertThat(Instant.parse(k.path("nbf").asText())).isBefore(Instant.now());
        assertThat(Instant.parse(k.path("exp").asText())).isAfter(Instant.now());
        Path keySet = work.resolve(CITY + ".json");
        Files.writeString(keySet, keys.body());

        Run valid = verify(pdf, keySet);
        assertThat(valid.exit()).as(valid.out()).isEqualTo(PrintoutCommand.VALID);
        assertThat(valid.out()).contains("VALID").contains("990110").doesNotContain("INVALID");

        // the demo city's key set (served too) does not vouch for 990110's codes
        HttpResponse<String> other = get("/printout/keys/012343.json");
        assertThat(other.statusCode()).isEqualTo(200);
        Path otherSet = work.resolve("012343.json");
        Files.writeString(otherSet, other.body());
        Run unknown = verify(pdf, otherSet);
        assertThat(unknown.exit()).as(unknown.out()).isEqualTo(PrintoutCommand.INVALID);
        assertThat(unknown.out()).contains("UNKNOWN_KEY");
    }

    @Test
    void thePageIsServedAndNothingElseUnderThePath() throws Exception {
        HttpResponse<String> page = get("/printout/verify.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("jsQR.js");
        assertThat(get("/printout/jsQR.js").statusCode()).isEqualTo(200);
        assertThat(get("/printout/jsQR.LICENSE.txt").body()).contains("Apache License");
        for (String path :
                List.of(
                        "/printout/keys/999999.json",
                        "/printout/keys/..%2F..%2Fapplication.yaml",
                        "/printout/keys/990110.p12",
                        "/printout/application.yaml",
                        "/printout/%2E%2E%2Fapplication.yaml")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("PRIVATE").doesNotContain("kofu:");
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    record Run(int exit, String out) {}

    static Run verify(Path file, Path keySet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit =
                PrintoutCommand.verify(
                        new String[] {file.toString(), "--keys", keySet.toString()},
                        ps,
                        ps,
                        Instant.now());
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }
}
