package jp.kofuhub.koseki;

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
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import jp.kofuhub.koseki.sim.KosekiBook;
import jp.kofuhub.koseki.sim.KosekiCertificates;
import jp.kofuhub.koseki.sim.KosekiServer;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;

/**
 * Two 戸籍 cities on one hub, each with its own koseki certificate server and breaker named in its
 * profile (990071 甲市 on {@link TestHub#KOSEKI_PORT_A}, 990072 乙市 on {@link TestHub#KOSEKI_PORT_B};
 * issue #24 item 7), and a koseki server known down (issue #18 item 6): one city's outage — a
 * refused connection, told as such — opens only its own breaker; from then on its 戸籍 kinds are
 * refused KOSEKI_UNAVAILABLE in phase 1 and in the issue phase before any 発行番号, while the other
 * city goes on issuing 戸籍; the city recovers by itself after its own wait.
 */
@ContextConfiguration(initializers = TestHub.H2.class)
class KosekiTwoCitiesOnH2Test extends HubTestBase {

    static final String A = "990071", B = "990072";
    static final Map<String, String> CARD = Map.of(A, "KA00000000000001", B, "KB00000000000001");
    static final Map<String, Integer> PORT =
            Map.of(A, TestHub.KOSEKI_PORT_A, B, TestHub.KOSEKI_PORT_B);
    static final Map<String, String> PREFIX = Map.of(A, "北海道戸籍甲市", B, "北海道戸籍乙市");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Path> JUKI = new HashMap<>();
    private static final Map<String, KosekiServer> SERVERS = new HashMap<>();

