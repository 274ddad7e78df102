package jp.kofuhub.issuance;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubInstances;
import jp.kofuhub.support.Pdfs;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue #10: two whole hubs (A and B: two Spring and Camel contexts, two ports, two in-memory
 * document stores) on one PostgreSQL database, and the phases of one transaction split across them
 * as a load balancer would: every phase gets the same answer wherever it lands. A retry on the
 * instance that does not hold the document makes it again from the replica — the same 発行番号, fee,
 * sheets and text — or refuses DOCUMENT_UNAVAILABLE when what it would print is not what was
 * numbered; a completion on one instance deletes the document on the other within its release
 * period. PostgreSQL only: H2 serves one process (the demo), never several instances. Municipality
 * 990004 (交付市) in a database of its own.
 */
class MultiInstanceOnPostgresTest {

    static final String CITY = "990004";
    static final String HEAD = atena(9501), WIFE = atena(9502);
    static final String CARD = "MI00000000000001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HubInstances hubs;
    private static HubInstances.Hub a, b;
    private static JdbcTemplate jdbc;
    private static long jukiSeq = 1;

    @BeforeAll
    static void twoInstances() throws Exception {
        // documents of ended transactions are dropped every 300 ms on each instance (default 2 s)
        hubs =
                new HubInstances(
                        "kofu_multi", Map.of("kofu.documents.release-period", "300"), "a", "b");
        a = hubs.get(0);
        b = hubs.get(1);
        jdbc = a.bean(JdbcTemplate.class);
        TestRecords.write(
                a.inbox(),
                CITY,
                "JUKI",
                1,
                Kind.FULL,
                new Object[][] {
                    rec(RecordType.H, household("1", HEAD, "北海道交付市分散町一丁目1番地")),
                    rec(
                            RecordType.R,
                            resident(
                                    HEAD,
                                    1,
                                    "1",
                                    "分散",
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
                                    "分散",
                                    "花子",
                                    "妻",
                                    LocalDate.of(1972, 5, 2),
                                    "RESIDENT")),
                    rec(RecordType.C, card(CARD, HEAD)),
                });
        TestRecords.write(a.inbox(), CITY, "INKAN", 1, Kind.FULL, new Object[][] {});
        TestRecords.write(a.inbox(), CITY, "ZEI", 1, Kind.FULL, new Object[][] {});
        await().atMost(Duration.ofSeconds(90)).until(() -> applied() == 3);
    }

    @AfterAll
    static void stop() {
        if (hubs != null) {
            hubs.close();
        }
    }

    private static long applied() {
        return count("select count(*) from sync_file where municipality_code = ?", CITY);
    }

