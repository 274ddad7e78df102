package jp.kofuhub.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jp.kofuhub.settlement.DailySettlement;
import jp.kofuhub.support.HubTestBase;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The daily settlement through the real routes: a known day of history in municipality 990012 (this
 * class's own, served only by its test hub, {@link HistoryHub}), with rows just before and after
 * both midnights, settled with {@code direct:settle-day} into the test hub's outbox folder; the
 * file equals the counts and sums of {@link IssuanceHistory#find}, is written once, not at all when
 * the outbox fails (and then at the next try), and once when two callers settle the same day at the
 * same time; the periodic check ({@code direct:settle-pending}) writes the days still due and goes
 * on past a day that fails. Ordered: later tests build on the days written before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SettlementScenarios extends HubTestBase {

    static final String CITY = "990012";
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final LocalDate DAY = LocalDate.of(2024, 6, 3);

    @Autowired IssuanceHistory history;

    @Autowired DailySettlement dailySettlement;

    @Autowired TransactionTemplate tx;

    @Autowired ProducerTemplate camel;

    @Autowired CamelContext camelContext;

    @Value("${kofu.test.settlement-dir}")
    Path outbox;

    private static final Map<Class<?>, Boolean> LOADED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static int txNo;

    static HistoryEntry entry(String at, String kind, String outcome, int sheets, int fee) {
        txNo++;
        boolean printed = "PRINTED".equals(outcome);
        return new HistoryEntry(
                CITY,
                OffsetDateTime.parse(at),
                "ST-" + txNo,
                "S1",
                "K1",
                "0000000000" + (20000 + txNo),
                kind,
                null,
                sheets,
                printed ? "20240603-990012-K1-P1-" + String.format("%06d", txNo) : null,
                fee,
                outcome,
                "REFUSED".equals(outcome) ? "REPLICA_STALE" : null);
    }

    /** The day's history: 2024-06-03 in Tokyo is 2024-06-02T15:00Z … 2024-06-03T15:00Z. */
    static List<HistoryEntry> history() {
        List<HistoryEntry> l = new ArrayList<>();
        // the day before, to the last millisecond (settled on 06-02)
        l.add(entry("2024-06-02T23:59:59.999+09:00", "JUMINHYO", "PRINTED", 1, 300));
        l.add(entry("2024-06-02T14:59:59.999Z", "INKAN", "PRINTED", 1, 300));
        // the day, from its first millisecond, written in either offset
        l.add(entry("2024-06-03T00:00:00+09:00", "JUMINHYO", "PRINTED", 2, 300));
        l.add(entry("2024-06-02T15:00:00.001Z", "JUMINHYO", "PRINTED", 1, 300));
        l.add(entry("2024-06-03T08:30:00+09:00", "JUMINHYO", "PRINTED", 3, 300));
        l.add(entry("2024-06-03T09:00:00+09:00", "JUMINHYO", "PRINT_FAILED", 0, 0));
        l.add(entry("2024-06-03T10:00:00+09:00", "JUMINHYO", "REFUSED", 0, 0));
        l.add(entry("2024-06-03T11:00:00+09:00", "INKAN", "PRINTED", 1, 300));
        l.add(entry("2024-06-03T12:00:00+09:00", "INKAN", "CANCELLED", 0, 0));
        l.add(entry("2024-06-03T13:00:00+09:00", "SHOTOKU_KAZEI", "PRINTED", 1, 350));
        l.add(entry("2024-06-03T14:00:00+09:00", "SHOTOKU", "PRINTED", 1, 350));
        l.add(entry("2024-06-03T15:00:00+09:00", "SHOTOKU", "ABANDONED", 0, 0));
        l.add(entry("2024-06-03T16:00:00+09:00", "JUMINHYO_KISAI", "VOIDED", 0, 0));
        // to its last millisecond
        l.add(entry("2024-06-03T23:59:59.999+09:00", "JUMINHYO", "PRINTED", 1, 300));
        l.add(entry("2024-06-03T14:59:59.999Z", "INKAN", "PRINTED", 2, 300));
        // the day after (settled on 06-04)
        l.add(entry("2024-06-04T00:00:00+09:00", "JUMINHYO", "PRINTED", 1, 300));
        l.add(entry("2024-06-03T15:00:00Z", "INKAN", "REFUSED", 0, 0));
        return l;
    }

    static final int IN_DAY = 13;

    @BeforeEach
    void historyRecorded() {
        LOADED.computeIfAbsent(
                getClass(),
                c -> {
                    for (HistoryEntry e : history()) {
                        tx.executeWithoutResult(s -> history.append(e));
                    }
                    return true;
                });
    }

    @Test
    @Order(1)
    void theDaysFileHoldsItsCountsSheetsAndFeesOnce() throws Exception {
        List<HistoryEntry> found = history.find(CITY, DAY, DAY);
        assertThat(found)
                .hasSize(IN_DAY)
                .allSatisfy(
                        e ->
                                assertThat(e.recordedAt().atZoneSameInstant(TOKYO).toLocalDate())
                                        .isEqualTo(DAY));
        assertThat(found.get(0).recordedAt())
                .isEqualTo(OffsetDateTime.parse("2024-06-03T00:00:00+09:00"));
        assertThat(found.get(IN_DAY - 1).recordedAt())
                .isEqualTo(OffsetDateTime.parse("2024-06-03T23:59:59.999+09:00"));

        assertThat(settle(CITY, DAY)).isEqualTo("WRITTEN");
        Path file = outbox.resolve("settlement_990012_20240603.csv");
        assertThat(file).exists();
        String csv = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(csv).isEqualTo(expected(DAY, found));
        // the numbers, by hand: 13 rows, 12 sheets, 2500 yen
        assertThat(csv.split("\r\n"))
                .hasSize(1 + 9 + 1 + 1)
                .startsWith("date,municipality,kind,outcome,count,sheets,fee_total")
                .contains(
                        "2024-06-03,990012,JUMINHYO,PRINTED,4,7,1200",
                        "2024-06-03,990012,INKAN,PRINTED,2,3,600",
                        "2024-06-03,990012,TOTAL,,13,12,2500");
        assertThat(csv).doesNotContain("000000000020").doesNotContain("ST-");
        assertThat(
                        jdbc.queryForObject(
                                "select sha256 from settlement_run where municipality_code = ? and settlement_day = ?",
                                String.class,
                                CITY,
                                DAY))
                .isEqualTo(DailySettlement.sha256(csv));

        // a second time: nothing is written
        Files.delete(file);
        assertThat(settle(CITY, DAY)).isEqualTo("ALREADY_WRITTEN");
        assertThat(file).doesNotExist();
        assertThat(count("select count(*) from settlement_run where municipality_code = ?", CITY))
                .isEqualTo(1);
    }

    @Test
    @Order(2)
    void aFailedWriteLeavesTheDayUnwrittenUntilItSucceeds() throws Exception {
        LocalDate next = DAY.plusDays(1);
        // a folder where the file should go, not empty: the outbox cannot write the file
        Path blocker = outbox.resolve("settlement_990012_20240604.csv");
        Files.createDirectories(blocker);
        Files.writeString(blocker.resolve("keep"), "x");
        assertThatThrownBy(() -> settle(CITY, next)).isInstanceOf(CamelExecutionException.class);
        assertThat(
                        count(
                                "select count(*) from settlement_run where municipality_code = ? and settlement_day = ?",
                                CITY,
                                next))
                .isZero();

        Files.delete(blocker.resolve("keep"));
        Files.delete(blocker);
        assertThat(settle(CITY, next)).isEqualTo("WRITTEN");
        assertThat(Files.readString(blocker, StandardCharsets.UTF_8))
                .isEqualTo(expected(next, history.find(CITY, next, next)))
                .contains("2024-06-04,990012,TOTAL,,2,1,300");
        assertThat(
                        count(
                                "select count(*) from settlement_run where municipality_code = ? and settlement_day = ?",
                                CITY,
                                next))
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    void pendingDaysRunFromTheFirstDayWithHistoryToTheLastFinishedDay() {
        // 06-03 and 06-04 written; history starts on 06-02
        assertThat(dailySettlement.pending(List.of(CITY), LocalDate.of(2024, 6, 6)))
                .containsExactly(
                        new DailySettlement.Day(CITY, LocalDate.of(2024, 6, 2)),
                        new DailySettlement.Day(CITY, LocalDate.of(2024, 6, 5)),
                        new DailySettlement.Day(CITY, LocalDate.of(2024, 6, 6)));
        assertThat(dailySettlement.pending(List.of(CITY), LocalDate.of(2024, 6, 1))).isEmpty();
        // a municipality without history has nothing due
        assertThat(dailySettlement.pending(List.of("990013"), LocalDate.of(2024, 6, 6))).isEmpty();
        // yesterday at the latest (the clock is real; the grace is half an hour after midnight)
        assertThat(dailySettlement.lastFinishedDay()).isBefore(LocalDate.now(TOKYO));
        // the served municipalities' days, up to a given day at most
        assertThat(dailySettlement.pending("2024-06-05"))
                .containsExactly(
                        new DailySettlement.Day(CITY, LocalDate.of(2024, 6, 2)),
                        new DailySettlement.Day(CITY, LocalDate.of(2024, 6, 5)));
    }

    @Test
    @Order(4)
    void twoCallersSettlingOneDayWriteItOnce() throws Exception {
        LocalDate first = LocalDate.of(2024, 6, 2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Callable<String> call =
                        () -> {
                            start.await();
                            return settle(CITY, first);
                        };
                results.add(pool.submit(call));
            }
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes).containsExactlyInAnyOrder("WRITTEN", "ALREADY_WRITTEN");
        } finally {
            pool.shutdownNow();
        }
        assertThat(
                        Files.readString(
                                outbox.resolve("settlement_990012_20240602.csv"),
                                StandardCharsets.UTF_8))
                .isEqualTo(expected(first, history.find(CITY, first, first)))
                .contains("2024-06-02,990012,TOTAL,,2,2,600");
        assertThat(count("select count(*) from settlement_run where municipality_code = ?", CITY))
                .isEqualTo(3);
    }

    @Test
    @Order(5)
    void aDayNotFinishedOrABadRequestIsRefusedAndWritesNothing() {
        LocalDate today = LocalDate.now(TOKYO);
        assertThatThrownBy(() -> settle(CITY, today))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                camel.requestBodyAndHeaders(
                                        "direct:settle-day",
                                        null,
                                        Map.of("municipality", "99001", "day", "2024-06-01"),
                                        String.class))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                camel.requestBodyAndHeaders(
                                        "direct:settle-day",
                                        null,
                                        Map.of("municipality", CITY, "day", "20240601"),
                                        String.class))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(count("select count(*) from settlement_run where municipality_code = ?", CITY))
                .isEqualTo(3);
        assertThat(
                        outbox.resolve(
                                "settlement_990012_"
                                        + today.format(
                                                java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
                                        + ".csv"))
                .doesNotExist();
    }

    @Test
    @Order(6)
    void thePeriodicCheckWritesTheDaysStillDueAndGoesOnPastAFailedOne() throws Exception {
        // 06-02 … 06-04 are written; 06-05 cannot be written (a folder in its place), 06-06 can
        Path blocker = outbox.resolve("settlement_990012_20240605.csv");
        Files.createDirectories(blocker);
        Files.writeString(blocker.resolve("keep"), "x");
        camel.requestBodyAndHeader("direct:settle-pending", null, "until", "2024-06-06");
        assertThat(written())
                .containsExactly(
                        LocalDate.of(2024, 6, 2),
                        LocalDate.of(2024, 6, 3),
                        LocalDate.of(2024, 6, 4),
                        LocalDate.of(2024, 6, 6));
        assertThat(
                        Files.readString(
                                outbox.resolve("settlement_990012_20240606.csv"),
                                StandardCharsets.UTF_8))
                .isEqualTo(
                        "date,municipality,kind,outcome,count,sheets,fee_total\r\n2024-06-06,990012,TOTAL,,0,0,0\r\n"
                                + chainHead(LocalDate.of(2024, 6, 6)));

        // the next check writes it; then nothing is due up to that day
        Files.delete(blocker.resolve("keep"));
        Files.delete(blocker);
        camel.requestBodyAndHeader("direct:settle-pending", null, "until", "2024-06-06");
        assertThat(written()).hasSize(5).contains(LocalDate.of(2024, 6, 5));
        assertThat(Files.readString(blocker, StandardCharsets.UTF_8))
                .endsWith(
                        "2024-06-05,990012,TOTAL,,0,0,0\r\n" + chainHead(LocalDate.of(2024, 6, 5)));
        assertThat(dailySettlement.pending("2024-06-06")).isEmpty();
        // only this class's municipality had days due: no other file in the outbox (06-03's was
        // deleted
        // by the first test, and not written again)
        try (var files = Files.list(outbox)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly(
                            "settlement_990012_20240602.csv", "settlement_990012_20240604.csv",
                            "settlement_990012_20240605.csv", "settlement_990012_20240606.csv");
        }
        // the timer runs the same check, on the cluster's leader only
        assertThat(camelContext.getRoute("daily-settlement").getEndpoint().getEndpointUri())
                .startsWith("master:kofu-daily-settlement:timer:daily-settlement");
    }

    private List<LocalDate> written() {
        return jdbc.query(
                "select settlement_day from settlement_run where municipality_code = ? order by settlement_day",
                (rs, n) -> rs.getObject(1, LocalDate.class),
                CITY);
    }

    // ---------------------------------------------------------------------------------------------

    private String settle(String municipality, LocalDate day) {
        return camel.requestBodyAndHeaders(
                "direct:settle-day",
                null,
                Map.of("municipality", municipality, "day", day.toString()),
                String.class);
    }

    /** The file as it must be, computed from the rows {@code find} returns. */
    /** The file of {@code day}: the rows' sums, TOTAL, and the chain head at the end of the day. */
    String expected(LocalDate day, List<HistoryEntry> rows) {
        return sums(day, rows) + chainHead(day);
    }

    /**
     * The CHAIN_HEAD row (issue #19): the last history row recorded before the end of the day, read
     * here from the table; {@code history.verify} proves that row is in the intact chain.
     */
    String chainHead(LocalDate day) {
        Map<String, Object> last =
                jdbc.queryForMap(
                        "select seq, row_hash from issuance_history where municipality_code = ?"
                                + " and recorded_at < ? order by seq desc limit 1",
                        CITY,
                        IssuanceHistory.startOf(
                                day.plusDays(1), java.time.ZoneId.of("Asia/Tokyo")));
        assertThat(history.verify(CITY).ok()).isTrue();
        return day
                + ","
                + CITY
                + ",CHAIN_HEAD,"
                + last.get("row_hash")
                + ","
                + last.get("seq")
                + ",0,0\r\n";
    }

    static String sums(LocalDate day, List<HistoryEntry> rows) {
        Map<String, long[]> sums = new TreeMap<>();
        long[] total = new long[3];
        for (HistoryEntry e : rows) {
            long[] s = sums.computeIfAbsent(e.kind() + "," + e.outcome(), k -> new long[3]);
            s[0]++;
            s[1] += e.sheets();
            s[2] += e.fee();
            total[0]++;
            total[1] += e.sheets();
            total[2] += e.fee();
        }
        StringBuilder b =
                new StringBuilder("date,municipality,kind,outcome,count,sheets,fee_total\r\n");
        sums.forEach(
                (k, s) ->
                        b.append(day)
                                .append(',')
                                .append(CITY)
                                .append(',')
                                .append(k)
                                .append(',')
                                .append(s[0])
                                .append(',')
                                .append(s[1])
                                .append(',')
                                .append(s[2])
                                .append("\r\n"));
        b.append(day)
                .append(',')
                .append(CITY)
                .append(",TOTAL,,")
                .append(total[0])
                .append(',')
                .append(total[1])
                .append(',')
                .append(total[2])
                .append("\r\n");
        return b.toString();
    }
}
