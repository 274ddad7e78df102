package jp.kofuhub.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import jp.kofuhub.support.HubTestBase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hash-chained issuance history on a real database: appends from several threads (each in a
 * transaction of its own) make one contiguous chain; tampering through JDBC — a fee changed, a row
 * deleted, two rows' places swapped, the head changed — is found at the right row, through the
 * bean, the actuator endpoint over HTTP and the {@code verify-history} command. Municipality 990011
 * is this class's own. Ordered: the first test builds the chain, each later one tampers and then
 * puts it back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class HistoryScenarios extends HubTestBase {

    static final String CITY = "990011";
    static final int THREADS = 8;
    static final int PER_THREAD = 25;
    static final int ROWS = THREADS * PER_THREAD;
    static final OffsetDateTime T0 = OffsetDateTime.parse("2024-05-01T10:00:00+09:00");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Autowired IssuanceHistory history;

    @Autowired TransactionTemplate tx;

    static HistoryEntry entry(int thread, int i) {
        boolean printed = i % 5 != 4;
        return new HistoryEntry(
                CITY,
                T0.plusSeconds(thread * 1000L + i).plusNanos(123_456_789),
                "TX-" + thread + "-" + i,
                "S" + thread,
                "K" + (i % 3),
                "0000000000" + (10000 + i),
                i % 2 == 0 ? "JUMINHYO" : "INKAN",
                i % 2 == 0 ? "members=ALL;head" : null,
                printed ? 1 + i % 2 : 0,
                printed ? "20240501-990011-K1-P1-" + String.format("%06d", thread * 100 + i) : null,
                printed ? 300 : 0,
                printed ? "PRINTED" : "REFUSED",
                printed ? null : "SEAL_NOT_REGISTERED");
    }

    @Test
    @Order(1)
    void appendsFromSeveralThreadsMakeOneContiguousChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Callable<List<Long>> appender =
                        () -> {
                            start.await();
                            List<Long> seqs = new ArrayList<>();
                            for (int i = 0; i < PER_THREAD; i++) {
                                int n = i;
                                seqs.add(tx.execute(s -> history.append(entry(thread, n))));
                            }
                            return seqs;
                        };
                futures.add(pool.submit(appender));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                all.addAll(f.get(120, TimeUnit.SECONDS));
            }
            Collections.sort(all);
            assertThat(all)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, ROWS).boxed().toList());
        } finally {
            pool.shutdownNow();
        }

        assertThat(
                        jdbc.queryForList(
                                "select seq from issuance_history where municipality_code = ? order by seq",
                                Long.class,
                                CITY))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, ROWS).boxed().toList());
        assertThat(history.verify(CITY))
                .isEqualTo(new IssuanceHistory.VerifyResult(CITY, ROWS, true, null, null));
        assertThat(count("select seq from issuance_history_head where municipality_code = ?", CITY))
                .isEqualTo(ROWS);
        assertThat(history.verifyAll())
                .contains(new IssuanceHistory.VerifyResult(CITY, ROWS, true, null, null));
        // each row carries the hash of the row before it
        assertThat(
                        count(
                                "select count(*) from issuance_history h join issuance_history p on p.municipality_code ="
                                        + " h.municipality_code and p.seq = h.seq - 1 where h.municipality_code = ? and h.prev_hash = p.row_hash",
                                CITY))
                .isEqualTo(ROWS - 1);
        // recorded_at is stored at milliseconds, as hashed
        assertThat(history.find(CITY, T0.toLocalDate(), T0.toLocalDate()))
                .hasSize(ROWS)
                .allSatisfy(e -> assertThat(e.recordedAt().getNano() % 1_000_000).isZero())
                .anySatisfy(
                        e ->
                                assertThat(e)
                                        .isEqualTo(
                                                new HistoryEntry(
                                                        CITY,
                                                        OffsetDateTime.parse(
                                                                "2024-05-01T10:00:00.123+09:00"),
                                                        "TX-0-0",
                                                        "S0",
                                                        "K0",
                                                        "000000000010000",
                                                        "JUMINHYO",
                                                        "members=ALL;head",
                                                        1,
                                                        "20240501-990011-K1-P1-000000",
                                                        300,
                                                        "PRINTED",
                                                        null)));
        assertThat(history.find(CITY, T0.toLocalDate().plusDays(1), T0.toLocalDate().plusDays(9)))
                .isEmpty();
    }

    @Test
    @Order(2)
    void anIntactChainIsOkOverHttpAndFromTheCommand() throws Exception {
        JsonNode one = json.readTree(get("/actuator/history/" + CITY).body());
        assertThat(one.get("municipality").asText()).isEqualTo(CITY);
        assertThat(one.get("ok").asBoolean()).isTrue();
        assertThat(one.get("rows").asLong()).isEqualTo(ROWS);
        assertThat(one.get("firstBadSeq").isNull()).isTrue();

        HttpResponse<String> all = get("/actuator/history");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(mine(json.readTree(all.body())).get("ok").asBoolean()).isTrue();
        assertThat(all.body()).doesNotContain("TX-0-0").doesNotContain("000000000010000");
        assertThat(get("/actuator/history/99001x").statusCode()).isEqualTo(400);

        Run run = command("--url", baseUrl(), "--municipality", CITY);
        assertThat(run.exit()).isZero();
        assertThat(run.lines()).containsExactly(CITY + " OK " + ROWS + " rows");
        Run everything = command("--url", baseUrl() + "/");
        assertThat(everything.lines()).contains(CITY + " OK " + ROWS + " rows");
    }

    @Test
    @Order(3)
    void aChangedFeeIsAlteredAtItsRow() throws Exception {
        jdbc.update(
                "update issuance_history set fee = fee + 1 where municipality_code = ? and seq = 57",
                CITY);
        assertBroken(57, "ALTERED");
        Run run = command("--url", baseUrl(), "--municipality", CITY);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.lines()).containsExactly(CITY + " BROKEN at seq 57: ALTERED");
        JsonNode all = json.readTree(get("/actuator/history").body());
        assertThat(all.get("ok").asBoolean()).isFalse();
        assertThat(mine(all).get("problem").asText()).isEqualTo("ALTERED");
        assertThat(command("--url", baseUrl()).exit()).isEqualTo(1);

        jdbc.update(
                "update issuance_history set fee = fee - 1 where municipality_code = ? and seq = 57",
                CITY);
        assertOk();
        // any other field too: the terminal, the subject, the time
        tampered(
                "update issuance_history set terminal = 'K9' where municipality_code = ? and seq = 3",
                3,
                "ALTERED");
        tampered(
                "update issuance_history set holder_atena = null where municipality_code = ? and seq = 4",
                4,
                "ALTERED");
        tampered(
                "update issuance_history set outcome = 'VOIDED' where municipality_code = ? and seq = 5",
                5,
                "ALTERED");
    }

    @Test
    @Order(4)
    void aDeletedRowIsRemovedAtItsSeq() throws Exception {
        for (long seq : new long[] {120, 1, ROWS}) {
            Saved row = save(seq);
            jdbc.update(
                    "delete from issuance_history where municipality_code = ? and seq = ?",
                    CITY,
                    seq);
            assertBroken(seq, "REMOVED");
            if (seq == 120) {
                assertThat(command("--url", baseUrl(), "--municipality", CITY).lines())
                        .containsExactly(CITY + " BROKEN at seq 120: REMOVED");
            }
            row.restore();
            assertOk();
        }
        // removed, and the later rows renumbered to close the gap
        Saved row = save(150);
        jdbc.update("delete from issuance_history where municipality_code = ? and seq = 150", CITY);
        for (long s = 151; s <= ROWS; s++) {
            jdbc.update(
                    "update issuance_history set seq = seq - 1 where municipality_code = ? and seq = ?",
                    CITY,
                    s);
        }
        jdbc.update(
                "update issuance_history_head set seq = seq - 1 where municipality_code = ?", CITY);
        assertBroken(150, "REMOVED");
        for (long s = ROWS - 1; s >= 150; s--) {
            jdbc.update(
                    "update issuance_history set seq = seq + 1 where municipality_code = ? and seq = ?",
                    CITY,
                    s);
        }
        jdbc.update(
                "update issuance_history_head set seq = seq + 1 where municipality_code = ?", CITY);
        row.restore();
        assertOk();
    }

    @Test
    @Order(5)
    void swappedRowsAreReordered() throws Exception {
        swap(40, 90);
        assertBroken(40, "REORDERED");
        swap(40, 90);
        assertOk();
        swap(30, 31);
        assertBroken(30, "REORDERED");
        assertThat(command("--url", baseUrl(), "--municipality", CITY).lines())
                .containsExactly(CITY + " BROKEN at seq 30: REORDERED");
        swap(30, 31);
        assertOk();
    }

    @Test
    @Order(6)
    void aChangedHeadIsAHeadMismatch() throws Exception {
        String hash =
                jdbc.queryForObject(
                        "select row_hash from issuance_history_head where municipality_code = ?",
                        String.class,
                        CITY);
        jdbc.update(
                "update issuance_history_head set row_hash = ? where municipality_code = ?",
                "f".repeat(64),
                CITY);
        assertBroken(ROWS, "HEAD_MISMATCH");
        assertThat(command("--url", baseUrl(), "--municipality", CITY).lines())
                .containsExactly(CITY + " BROKEN at seq " + ROWS + ": HEAD_MISMATCH");
        jdbc.update(
                "update issuance_history_head set row_hash = ? where municipality_code = ?",
                hash,
                CITY);
        assertOk();

        tampered(
                "update issuance_history_head set seq = seq + 5 where municipality_code = ?",
                ROWS,
                "HEAD_MISMATCH");
        // the head names the last row's hash under the number of the row before: found at that row
        tampered(
                "update issuance_history_head set seq = seq - 1 where municipality_code = ?",
                ROWS - 1,
                "HEAD_MISMATCH");
        jdbc.update("delete from issuance_history_head where municipality_code = ?", CITY);
        assertBroken(ROWS, "HEAD_MISMATCH");
        jdbc.update(
                "insert into issuance_history_head (municipality_code, seq, row_hash) values (?, ?, ?)",
                CITY,
                ROWS,
                hash);
        assertOk();
    }

    @Test
    @Order(7)
    void aRowRewrittenWithItsHashRecomputedIsFoundAtTheNextRow() {
        Saved row = save(70);
        String prev =
                jdbc.queryForObject(
                        "select prev_hash from issuance_history where municipality_code = ? and seq = 70",
                        String.class,
                        CITY);
        HistoryEntry e =
                history.find(CITY, T0.toLocalDate(), T0.toLocalDate()).stream()
                        .filter(r -> r.transactionId().equals(row.transactionId()))
                        .findFirst()
                        .orElseThrow();
        HistoryEntry cheaper =
                new HistoryEntry(
                        e.municipality(),
                        e.recordedAt(),
                        e.transactionId(),
                        e.store(),
                        e.terminal(),
                        e.holderAtena(),
                        e.kind(),
                        e.printedOptions(),
                        e.sheets(),
                        e.issueNumber(),
                        e.fee() + 1000,
                        e.outcome(),
                        e.refusalCode());
        jdbc.update(
                "update issuance_history set fee = ?, row_hash = ? where municipality_code = ? and seq = 70",
                cheaper.fee(),
                HistoryChain.rowHash(prev, cheaper),
                CITY);
        IssuanceHistory.VerifyResult r = history.verify(CITY);
        assertThat(r.ok()).isFalse();
        assertThat(r.firstBadSeq()).isEqualTo(71);
        jdbc.update("delete from issuance_history where municipality_code = ? and seq = 70", CITY);
        row.restore();
        assertOk();
    }

    @Test
    @Order(8)
    void appendOutsideATransactionIsRefusedAndARolledBackAppendLeavesNoTrace() {
        assertThatThrownBy(() -> history.append(entry(99, 0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("TX-99-0");
        assertThat(count("select count(*) from issuance_history where municipality_code = ?", CITY))
                .isEqualTo(ROWS);

        assertThatThrownBy(
                        () ->
                                tx.executeWithoutResult(
                                        s -> {
                                            assertThat(history.append(entry(99, 1)))
                                                    .isEqualTo(ROWS + 1);
                                            throw new IllegalStateException(
                                                    "the caller's state change failed");
                                        }))
                .hasMessage("the caller's state change failed");
        assertThat(count("select count(*) from issuance_history where municipality_code = ?", CITY))
                .isEqualTo(ROWS);
        assertOk();

        // bad entries: refused before anything is written, the message names the field only
        assertThatThrownBy(
                        () ->
                                tx.executeWithoutResult(
                                        s ->
                                                history.append(
                                                        new HistoryEntry(
                                                                CITY,
                                                                T0,
                                                                "TX-99-2",
                                                                null,
                                                                null,
                                                                null,
                                                                "JUMINHYO",
                                                                null,
                                                                0,
                                                                null,
                                                                0,
                                                                "LOST",
                                                                null))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                tx.executeWithoutResult(
                                        s ->
                                                history.append(
                                                        new HistoryEntry(
                                                                CITY,
                                                                T0,
                                                                "TX-99-3",
                                                                null,
                                                                null,
                                                                "1".repeat(16),
                                                                "JUMINHYO",
                                                                null,
                                                                0,
                                                                null,
                                                                0,
                                                                "REFUSED",
                                                                null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holderAtena")
                .hasMessageNotContaining("1111111111111111");
        assertOk();
    }

    // ---------------------------------------------------------------------------------------------

    private void tampered(String sql, long at, String problem) {
        // run it, check what is found, then put the row and the head back as they were
        Saved row = save(at);
        Object[] head =
                jdbc.queryForObject(
                        "select seq, row_hash from issuance_history_head where municipality_code = ?",
                        (rs, n) -> new Object[] {rs.getLong(1), rs.getString(2)},
                        CITY);
        jdbc.update(sql, CITY);
        assertBroken(at, problem);
        jdbc.update(
                "delete from issuance_history where municipality_code = ? and seq = ?", CITY, at);
        row.restore();
        jdbc.update(
                "update issuance_history_head set seq = ?, row_hash = ? where municipality_code = ?",
                head[0],
                head[1],
                CITY);
        assertOk();
    }

    private void assertBroken(long seq, String problem) {
        IssuanceHistory.VerifyResult r = history.verify(CITY);
        assertThat(r)
                .as("verify %s", CITY)
                .isEqualTo(new IssuanceHistory.VerifyResult(CITY, r.rows(), false, seq, problem));
        try {
            JsonNode one = json.readTree(get("/actuator/history/" + CITY).body());
            assertThat(one.get("ok").asBoolean()).isFalse();
            assertThat(one.get("firstBadSeq").asLong()).isEqualTo(seq);
            assertThat(one.get("problem").asText()).isEqualTo(problem);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void assertOk() {
        assertThat(history.verify(CITY))
                .isEqualTo(new IssuanceHistory.VerifyResult(CITY, ROWS, true, null, null));
    }

    private void swap(long a, long b) {
        jdbc.update(
                "update issuance_history set seq = -1 where municipality_code = ? and seq = ?",
                CITY,
                a);
        jdbc.update(
                "update issuance_history set seq = ? where municipality_code = ? and seq = ?",
                a,
                CITY,
                b);
        jdbc.update(
                "update issuance_history set seq = ? where municipality_code = ? and seq = -1",
                b,
                CITY);
    }

    /** One row as stored, to put back after tampering. */
    private record Saved(
            org.springframework.jdbc.core.JdbcTemplate jdbc,
            long seq,
            OffsetDateTime recordedAt,
            String transactionId,
            String store,
            String terminal,
            String holderAtena,
            String kind,
            String printedOptions,
            int sheets,
            String issueNumber,
            int fee,
            String outcome,
            String refusalCode,
            String prevHash,
            String rowHash) {
        void restore() {
            jdbc.update(
                    "insert into issuance_history (municipality_code, seq, recorded_at, transaction_id, store_code,"
                            + " terminal, holder_atena, kind, printed_options, sheets, issue_number, fee, outcome, refusal_code,"
                            + " prev_hash, row_hash) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    CITY,
                    seq,
                    recordedAt,
                    transactionId,
                    store,
                    terminal,
                    holderAtena,
                    kind,
                    printedOptions,
                    sheets,
                    issueNumber,
                    fee,
                    outcome,
                    refusalCode,
                    prevHash,
                    rowHash);
        }
    }

    private Saved save(long seq) {
        return jdbc.queryForObject(
                "select * from issuance_history where municipality_code = ? and seq = ?",
                (rs, n) ->
                        new Saved(
                                jdbc,
                                seq,
                                rs.getObject("recorded_at", OffsetDateTime.class),
                                rs.getString("transaction_id"),
                                rs.getString("store_code"),
                                rs.getString("terminal"),
                                rs.getString("holder_atena"),
                                rs.getString("kind"),
                                rs.getString("printed_options"),
                                rs.getInt("sheets"),
                                rs.getString("issue_number"),
                                rs.getInt("fee"),
                                rs.getString("outcome"),
                                rs.getString("refusal_code"),
                                rs.getString("prev_hash"),
                                rs.getString("row_hash")),
                CITY,
                seq);
    }

    private JsonNode mine(JsonNode all) {
        for (JsonNode m : all.get("municipalities")) {
            if (CITY.equals(m.get("municipality").asText())) {
                return m;
            }
        }
        throw new AssertionError(CITY + " missing from " + all);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .timeout(Duration.ofSeconds(60))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * The command's exit code and its stdout lines about municipalities (log lines of the hub
     * filtered out).
     */
    private record Run(int exit, List<String> lines) {}

    private static synchronized Run command(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = VerifyHistoryCommand.run(args);
        } finally {
            System.setOut(original);
        }
        List<String> lines =
                out.toString(StandardCharsets.UTF_8)
                        .lines()
                        .filter(l -> l.matches("\\d{6} (OK|BROKEN).*"))
                        .toList();
        return new Run(exit, lines);
    }

    static LocalDate day() {
        return T0.toLocalDate();
    }
}