    private void city(String code, long base) throws Exception {
        String head = atena(base);
        String[] r =
                resident(head, 1, "1", "二市", "一郎", "世帯主", LocalDate.of(1970, 4, 1), "RESIDENT");
        set(r, "honseki", PREFIX.get(code) + "本町一丁目1番地");
        set(r, "hittosha", "二市　一郎");
        Object[][] records = {
            rec(RecordType.H, household("1", head, PREFIX.get(code) + "本町一丁目1番地")),
            rec(RecordType.R, r),
            rec(RecordType.C, card(CARD.get(code), head)),
        };
        // these cities' JUKI files may have come before in this database (PgpSyncScenarios): a FULL
        // one above the last sequence
        long seq =
                jdbc.queryForObject(
                                "select coalesce(max(sequence_no), 0) from sync_file where"
                                        + " municipality_code = ? and source_system = 'JUKI'",
                                Long.class,
                                code)
                        + 1;
        Path book = Files.createTempDirectory("koseki-book-" + code + "-");
        JUKI.put(code, TestRecords.write(book, code, "JUKI", seq, Kind.FULL, records));
        long applied = appliedFiles(code);
        TestRecords.write(inbox, code, "JUKI", seq, Kind.FULL, records);
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(code) == applied + 1);
    }

    private static void startServer(String code) throws Exception {
        KosekiBook book = KosekiBook.load(JUKI.get(code), PREFIX.get(code), null, null);
        KosekiCertificates certificates =
                KosekiIssuanceOnH2Test.signedCertificates(PREFIX.get(code));
        KosekiBook.Koseki any = book.all().get(0);
        // FOP's first document is slow on a busy machine: made once before the hub asks
        certificates.render(
                KosekiCertificates.Kind.KOSEKI_KOJIN, any, any.members().get(0), "WARM-UP", false);
        KosekiServer server = new KosekiServer(book, certificates, PORT.get(code));
        server.start();
        SERVERS.put(code, server);
    }

    private static void stopServer(String code) {
        KosekiServer s = SERVERS.remove(code);
        if (s != null) {
            s.stop();
        }
    }

    @AfterAll
    static void stopServers() {
        stopServer(A);
        stopServer(B);
    }

    private HttpResponse<byte[]> issue(String code) throws Exception {
        return Http.post(
                baseUrl() + "/api/v1/certificates",
                "application/json",
                Http.issueJson(code, CARD.get(code), "KOSEKI_KOJIN"));
    }

    private JsonNode availability(String code) throws Exception {
        HttpResponse<byte[]> r =
                Http.post(
                        baseUrl() + "/api/v1/availability",
                        "application/json",
                        "{\"transaction\":\""
                                + Http.newTransaction()
                                + "\",\"municipality\":\""
                                + code
                                + "\",\"serial\":\""
                                + CARD.get(code)
                                + "\"}");
        assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
        return JSON.readTree(r.body()).get("kinds");
    }

    private long numbers(String code) {
        return jdbc.queryForObject(
                "select coalesce(sum(last_no), 0) from issue_counter where municipality_code = ?",
                Long.class,
                code);
    }

    @Test
    void oneCitysKosekiOutageLeavesTheOtherIssuingAndSpendsNoNumberWhileKnownDown()
            throws Exception {
        city(A, 7101);
        city(B, 7201);
        startServer(A);
        startServer(B);
        for (String c : new String[] {A, B}) {
            HttpResponse<byte[]> r = issue(c);
            assertThat(r.statusCode()).as(c + " " + Http.body(r)).isEqualTo(200);
        }

        // 甲市's server goes away: its calls are refused connections, told as such, until its own
        // breaker (minimumCalls 2 in its profile) opens
        stopServer(A);
        HttpResponse<byte[]> refused = issue(A);
        assertThat(refused.statusCode()).isEqualTo(422);
        JsonNode why = JSON.readTree(refused.body());
        assertThat(why.path("code").asText()).isEqualTo("KOSEKI_UNAVAILABLE");
        // (a kept-alive connection that the stop closed is told as such, not as a timeout)
        assertThat(why.path("message").asText())
                .containsAnyOf("refused the connection", "closed the connection without an answer")
                .doesNotContain("in time");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                JSON.readTree(issue(A).body())
                                        .path("message")
                                        .asText()
                                        .contains("circuit breaker open"));

        // known down: phase 1 refuses 甲市's 戸籍 kinds, and the issue phase refuses before numbering
        long before = numbers(A);
        for (JsonNode k : availability(A)) {
            if (k.get("kind").asText().startsWith("KOSEKI_")) {
                assertThat(k.get("available").asBoolean()).as(k.toString()).isFalse();
                assertThat(k.get("code").asText()).isEqualTo("KOSEKI_UNAVAILABLE");
            } else {
                assertThat(k.get("available").asBoolean()).as(k.toString()).isTrue();
            }
        }
        HttpResponse<byte[]> open = issue(A);
        assertThat(open.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(open.body()).path("code").asText())
                .isEqualTo("KOSEKI_UNAVAILABLE");
        assertThat(open.headers().firstValue("X-Kofu-Issue-Number")).isEmpty();
        assertThat(numbers(A)).isEqualTo(before);

        // 乙市 has its own server and breaker: offered and issued as before
        for (JsonNode k : availability(B)) {
            assertThat(k.get("available").asBoolean()).as(k.toString()).isTrue();
        }
        HttpResponse<byte[]> other = issue(B);
        assertThat(other.statusCode()).as(Http.body(other)).isEqualTo(200);

        // health names the open breaker's city; the other is closed
        HttpResponse<String> health =
                java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(baseUrl() + "/actuator/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        JsonNode breakers =
                JSON.readTree(health.body())
                        .path("components")
                        .path("koseki")
                        .path("details")
                        .path("breakers");
        assertThat(breakers.path(A).asText()).as(health.body()).isEqualTo("OPEN");
        assertThat(breakers.path(B).asText()).isEqualTo("CLOSED");

        // back: 甲市's breaker half-opens after its own wait (3 s in its profile) and closes again
        startServer(A);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> issue(A).statusCode() == 200);
    }
}