    private static long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }

    private static HttpResponse<byte[]> post(HubInstances.Hub hub, String path, String body)
            throws Exception {
        return Http.post(hub.url() + "/api/v1/" + path, "application/json", body);
    }

    private static String issue(String tx) {
        return "{\"transaction\":\""
                + tx
                + "\",\"municipality\":\""
                + CITY
                + "\",\"serial\":\""
                + CARD
                + "\",\"kind\":\"JUMINHYO\",\"store\":\"S0010\",\"options\":{\"householdHead\":true}}";
    }

    private static String completion(String tx, String outcome) {
        return "{\"transaction\":\"" + tx + "\",\"outcome\":\"" + outcome + "\"}";
    }

    private static String code(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body()).path("code").asText();
    }

    private static String header(HttpResponse<byte[]> r, String name) {
        return r.headers().firstValue(name).orElseThrow();
    }

    private static DocumentStore documents(HubInstances.Hub hub) {
        return hub.bean(DocumentStore.class);
    }

    private static Map<String, Object> row(String tx) {
        return jdbc.queryForMap(
                "select state, issue_number, instance_id, data_sha256, layout_sha256, issue_date"
                        + " from issuance_transaction where transaction_id = ?",
                tx);
    }

    @Test
    void everyPhaseOnAnyInstanceGetsTheSameAnswer() throws Exception {
        String tx = Http.newTransaction();
        String ask =
                "{\"transaction\":\""
                        + tx
                        + "\",\"municipality\":\""
                        + CITY
                        + "\",\"serial\":\""
                        + CARD
                        + "\"}";
        HttpResponse<byte[]> available = post(a, "availability", ask);
        assertThat(available.statusCode()).as(Http.body(available)).isEqualTo(200);
        assertThat(post(b, "availability", ask).body()).isEqualTo(available.body());

        HttpResponse<byte[]> issued = post(b, "certificates", issue(tx));
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        String number = header(issued, "X-Kofu-Issue-Number");
        Map<String, Object> first = row(tx);
        assertThat(first.get("instance_id")).isEqualTo(documents(b).instanceId());
        assertThat(first.get("data_sha256")).isNotNull();
        assertThat(first.get("layout_sha256")).isNotNull();
        assertThat(first.get("issue_date").toString())
                .isEqualTo(LocalDate.now(ZoneId.of("Asia/Tokyo")).toString());
        long numbered =
                count("select last_no from issue_counter where municipality_code = ?", CITY);

        // the retry lands on A, which does not hold it: made again, the same document
        assertThat(documents(a).get(tx)).isEmpty();
        HttpResponse<byte[]> retried = post(a, "certificates", issue(tx));
        assertThat(retried.statusCode()).as(Http.body(retried)).isEqualTo(200);
        assertThat(header(retried, "X-Kofu-Issue-Number")).isEqualTo(number);
        assertThat(header(retried, "X-Kofu-Fee")).isEqualTo(header(issued, "X-Kofu-Fee"));
        assertThat(header(retried, "X-Kofu-Pages")).isEqualTo(header(issued, "X-Kofu-Pages"));
        assertThat(Pdfs.text(retried.body()))
                .contains(number, "分散")
                .isEqualTo(Pdfs.text(issued.body()));
        assertThat(Pdfs.pages(retried.body())).isEqualTo(Pdfs.pages(issued.body()));
        assertThat(documents(a).get(tx)).isPresent();
        assertThat(row(tx))
                .containsEntry("state", "ISSUED")
                .containsEntry("issue_number", number)
                .containsEntry("instance_id", documents(a).instanceId());
        // and again on A: the copy it holds now, byte for byte
        assertThat(post(a, "certificates", issue(tx)).body()).isEqualTo(retried.body());
        assertThat(count("select last_no from issue_counter where municipality_code = ?", CITY))
                .isEqualTo(numbered);

        // completion on B: B drops its copy at once, A within its release period
        HttpResponse<byte[]> done = post(b, "completions", completion(tx, "PRINTED"));
        assertThat(done.statusCode()).as(Http.body(done)).isEqualTo(200);
        assertThat(documents(b).get(tx)).isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> documents(a).get(tx).isEmpty());
        assertThat(post(a, "completions", completion(tx, "PRINTED")).body()).isEqualTo(done.body());
        assertThat(code(post(a, "certificates", issue(tx)))).isEqualTo("TRANSACTION_COMPLETED");
        assertThat(
                        jdbc.queryForList(
                                "select outcome, fee, issue_number from issuance_history where transaction_id = ?",
                                tx))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r)
                                        .containsEntry("outcome", "PRINTED")
                                        .containsEntry("fee", 300)
                                        .containsEntry("issue_number", number));
    }

    @Test
    void aChangeSinceTheNumberIsRefusedAndNothingIsPrinted() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> issued = post(a, "certificates", issue(tx));
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        // the household moves (a printed field) after the document was numbered and answered
        long before = applied();
        synchronized (MultiInstanceOnPostgresTest.class) {
            TestRecords.write(
                    a.inbox(),
                    CITY,
                    "JUKI",
                    ++jukiSeq,
                    Kind.DELTA,
                    new Object[][] {
                        rec(RecordType.H, household("1", HEAD, "北海道交付市分散町二丁目" + jukiSeq + "番地"))
                    });
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> applied() == before + 1);

        HttpResponse<byte[]> elsewhere = post(b, "certificates", issue(tx));
        assertThat(elsewhere.statusCode()).as(Http.body(elsewhere)).isEqualTo(409);
        assertThat(code(elsewhere)).isEqualTo("DOCUMENT_UNAVAILABLE");
        assertThat(elsewhere.headers().firstValue("X-Kofu-Issue-Number")).isEmpty();
        assertThat(documents(b).get(tx)).isEmpty();
        // the numbered document stays what it was (the centre may hold it): ISSUED, and A still
        // answers it
        assertThat(row(tx)).containsEntry("state", "ISSUED");
        assertThat(post(a, "certificates", issue(tx)).body()).isEqualTo(issued.body());
        assertThat(count("select count(*) from issuance_history where transaction_id = ?", tx))
                .isZero();
        // its number is recorded at its end, wherever that lands
        assertThat(post(b, "completions", completion(tx, "CANCELLED")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> documents(a).get(tx).isEmpty());
        assertThat(
                        jdbc.queryForList(
                                "select outcome, issue_number from issuance_history where transaction_id = ?",
                                tx))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r)
                                        .containsEntry("outcome", "CANCELLED")
                                        .containsEntry(
                                                "issue_number",
                                                header(issued, "X-Kofu-Issue-Number")));
    }

    @Test
    void concurrentRetriesOnBothInstancesGiveOneNumberAndOneDocument() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> issued = post(a, "certificates", issue(tx));
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        String number = header(issued, "X-Kofu-Issue-Number");
        String text = Pdfs.text(issued.body());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HubInstances.Hub hub = i % 3 == 0 ? a : b;
                answers.add(
                        pool.submit(
                                (Callable<HttpResponse<byte[]>>)
                                        () -> post(hub, "certificates", issue(tx))));
            }
            for (Future<HttpResponse<byte[]>> f : answers) {
                HttpResponse<byte[]> r = f.get();
                assertThat(r.statusCode()).as(Http.body(r)).isEqualTo(200);
                assertThat(header(r, "X-Kofu-Issue-Number")).isEqualTo(number);
                assertThat(Pdfs.text(r.body())).isEqualTo(text);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(documents(a).get(tx)).isPresent();
        assertThat(documents(b).get(tx)).isPresent();
        assertThat(post(a, "completions", completion(tx, "PRINTED")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> documents(b).get(tx).isEmpty());
        assertThat(
                        jdbc.queryForList(
                                "select outcome from issuance_history where transaction_id = ?",
                                tx))
                .singleElement()
                .satisfies(r -> assertThat(r).containsEntry("outcome", "PRINTED"));
    }

    /**
     * Issue #22: B dies in the middle of the issue phase, after the number was taken (simulated by
     * putting an issued transaction back into ISSUING, claimed by an instance whose heartbeat is a
     * minute old, its document gone). Before the lease a retry got 409 TRANSACTION_IN_PROGRESS
     * until the time-to-live; now A takes the claim over and makes the document under the same
     * 発行番号, spending no number and writing no history.
     */
    @Test
    void aDeadInstancesClaimLapsesAndARetryMakesTheDocumentUnderTheSameNumber() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> issued = post(b, "certificates", issue(tx));
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        String number = header(issued, "X-Kofu-Issue-Number");
        diedWhileIssuing(tx, "dead-" + tx);
        long counter =
                count(
                        "select coalesce(sum(last_no), 0) from issue_counter where municipality_code = ?",
                        CITY);

        HttpResponse<byte[]> retried = post(a, "certificates", issue(tx));
        assertThat(retried.statusCode()).as(Http.body(retried)).isEqualTo(200);
        assertThat(header(retried, "X-Kofu-Issue-Number")).isEqualTo(number);
        assertThat(Pdfs.text(retried.body())).isEqualTo(Pdfs.text(issued.body()));
        assertThat(row(tx))
                .containsEntry("state", "ISSUED")
                .containsEntry("issue_number", number)
                .containsEntry("instance_id", documents(a).instanceId());
        assertThat(
                        count(
                                "select coalesce(sum(last_no), 0) from issue_counter where municipality_code = ?",
                                CITY))
                .isEqualTo(counter);
        assertThat(count("select count(*) from issuance_history where transaction_id = ?", tx))
                .isZero();
        assertThat(post(a, "completions", completion(tx, "PRINTED")).statusCode()).isEqualTo(200);
    }

    /** A live claimant's issue phase is not taken: the retry is told to ask again. */
    @Test
    void aLiveInstancesClaimHolds() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> issued = post(b, "certificates", issue(tx));
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        documents(b).remove(tx);
        jdbc.update(
                "update issuance_transaction set state = 'ISSUING', claimed_at = current_timestamp,"
                        + " layout_sha256 = null, document_sha256 = null, issued_at = null where transaction_id = ?",
                tx);

        HttpResponse<byte[]> retried = post(a, "certificates", issue(tx));
        assertThat(retried.statusCode()).as(Http.body(retried)).isEqualTo(409);
        assertThat(code(retried)).isEqualTo("TRANSACTION_IN_PROGRESS");
        assertThat(row(tx))
                .containsEntry("state", "ISSUING")
                .containsEntry("instance_id", documents(b).instanceId());
        // a claimant without a lease row (stopped normally: its row is deleted) lapses at once
        jdbc.update(
                "update issuance_transaction set instance_id = ? where transaction_id = ?",
                "stopped-" + tx,
                tx);
        HttpResponse<byte[]> after = post(a, "certificates", issue(tx));
        assertThat(after.statusCode()).as(Http.body(after)).isEqualTo(200);
        assertThat(header(after, "X-Kofu-Issue-Number"))
                .isEqualTo(header(issued, "X-Kofu-Issue-Number"));
        assertThat(post(b, "completions", completion(tx, "CANCELLED")).statusCode()).isEqualTo(200);
    }

    /**
     * Taken over after the data printed changed: the number is VOIDED with a history row and the
     * retry refused REPLICA_CHANGED; never another document under that number.
     */
    @Test
    void aTakeOverAfterAChangeVoidsTheNumberWithAHistoryRow() throws Exception {
        String tx = Http.newTransaction();
        HttpResponse<byte[]> issued = post(b, "certificates", issue(tx));
        assertThat(issued.statusCode()).as(Http.body(issued)).isEqualTo(200);
        String number = header(issued, "X-Kofu-Issue-Number");
        diedWhileIssuing(tx, "dead-" + tx);
        jdbc.update(
                "update issuance_transaction set data_sha256 = ? where transaction_id = ?",
                "0".repeat(64),
                tx);

        HttpResponse<byte[]> retried = post(a, "certificates", issue(tx));
        assertThat(retried.statusCode()).as(Http.body(retried)).isEqualTo(422);
        assertThat(code(retried)).isEqualTo("REPLICA_CHANGED");
        assertThat(row(tx)).containsEntry("state", "VOIDED");
        assertThat(
                        jdbc.queryForList(
                                "select outcome, refusal_code, issue_number from issuance_history"
                                        + " where transaction_id = ?",
                                tx))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r)
                                        .containsEntry("outcome", "VOIDED")
                                        .containsEntry("issue_number", number));
        HttpResponse<byte[]> again = post(b, "certificates", issue(tx));
        assertThat(code(again)).isEqualTo("REPLICA_CHANGED");
    }

    /**
     * What a SIGKILL between numbering and keeping leaves: ISSUING with its number, claimed by an
     * instance whose last heartbeat is a minute old, the document held nowhere.
     */
    private static void diedWhileIssuing(String tx, String dead) {
        documents(b).remove(tx);
        jdbc.update(
                "insert into hub_instance (instance_id, started_at, heartbeat_at) values"
                        + " (?, current_timestamp - interval '2' minute, current_timestamp - interval '1' minute)",
                dead);
        jdbc.update(
                "update issuance_transaction set state = 'ISSUING', instance_id = ?, claimed_at = current_timestamp,"
                        + " layout_sha256 = null, document_sha256 = null, issued_at = null where transaction_id = ?",
                dead,
                tx);
    }

    /**
     * Issue #22, a phase past its deadline: the issue phase on A stops after numbering with 503
     * DEADLINE_PASSED (a documented code, not the web server's 503) and lets go of its claim; the
     * retry on B at once makes the document under the same 発行番号, spending no other number.
     */
    @Test
    void aPhasePastItsDeadlineAnswersItsCodeAndTheRetryGetsTheDocument() throws Exception {
        String tx = Http.newTransaction();
        long counter =
                count(
                        "select coalesce(sum(last_no), 0) from issue_counter where municipality_code = ?",
                        CITY);
        org.apache.camel.CamelContext camel = a.bean(org.apache.camel.CamelContext.class);
        org.apache.camel.Exchange late =
                camel.createProducerTemplate()
                        .send(
                                "direct:issue-certificate",
                                e -> {
                                    // this phase's deadline passed before it began
                                    e.setProperty(PhaseDeadline.PROPERTY, System.nanoTime() - 1);
                                    e.getMessage().setHeader("Content-Type", "application/json");
                                    e.getMessage().setBody(Http.stamped(issue(tx)));
                                });
        assertThat(late.getMessage().getHeader("CamelHttpResponseCode", Integer.class))
                .as(late.getMessage().getBody(String.class))
                .isEqualTo(503);
        com.fasterxml.jackson.databind.JsonNode answer =
                JSON.readTree(late.getMessage().getBody(String.class));
        assertThat(answer.path("code").asText()).isEqualTo("DEADLINE_PASSED");
        assertThat(answer.path("retryAfter").asText()).isEqualTo("2");
        Map<String, Object> left = row(tx);
        assertThat(left).containsEntry("state", "ISSUING").containsEntry("instance_id", null);
        String number = (String) left.get("issue_number");
        assertThat(number).isNotNull();

        HttpResponse<byte[]> retried = post(b, "certificates", issue(tx));
        assertThat(retried.statusCode()).as(Http.body(retried)).isEqualTo(200);
        assertThat(header(retried, "X-Kofu-Issue-Number")).isEqualTo(number);
        assertThat(Pdfs.text(retried.body())).contains(number, "分散");
        assertThat(
                        count(
                                "select coalesce(sum(last_no), 0) from issue_counter where municipality_code = ?",
                                CITY))
                .isEqualTo(counter + 1);
        assertThat(post(a, "completions", completion(tx, "PRINTED")).statusCode()).isEqualTo(200);
        assertThat(
                        jdbc.queryForList(
                                "select outcome, issue_number from issuance_history where transaction_id = ?",
                                tx))
                .singleElement()
                .satisfies(r -> assertThat(r).containsEntry("issue_number", number));
    }
}
