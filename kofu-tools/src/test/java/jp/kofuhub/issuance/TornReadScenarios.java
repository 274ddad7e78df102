package jp.kofuhub.issuance;

import static jp.kofuhub.support.TestRecords.atena;
import static jp.kofuhub.support.TestRecords.card;
import static jp.kofuhub.support.TestRecords.household;
import static jp.kofuhub.support.TestRecords.rec;
import static jp.kofuhub.support.TestRecords.resident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jp.kofuhub.registry.ExportHeader.Kind;
import jp.kofuhub.registry.RecordType;
import jp.kofuhub.support.Http;
import jp.kofuhub.support.HubTestBase;
import jp.kofuhub.support.Pdfs;
import jp.kofuhub.support.TestRecords;
import org.junit.jupiter.api.Test;

/**
 * No torn reads: while DELTA files move a member between two households and change the first
 * household's address in the same file, certificates are issued continuously for the first
 * household, and every document must show one state of the registry — the old address with the
 * member, or the new address without — never a mix, never another household's member. Municipality
 * 011002 (Sapporo) is this class's own.
 */
abstract class TornReadScenarios extends HubTestBase {

    static final String CITY = "011002";
    static final String HEAD = atena(4001);
    static final String WIFE = atena(4002);
    static final String MOVER = atena(4003);
    static final String OTHER = atena(4004);
    static final String CARD = "SP00000000000001";
    static final String ADDRESS_A = "北海道札幌市中央区南一条西１丁目１番地";
    static final String ADDRESS_B = "北海道札幌市中央区南二条西２丁目２番地";
    static final int MOVES = 30;

    private long applied() {
        return count("select count(*) from sync_file where municipality_code = ?", CITY);
    }

    /** State A (even) or B (odd) as one DELTA: household 10's address and the mover's household. */
    private Object[][] state(int historyNo, boolean b) {
        return new Object[][] {
            rec(RecordType.H, household("10", HEAD, b ? ADDRESS_B : ADDRESS_A)),
            rec(
                    RecordType.R,
                    resident(
                            MOVER,
                            historyNo,
                            b ? "11" : "10",
                            "札幌",
                            "移動",
                            b ? "同居人" : "子",
                            LocalDate.of(2000, 2, 2),
                            "RESIDENT"))
        };
    }

    @Test
    void everyDocumentShowsOneWholeStateOfTheHousehold() throws Exception {
        TestRecords.write(
                inbox,
                CITY,
                1,
                Kind.FULL,
                java.nio.charset.StandardCharsets.UTF_8,
                new Object[][] {
                    rec(RecordType.H, household("10", HEAD, ADDRESS_A)),
                    rec(RecordType.H, household("11", OTHER, "北海道札幌市北区北十条西３丁目")),
                    rec(
                            RecordType.R,
                            resident(
                                    HEAD,
                                    1,
                                    "10",
                                    "札幌",
                                    "一家",
                                    "世帯主",
                                    LocalDate.of(1970, 1, 1),
                                    "RESIDENT")),
                    rec(
                            RecordType.R,
                            resident(
                                    WIFE,
                                    1,
                                    "10",
                                    "札幌",
                                    "妻子",
                                    "妻",
                                    LocalDate.of(1971, 1, 1),
                                    "RESIDENT")),
                    rec(
                            RecordType.R,
                            resident(
                                    MOVER,
                                    1,
                                    "10",
                                    "札幌",
                                    "移動",
                                    "子",
                                    LocalDate.of(2000, 2, 2),
                                    "RESIDENT")),
                    rec(
                            RecordType.R,
                            resident(
                                    OTHER,
                                    1,
                                    "11",
                                    "札幌",
                                    "別家",
                                    "世帯主",
                                    LocalDate.of(1960, 1, 1),
                                    "RESIDENT")),
                    rec(RecordType.C, card(CARD, HEAD))
                });
        await().atMost(SYNC_WAIT).until(() -> applied() == 1);

        AtomicBoolean moving = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger voided = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> issuers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            issuers.add(
                    pool.submit(
                            () -> {
                                while (moving.get()) {
                                    HttpResponse<byte[]> r =
                                            Http.post(
                                                    baseUrl() + "/api/v1/certificates",
                                                    "application/json",
                                                    Http.issueJson(CITY, CARD, "JUMINHYO"));
                                    if (r.statusCode() != 200) {
                                        if (!Http.body(r).contains("REPLICA_CHANGED")) {
                                            violations.add(
                                                    "unexpected answer "
                                                            + r.statusCode()
                                                            + " "
                                                            + Http.body(r));
                                        }
                                        voided.incrementAndGet();
                                        continue;
                                    }
                                    String text = Pdfs.compact(Pdfs.text(r.body()));
                                    boolean a = text.contains(Pdfs.compact(ADDRESS_A));
                                    boolean b = text.contains(Pdfs.compact(ADDRESS_B));
                                    boolean mover = text.contains("札幌移動");
                                    if (!text.contains("札幌一家")
                                            || !text.contains("札幌妻子")
                                            || text.contains("札幌別家")) {
                                        violations.add("wrong household members");
                                    } else if (a == b || (a && !mover) || (b && mover)) {
                                        violations.add(
                                                "torn: addressA="
                                                        + a
                                                        + " addressB="
                                                        + b
                                                        + " mover="
                                                        + mover);
                                    }
                                    checked.incrementAndGet();
                                }
                                return null;
                            }));
        }
        try {
            for (int i = 1; i <= MOVES; i++) {
                long seq = i + 1;
                int answered = checked.get() + voided.get();
                TestRecords.write(
                        inbox,
                        CITY,
                        seq,
                        Kind.DELTA,
                        java.nio.charset.StandardCharsets.UTF_8,
                        state(i + 1, i % 2 == 1));
                // the next move waits for an answer, so issuances and moves interleave however fast
                // each side is
                await().atMost(SYNC_WAIT)
                        .until(() -> applied() == seq && checked.get() + voided.get() > answered);
            }
        } finally {
            moving.set(false);
            for (Future<?> f : issuers) {
                f.get();
            }
            pool.shutdown();
        }
        assertThat(violations).isEmpty();
        // every move waited for an answer; many in-flight documents are voided (REPLICA_CHANGED) by
        // design
        assertThat(checked.get() + voided.get())
                .as("answers while the household changed")
                .isGreaterThanOrEqualTo(MOVES);
        assertThat(checked.get())
                .as("documents checked while the household changed")
                .isGreaterThanOrEqualTo(5);
    }
}
