package jp.kofuhub.sync;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.TestHub;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ContextConfiguration;

/**
 * Operating the quarantine through the real actuator endpoint on the hub's port and the {@code
 * quarantine} command: list, retry (still bad, then fixed), discard. Municipality 012319 (Eniwa) is
 * this class's own; the quarantine folder is shared with other test classes, so only entries of
 * 012319 are looked at. The tests run in order and build on each other's replica state.
 */
@ContextConfiguration(initializers = TestHub.H2.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuarantineOperationsTest extends HubTestBase {

    static final String CITY = "012319";
    static final String A1 = atena(3191);
    static final String A2 = atena(3192);
    static final String A3 = atena(3193);
    static final String ADDRESS = "北海道恵庭市京町１番地";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Autowired Quarantine quarantineBean;

    @TempDir Path scratch;

    @Test
    @Order(1)
    void aBadFileIsListedRetriedAndAppliedOnceItsContentIsCorrected() throws Exception {
        // household flag "2": not 0/1
        String[] badHousehold = household("500", A1, ADDRESS);
        badHousehold[badHousehold.length - 1] = "2";
        Path bad =
                TestRecords.write(
                        Files.createDirectories(scratch.resolve("bad")),
                        CITY,
                        1,
                        Kind.FULL,
                        StandardCharsets.UTF_8,
                        fullRecords(badHousehold));
        byte[] badBytes = Files.readAllBytes(bad);
        Files.copy(bad, inbox.resolve("tmp-eniwa-bad-household"));
        Files.move(
                inbox.resolve("tmp-eniwa-bad-household"),
                inbox.resolve(bad.getFileName().toString()));
        String name = "012319_JUKI_000000001_FULL.kexp";
        String storedAs = awaitQuarantined(name);
        Path stored = quarantine.resolve(storedAs);

        // stored encrypted at rest: no trace of the export on disk; decrypts to the file exactly
        String onDisk = new String(Files.readAllBytes(stored), StandardCharsets.ISO_8859_1);
        assertThat(onDisk)
                .startsWith("KFAR")
                .doesNotContain("KOFU-EXPORT")
                .doesNotContain(A1)
                .doesNotContain(
                        new String(
                                "恵庭".getBytes(StandardCharsets.UTF_8),
                                StandardCharsets.ISO_8859_1));
        try (InputStream in = quarantineBean.open(storedAs)) {
            assertThat(in.readAllBytes()).isEqualTo(badBytes);
        }

        // list: names, reason, size; never content
        HttpResponse<String> listed = get("/actuator/quarantine");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain("恵庭").doesNotContain(A1);
        JsonNode entry = entry(listed, storedAs);
        assertThat(entry).isNotNull();
        assertThat(entry.get("file").asText()).isEqualTo(name);
        assertThat(entry.get("reason").asText()).isEqualTo("BAD_RECORD");
        assertThat(entry.get("detail").asText()).contains("line 1").contains("H.");
        assertThat(entry.get("size").asLong())
                .isEqualTo(badBytes.length); // as received, not as stored
        assertThat(entry.get("retries").asInt()).isZero();
        assertThat(entry.get("quarantinedAt").asText()).isNotBlank();

        // retry as it is: still quarantined, same reason, counted
        HttpResponse<String> again = retry(storedAs, "tanaka");
        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode a = json.readTree(again.body());
        assertThat(a.get("outcome").asText()).isEqualTo("STILL_QUARANTINED");
        assertThat(a.get("reason").asText()).isEqualTo("BAD_RECORD");
        assertThat(again.body()).doesNotContain("恵庭");
        assertThat(stored).exists();
        JsonNode reasonFile = json.readTree(quarantine.resolve(storedAs + ".reason.json").toFile());
        assertThat(reasonFile.get("reason").asText()).isEqualTo("BAD_RECORD");
        assertThat(reasonFile.get("retries").asInt()).isEqualTo(1);
        assertThat(reasonFile.get("file").asText()).isEqualTo(name);
        assertThat(reasonFile.get("quarantinedAt").asText())
                .isEqualTo(entry.get("quarantinedAt").asText());
        assertThat(entry(get("/actuator/quarantine"), storedAs).get("retries").asInt())
                .isEqualTo(1);
        assertThat(appliedFiles(CITY)).isZero();

        // the registry's corrected file, same name and sequence, copied over the stored bytes
        Path good =
                TestRecords.write(
                        scratch,
                        CITY,
                        1,
                        Kind.FULL,
                        StandardCharsets.UTF_8,
                        fullRecords(household("500", A1, ADDRESS)));
        assertThat(good.getFileName().toString()).isEqualTo(name);
        try (InputStream in = Files.newInputStream(good)) {
            quarantineBean.replaceContent(storedAs, in);
        }
        HttpResponse<String> fixed = retry(storedAs, "tanaka");
        assertThat(fixed.statusCode()).isEqualTo(200);
        assertThat(json.readTree(fixed.body()).get("outcome").asText()).isEqualTo("APPLIED");
        assertThat(appliedFiles(CITY)).isEqualTo(1);
        assertThat(count("select count(*) from household where municipality_code = ?", CITY))
                .isEqualTo(1);
        assertThat(count("select count(*) from resident where municipality_code = ?", CITY))
                .isEqualTo(2);
        assertThat(stored).doesNotExist();
        assertThat(quarantine.resolve(storedAs + ".reason.json")).doesNotExist();
        assertThat(entry(get("/actuator/quarantine"), storedAs)).isNull();

        // gone: retrying it again finds nothing
        assertThat(retry(storedAs, "tanaka").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void aBadFileIsDiscardedOnlyWithOperatorAndReason() throws Exception {
        String[] badDate =
                TestRecords.set(
                        resident(
                                A3,
                                1,
                                "500",
                                "恵庭",
                                "三郎",
                                "子",
                                LocalDate.of(2001, 1, 1),
                                "RESIDENT"),
                        "change_date",
                        "4320101"); // 平成32年: no such year
        TestRecords.write(
                inbox,
                CITY,
                2,
                Kind.DELTA,
                StandardCharsets.UTF_8,
                new Object[][] {rec(RecordType.R, badDate)});
        String storedAs = awaitQuarantined("012319_JUKI_000000002_DELTA.kexp");
        assertThat(entry(get("/actuator/quarantine"), storedAs).get("reason").asText())
                .isEqualTo("BAD_DATE");

        String path = "/actuator/quarantine/" + storedAs;
        assertThat(delete(path).statusCode()).isBetween(400, 499);
        assertThat(delete(path + "?operator=tanaka").statusCode()).isBetween(400, 499);
        assertThat(delete(path + "?why=wrong%20file").statusCode()).isBetween(400, 499);
        assertThat(delete(path + "?operator=tanaka&why=%20").statusCode()).isBetween(400, 499);
        assertThat(delete(path + "?operator=%20&why=wrong%20file").statusCode())
                .isBetween(400, 499);
        assertThat(quarantine.resolve(storedAs)).exists();

        HttpResponse<String> gone =
                delete(path + "?operator=tanaka&why=registry%20resends%20sequence%202");
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(json.readTree(gone.body()).get("outcome").asText()).isEqualTo("DISCARDED");
        assertThat(quarantine.resolve(storedAs)).doesNotExist();
        assertThat(quarantine.resolve(storedAs + ".reason.json")).doesNotExist();
        assertThat(entry(get("/actuator/quarantine"), storedAs)).isNull();
        assertThat(delete(path + "?operator=tanaka&why=again").statusCode()).isEqualTo(404);
        assertThat(appliedFiles(CITY)).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aRetriedDeltaWaitsForItsPredecessorThenApplies() throws Exception {
        // DELTA 3 arrives with a broken manifest: quarantined before its sequence is looked at
        Object[][] delta3 = {
            rec(
                    RecordType.R,
                    resident(A3, 2, "500", "恵庭", "三郎", "子", LocalDate.of(2001, 1, 1), "RESIDENT"))
        };
        Path good3 =
                TestRecords.write(scratch, CITY, 3, Kind.DELTA, StandardCharsets.UTF_8, delta3);
        byte[] bytes = Files.readAllBytes(good3);
        String text =
                new String(bytes, StandardCharsets.UTF_8)
                        .replaceFirst("#KOFU-EXPORT 1", "#KOFU-EXPORT 9");
        Path part = inbox.resolve("tmp-eniwa-bad-manifest");
        Files.writeString(part, text, StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve(good3.getFileName().toString()));
        String storedAs = awaitQuarantined(good3.getFileName().toString());
        assertThat(entry(get("/actuator/quarantine"), storedAs).get("reason").asText())
                .isEqualTo("BAD_MANIFEST");

        // corrected, but sequence 2 was discarded: it waits, and stays quarantined
        quarantineBean.replaceContent(storedAs, new ByteArrayInputStream(bytes));
        HttpResponse<String> waiting = retry(storedAs, "tanaka");
        assertThat(json.readTree(waiting.body()).get("outcome").asText())
                .isEqualTo("WAITING_FOR_PREDECESSOR");
        assertThat(quarantine.resolve(storedAs)).exists();
        assertThat(entry(get("/actuator/quarantine"), storedAs)).isNotNull();

        // the registry resends sequence 2; then the retry applies 3
        TestRecords.write(
                inbox,
                CITY,
                2,
                Kind.DELTA,
                StandardCharsets.UTF_8,
                new Object[][] {
                    rec(
                            RecordType.R,
                            resident(
                                    A3,
                                    1,
                                    "500",
                                    "恵庭",
                                    "三郎",
                                    "子",
                                    LocalDate.of(2001, 1, 1),
                                    "RESIDENT"))
                });
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 2);
        HttpResponse<String> applied = retry(storedAs, "tanaka");
        assertThat(json.readTree(applied.body()).get("outcome").asText()).isEqualTo("APPLIED");
        assertThat(appliedFiles(CITY)).isEqualTo(3);
        assertThat(
                        jdbc.queryForObject(
                                "select history_no from resident where municipality_code = ? and atena_no = ?",
                                Integer.class,
                                CITY,
                                A3))
                .isEqualTo(2);
        assertThat(
                        jdbc.queryForObject(
                                "select waiting_sequence from sync_source_state where municipality_code = ?",
                                Long.class,
                                CITY))
                .isNull();
        assertThat(entry(get("/actuator/quarantine"), storedAs)).isNull();
    }

    @Test
    @Order(4)
    void namesWithAPathAreNeverFilesOfTheQuarantine() throws Exception {
        assertThat(quarantineBean.storedFile("../inbox")).isEmpty();
        assertThat(quarantineBean.storedFile("a/b")).isEmpty();
        assertThat(quarantineBean.storedFile("..")).isEmpty();
        assertThat(quarantineBean.storedFile("")).isEmpty();
        assertThat(quarantineBean.storedFile("012319_JUKI_000000009_DELTA.kexp.nothing")).isEmpty();
        assertThat(retry("..%2F..%2Fetc%2Fpasswd", "tanaka").statusCode()).isBetween(400, 499);
        assertThat(retry("..", "tanaka").statusCode()).isBetween(400, 499);
        // operator is required for a retry too
        HttpResponse<String> noOperator =
                send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/quarantine/x"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(noOperator.statusCode()).isBetween(400, 499);
    }

    @Test
    @Order(5)
    void theCommandListsRetriesAndDiscards() throws Exception {
        assertThat(QuarantineCommand.run(new String[] {"list", "--url", baseUrl()})).isZero();

        String[] badHousehold = household("501", A1, ADDRESS);
        badHousehold[badHousehold.length - 1] = "x";
        TestRecords.write(
                inbox,
                CITY,
                4,
                Kind.DELTA,
                StandardCharsets.UTF_8,
                new Object[][] {rec(RecordType.H, badHousehold)});
        String storedAs = awaitQuarantined("012319_JUKI_000000004_DELTA.kexp");
        assertThat(QuarantineCommand.run(new String[] {"list", "--url", baseUrl()})).isZero();
        assertThat(
                        QuarantineCommand.run(
                                new String[] {
                                    "retry", storedAs, "--operator", "tanaka", "--url", baseUrl()
                                }))
                .isEqualTo(3);
        assertThat(
                        QuarantineCommand.run(
                                new String[] {
                                    "discard", storedAs, "--operator", "tanaka", "--url", baseUrl()
                                }))
                .isEqualTo(2);
        assertThat(
                        QuarantineCommand.run(
                                new String[] {
                                    "discard",
                                    storedAs,
                                    "--operator",
                                    "tanaka",
                                    "--why",
                                    "wrong household file, 再送を依頼",
                                    "--url",
                                    baseUrl()
                                }))
                .isZero();
        assertThat(quarantine.resolve(storedAs)).doesNotExist();
        assertThat(
                        QuarantineCommand.run(
                                new String[] {
                                    "discard",
                                    storedAs,
                                    "--operator",
                                    "tanaka",
                                    "--why",
                                    "again",
                                    "--url",
                                    baseUrl()
                                }))
                .isEqualTo(3);
        assertThat(QuarantineCommand.run(new String[] {"retry", "--url", baseUrl()})).isEqualTo(2);
        assertThat(QuarantineCommand.run(new String[] {})).isEqualTo(2);
        assertThat(QuarantineCommand.run(new String[] {"list", "--url", "http://127.0.0.1:1"}))
                .isEqualTo(1);
    }

    @Test
    @Order(6)
    void aStoredFileChangedOnDiskIsRefusedAndNothingOfItApplies() throws Exception {
        String[] badHousehold = household("502", A1, ADDRESS);
        badHousehold[badHousehold.length - 1] = "x";
        // sequence 4 again (the earlier one was discarded): still bad, quarantined
        TestRecords.write(
                inbox,
                CITY,
                4,
                Kind.DELTA,
                StandardCharsets.UTF_8,
                new Object[][] {rec(RecordType.H, badHousehold)});
        String storedAs = awaitQuarantined("012319_JUKI_000000004_DELTA.kexp");
        Path stored = quarantine.resolve(storedAs);
        byte[] sealed = Files.readAllBytes(stored);
        sealed[sealed.length / 2] ^= 0x01;
        Files.write(stored, sealed);
        long applied = appliedFiles(CITY);

        HttpResponse<String> refused = retry(storedAs, "tanaka");
        assertThat(refused.statusCode()).isEqualTo(409);
        JsonNode a = json.readTree(refused.body());
        assertThat(a.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(a.get("message").asText()).contains("at-rest check");
        JsonNode reasonFile = json.readTree(quarantine.resolve(storedAs + ".reason.json").toFile());
        assertThat(reasonFile.get("reason").asText())
                .isEqualTo("BAD_RECORD"); // unchanged, not "TRUNCATED"
        assertThat(reasonFile.path("retries").asInt()).isZero();
        assertThat(appliedFiles(CITY)).isEqualTo(applied);
        assertThat(
                        QuarantineCommand.run(
                                new String[] {
                                    "retry", storedAs, "--operator", "tanaka", "--url", baseUrl()
                                }))
                .isNotZero();
        assertThat(
                        delete(
                                        "/actuator/quarantine/"
                                                + storedAs
                                                + "?operator=tanaka&why=changed%20on%20disk")
                                .statusCode())
                .isEqualTo(200);
    }

    private static Object[][] fullRecords(String[] household) {
        return new Object[][] {
            rec(RecordType.H, household),
            rec(
                    RecordType.R,
                    resident(
                            A1, 1, "500", "恵庭", "一郎", "世帯主", LocalDate.of(1970, 5, 5), "RESIDENT")),
            rec(
                    RecordType.R,
                    resident(A2, 1, "500", "恵庭", "花子", "妻", LocalDate.of(1972, 6, 6), "RESIDENT"))
        };
    }

    /** Waits for the reason file of {@code fileName} and returns the stored name. */
    private String awaitQuarantined(String fileName) throws IOException {
        return json.readTree(awaitReasonFile(fileName).toFile()).get("storedAs").asText();
    }

    private JsonNode entry(HttpResponse<String> listed, String storedAs) throws IOException {
        for (JsonNode e : json.readTree(listed.body()).get("entries")) {
            if (e.get("storedAs").asText().equals(storedAs)) {
                return e;
            }
        }
        return null;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET());
    }

    private HttpResponse<String> retry(String storedAs, String operator) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/quarantine/" + storedAs))
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"operator\":\"" + operator + "\"}")));
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).DELETE());
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(
                b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
