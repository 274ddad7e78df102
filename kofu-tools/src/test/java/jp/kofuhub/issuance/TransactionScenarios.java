package jp.kofuhub.issuance;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.DatabaseScan;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.Pdfs;
import jp.kofuhub.support.TestRecords;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The three phases of the protocol end to end, over real HTTP, on municipality 990004 (test-only
 * 交付市: open round the clock): idempotent retries, conflicts and phases out of order, completion
 * deleting the document, the time-to-live abandoning it, the history rows — and the proof that
 * nothing of a document's content outlives it in the database, the temporary folders or the logs.
 */
abstract class TransactionScenarios extends HubTestBase {

    static final String CITY = "990004";
    static final String HEAD = atena(9401), WIFE = atena(9402);
    static final String CARD = "TX00000000000001";

    /** Names and an address that appear nowhere else: what a leaked document would show. */
    static final String FAMILY = "消去", GIVEN = "確認子", ADDRESS = "北海道交付市削除町九丁目9番地";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final Map<Class<?>, Boolean> LOADED =
            new java.util.concurrent.ConcurrentHashMap<>();

    @Autowired ProducerTemplate camel;

    @Autowired DocumentStore documents;

    @BeforeAll
    static void captureLogs() {
        LOGS.setName("transaction-scenarios");
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    }

    @AfterAll
    static void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    }

    @BeforeEach
    void cityLoaded() throws Exception {
        if (LOADED.containsKey(getClass())) {
            return;
        }
        String[] wife =
                resident(WIFE, 1, "1", FAMILY, "花代", "妻", LocalDate.of(1972, 5, 2), "RESIDENT");
        TestRecords.write(
                inbox,
                CITY,
                "JUKI",
                1,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("1", HEAD, ADDRESS)),
                    rec(
                            RecordType.R,
                            resident(
                                    HEAD,
                                    1,
                                    "1",
                                    FAMILY,
                                    GIVEN,
                                    "世帯主",
                                    LocalDate.of(1970, 4, 1),
                                    "RESIDENT")),
                    rec(RecordType.R, wife),
                    rec(RecordType.C, card(CARD, HEAD)),
                });
        TestRecords.write(inbox, CITY, "INKAN", 1, Kind.FULL, new Object[][] {});
        TestRecords.write(inbox, CITY, "ZEI", 1, Kind.FULL, new Object[][] {});
        await().atMost(SYNC_WAIT).until(() -> appliedFiles(CITY) == 3);
        LOADED.put(getClass(), true);
    }

    private HttpResponse<byte[]> post(String path, String body) throws Exception {
        return Http.post(baseUrl() + "/api/v1/" + path, "application/json", body);
    }

    private static String issueBody(String tx, String kind) {
        return "{\"transaction\":\""
                + tx
                + "\",\"municipality\":\""
                + CITY
                + "\",\"serial\":\""
                + CARD
                + "\",\"kind\":\""
                + kind
                + "\",\"store\":\"S0042\",\"terminal\":\"K3\"}";
    }

    private static String completion(String tx, String outcome) {
        return "{\"transaction\":\"" + tx + "\",\"outcome\":\"" + outcome + "\"}";
    }

    private static String code(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body()).path("code").asText();
    }

    @Test
    void threePhasesWithRetriesGiveOneDocumentOneNumberOneFee() throws Exception {
        String tx = Http.newTransaction();
        String ask =
                "{\"transaction\":\""
                        + tx
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + CARD
                        + "\"}";
        HttpResponse<byte[]> a1 = post("availability", ask);
        assertThat(a1.statusCode()).as(Http.body(a1)).isEqualTo(200);
        JsonNode answer = JSON.readTree(a1.body());
        JsonNode juminhyo =
                answer.get("kinds").findParents("kind").stream()
                        .filter(k -> k.get("kind").asText().equals("JUMINHYO"))
                        .findFirst()
                        .orElseThrow();
        assertThat(juminhyo.get("available").asBoolean()).isTrue();
        assertThat(juminhyo.get("fee").asInt()).isEqualTo(300);
        assertThat(juminhyo.get("sheets").asInt()).isEqualTo(1);
        assertThat(answer.findValuesAsText("code")).contains("NO_VALID_SEAL", "NO_TAX_DATA");
        assertThat(answer.get("household").get("members")).hasSize(2);
        // the same question again: the same answer; other content under the same id: a conflict
        assertThat(post("availability", ask).body()).isEqualTo(a1.body());
        assertThat(code(post("availability", ask.replace(CARD, "TX00000000000009"))))
                .isEqualTo("TRANSACTION_CONFLICT");
        assertThat(code(post("completions", completion(tx, "PRINTED"))))
                .isEqualTo("PHASE_OUT_OF_ORDER");

        HttpResponse<byte[]> i1 = post("certificates", issueBody(tx, "JUMINHYO"));
        assertThat(i1.statusCode()).as(Http.body(i1)).isEqualTo(200);
        String number = i1.headers().firstValue("X-Kofu-Issue-Number").orElseThrow();
        assertThat(i1.headers().firstValue("X-Kofu-Fee")).contains("300");
        assertThat(i1.headers().firstValue("X-Kofu-Transaction")).contains(tx);
        HttpResponse<byte[]> i2 = post("certificates", issueBody(tx, "JUMINHYO"));
        assertThat(i2.statusCode()).isEqualTo(200);
        assertThat(i2.headers().firstValue("X-Kofu-Issue-Number")).contains(number);
        assertThat(i2.body()).isEqualTo(i1.body());
        assertThat(code(post("certificates", issueBody(tx, "JUMINHYO_KISAI"))))
                .isEqualTo("TRANSACTION_CONFLICT");
        assertThat(code(post("availability", ask))).isEqualTo("PHASE_OUT_OF_ORDER");

        HttpResponse<byte[]> c1 = post("completions", completion(tx, "PRINTED"));
        assertThat(c1.statusCode()).as(Http.body(c1)).isEqualTo(200);
        assertThat(JSON.readTree(c1.body()).get("fee").asInt()).isEqualTo(300);
        assertThat(post("completions", completion(tx, "PRINTED")).body()).isEqualTo(c1.body());
        assertThat(code(post("completions", completion(tx, "CANCELLED"))))
                .isEqualTo("TRANSACTION_CONFLICT");
        HttpResponse<byte[]> again = post("certificates", issueBody(tx, "JUMINHYO"));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(code(again)).isEqualTo("TRANSACTION_COMPLETED");

        List<Map<String, Object>> rows =
                jdbc.queryForList(
                        "select outcome, fee, sheets, issue_number, store_code, terminal"
                                + " from issuance_history where municipality_code = ? and transaction_id = ?",
                        CITY,
                        tx);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0))
                .containsEntry("OUTCOME", "PRINTED")
                .containsEntry("FEE", 300)
                .containsEntry("SHEETS", 1)
                .containsEntry("ISSUE_NUMBER", number)
                .containsEntry("STORE_CODE", "S0042")
                .containsEntry("TERMINAL", "K3");
        assertThat(
                        jdbc.queryForObject(
                                "select count(*) from issuance_transaction where transaction_id = ?"
                                        + " and availability_answer is null",
                                Integer.class,
                                tx))
                .isEqualTo(1);
        assertThat(documents.get(tx)).isEmpty();
    }

    @Test
    void concurrentRetriesOfOneTransactionSpendOneNumber() throws Exception {
        String tx = Http.newTransaction();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(
                        pool.submit(
                                (Callable<HttpResponse<byte[]>>)
                                        () -> post("certificates", issueBody(tx, "JUMINHYO"))));
            }
            List<String> numbers = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> f : answers) {
                HttpResponse<byte[]> r = f.get();
                if (r.statusCode() == 200) {
                    numbers.add(r.headers().firstValue("X-Kofu-Issue-Number").orElseThrow());
                } else {
                    assertThat(code(r)).isEqualTo("TRANSACTION_IN_PROGRESS");
                }
            }
            assertThat(numbers).isNotEmpty();
            assertThat(numbers.stream().distinct()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(post("completions", completion(tx, "CANCELLED")).statusCode()).isEqualTo(200);
        assertThat(
                        jdbc.queryForList(
                                "select outcome, fee from issuance_history where transaction_id = ?",
                                tx))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r)
                                        .containsEntry("OUTCOME", "CANCELLED")
                                        .containsEntry("FEE", 0));
    }

    @Test
    void aDocumentWithoutCompletionIsDeletedAfterItsTimeToLive() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> issued = post("certificates", issueBody(tx, "JUMINHYO"));
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        camel.requestBodyAndHeader(
                "direct:sweep-documents", null, "now", OffsetDateTime.now().plusMinutes(5));
        assertThat(
                        jdbc.queryForObject(
                                "select state from issuance_transaction where transaction_id = ?",
                                String.class,
                                tx))
                .isEqualTo("ISSUED");
        camel.requestBodyAndHeader(
                "direct:sweep-documents", null, "now", OffsetDateTime.now().plusHours(1));
        assertThat(
                        jdbc.queryForObject(
                                "select state from issuance_transaction where transaction_id = ?",
                                String.class,
                                tx))
                .isEqualTo("ABANDONED");
        assertThat(documents.get(tx)).isEmpty();
        HttpResponse<byte[]> late = post("completions", completion(tx, "PRINTED"));
        assertThat(late.statusCode()).isEqualTo(410);
        assertThat(code(late)).isEqualTo("DOCUMENT_EXPIRED");
        assertThat(
                        jdbc.queryForList(
                                "select outcome, fee from issuance_history where transaction_id = ?",
                                tx))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r)
                                        .containsEntry("OUTCOME", "ABANDONED")
                                        .containsEntry("FEE", 0));
    }

    @Test
    void badCompletionsAndRefusalsChangeNothingAndAreAnsweredAgainTheSame() throws Exception {
        HttpResponse<byte[]> unknown = post("completions", completion("NO-SUCH-TX", "PRINTED"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(code(unknown)).isEqualTo("UNKNOWN_TRANSACTION");
        assertThat(code(post("completions", "{\"transaction\":\"T1\",\"outcome\":\"LOST\"}")))
                .isEqualTo("MALFORMED_REQUEST");
        assertThat(code(post("completions", "{\"transaction\":\"T1\"}")))
                .isEqualTo("MALFORMED_REQUEST");
        String tx = Http.newTransaction();
        HttpResponse<byte[]> refused = post("certificates", issueBody(tx, "INKAN"));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(code(refused)).isEqualTo("NO_VALID_SEAL");
        assertThat(code(post("certificates", issueBody(tx, "INKAN")))).isEqualTo("NO_VALID_SEAL");
        assertThat(code(post("completions", completion(tx, "PRINTED"))))
                .isEqualTo("PHASE_OUT_OF_ORDER");
        assertThat(
                        jdbc.queryForList(
                                "select outcome, refusal_code, issue_number from issuance_history where transaction_id = ?",
                                tx))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r)
                                        .containsEntry("OUTCOME", "REFUSED")
                                        .containsEntry("REFUSAL_CODE", "NO_VALID_SEAL")
                                        .containsEntry("ISSUE_NUMBER", null));
    }

    @Test
    void nothingOfAPrintedDocumentRemainsInTheDatabaseTempFoldersOrLogs() throws Exception {
        long start = System.currentTimeMillis() - 1000;
        String tx = Http.newTransaction();
        HttpResponse<byte[]> issued = post("certificates", issueBody(tx, "JUMINHYO"));
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        byte[] pdf = issued.body();
        String text = Pdfs.text(pdf);
        assertThat(text).contains(FAMILY);
        // the document is held in the issuing instance's memory only, never in the database
        assertThat(databaseHits(pdf)).isEmpty();
        assertThat(documents.get(tx)).isPresent();
        assertThat(post("completions", completion(tx, "PRINTED")).statusCode()).isEqualTo(200);
        assertThat(documents.get(tx)).isEmpty();

        assertThat(databaseHits(pdf))
                .as("document bytes or text in the database outside the replica")
                .isEmpty();
        assertThat(fileHits(pdf, start))
                .as("document bytes or text in temporary or data folders")
                .isEmpty();
        List<String> leaking =
                LOGS.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains(FAMILY) || m.contains(GIVEN) || m.contains(ADDRESS))
                        .toList();
        assertThat(leaking).as("log lines with the document's text").isEmpty();
    }

    /** "table.column" of every value outside the replica holding the document's bytes or text. */
    private List<String> databaseHits(byte[] pdf) {
        byte[] slice = Arrays.copyOfRange(pdf, pdf.length / 2, pdf.length / 2 + 48);
        return DatabaseScan.hitsOutsideReplica(
                jdbc,
                bytes ->
                        contains(bytes, slice)
                                || contains(bytes, FAMILY.getBytes(StandardCharsets.UTF_8))
                                || contains(bytes, ADDRESS.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Files changed since {@code since} under the temp folder and the hub's folders holding the
     * document.
     */
    private List<String> fileHits(byte[] pdf, long since) throws IOException {
        byte[] slice = Arrays.copyOfRange(pdf, pdf.length / 2, pdf.length / 2 + 48);
        List<String> hits = new ArrayList<>();
        for (Path root :
                List.of(
                        Path.of(System.getProperty("java.io.tmpdir")),
                        inbox.getParent(),
                        Path.of("data"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    try {
                        if (Files.getLastModifiedTime(f).toMillis() < since
                                || Files.size(f) > 64L << 20) {
                            continue;
                        }
                        byte[] b = Files.readAllBytes(f);
                        // the database's own files (embedded PostgreSQL under epg*) hold the
                        // replica, names
                        // included, by design: there only the document's bytes would be a leak
                        boolean database = f.toString().contains("/epg");
                        if (contains(b, slice)
                                || (!database
                                        && contains(b, FAMILY.getBytes(StandardCharsets.UTF_8)))) {
                            hits.add(f.toString());
                        }
                    } catch (IOException gone) {
                        // a file of another test went away meanwhile
                    }
                }
            }
        }
        return hits;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
