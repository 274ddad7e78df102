package jp.kofuhub.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The canonical line and row hash of {@link HistoryChain}: the format of the evidence, pinned. */
class HistoryChainTest {

    static HistoryEntry entry(OffsetDateTime at, String store, String options, int fee) {
        return new HistoryEntry(
                "012343",
                at,
                "TX-1",
                store,
                "K1",
                "000000000001234",
                "JUMINHYO",
                options,
                2,
                "20240603-012343-K1-P1-000001",
                fee,
                "PRINTED",
                null);
    }

    @Test
    void lineIsTheFieldsInOrderTabSeparatedNullsEmptyTimeInUtcMilliseconds() {
        HistoryEntry e =
                entry(
                        OffsetDateTime.parse("2024-06-03T09:15:30.123456789+09:00"),
                        null,
                        "members=ALL;head",
                        600);
        assertThat(HistoryChain.line(e))
                .isEqualTo(
                        "012343\t2024-06-03T00:15:30.123Z\tTX-1\t\tK1\t000000000001234\tJUMINHYO"
                                + "\tmembers=ALL;head\t2\t20240603-012343-K1-P1-000001\t600\tPRINTED\t");
        // a whole second still has its milliseconds
        assertThat(
                        HistoryChain.line(
                                entry(OffsetDateTime.parse("2024-06-03T00:00:00Z"), "S1", null, 0)))
                .startsWith("012343\t2024-06-03T00:00:00.000Z\tTX-1\tS1\tK1\t");
    }

    @Test
    void hashIsSha256HexOfPreviousHashNewlineLine() throws Exception {
        HistoryEntry e =
                entry(
                        OffsetDateTime.parse("2024-06-03T09:15:30.123+09:00"),
                        "S1",
                        "members=SELF",
                        300);
        String prev = HistoryChain.GENESIS;
        String expected =
                HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("SHA-256")
                                        .digest(
                                                (prev + "\n" + HistoryChain.line(e))
                                                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(HistoryChain.rowHash(prev, e))
                .isEqualTo(expected)
                .hasSize(64)
                .matches("[0-9a-f]{64}");
        assertThat(prev).isEqualTo("0".repeat(64));
        // chained: a different previous hash gives a different hash
        assertThat(HistoryChain.rowHash(expected, e)).isNotEqualTo(expected);
    }

    @Test
    void theSameInstantHashesTheSameInAnyOffsetAndBelowMilliseconds() {
        OffsetDateTime tokyo = OffsetDateTime.parse("2024-06-03T09:15:30.123+09:00");
        OffsetDateTime utcWithMicros = OffsetDateTime.parse("2024-06-03T00:15:30.123999Z");
        assertThat(HistoryChain.rowHash(HistoryChain.GENESIS, entry(tokyo, "S1", null, 300)))
                .isEqualTo(
                        HistoryChain.rowHash(
                                HistoryChain.GENESIS, entry(utcWithMicros, "S1", null, 300)));
        assertThat(HistoryChain.stored(tokyo))
                .isEqualTo(OffsetDateTime.parse("2024-06-03T00:15:30.123Z"));
        assertThat(HistoryChain.stored(tokyo).getOffset()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void everyFieldCountsAndNoValueCanForgeASeparator() {
        OffsetDateTime at = OffsetDateTime.parse("2024-06-03T09:15:30.123+09:00");
        String base = HistoryChain.rowHash(HistoryChain.GENESIS, entry(at, "S1", "a", 300));
        assertThat(HistoryChain.rowHash(HistoryChain.GENESIS, entry(at, "S1", "a", 301)))
                .isNotEqualTo(base);
        assertThat(
                        HistoryChain.rowHash(
                                HistoryChain.GENESIS,
                                entry(at.plusNanos(1_000_000), "S1", "a", 300)))
                .isNotEqualTo(base);
        // store "S1", options "a\tb" against store "S1\ta", options "b": the same text once joined,
        // not once escaped
        HistoryEntry shifted1 =
                new HistoryEntry(
                        "012343",
                        at,
                        "TX-1",
                        "S",
                        "K1\tX",
                        null,
                        "JUMINHYO",
                        null,
                        1,
                        null,
                        0,
                        "PRINTED",
                        null);
        HistoryEntry shifted2 =
                new HistoryEntry(
                        "012343",
                        at,
                        "TX-1",
                        "S\tK1",
                        "X",
                        null,
                        "JUMINHYO",
                        null,
                        1,
                        null,
                        0,
                        "PRINTED",
                        null);
        assertThat(HistoryChain.line(shifted1)).isNotEqualTo(HistoryChain.line(shifted2));
        assertThat(HistoryChain.line(shifted1)).contains("K1\\tX").doesNotContain("K1\tX");
        assertThat(HistoryChain.line(entry(at, "a\\tb", "x\ny\rz", 0)))
                .contains("a\\\\tb")
                .contains("x\\ny\\rz");
        // thirteen fields, twelve separators
        assertThat(HistoryChain.line(shifted1).chars().filter(c -> c == '\t').count())
                .isEqualTo(12);
    }

    @Test
    void operatorAndReasonCountOnlyWhenSetSoRowsBeforeV8HashAsBefore() {
        OffsetDateTime at = OffsetDateTime.parse("2024-06-03T00:15:30.123Z");
        HistoryEntry plain =
                new HistoryEntry(
                        "012343",
                        at,
                        "TX-1",
                        null,
                        "K1",
                        null,
                        "JUMINHYO",
                        null,
                        1,
                        null,
                        300,
                        "PRINTED",
                        null);
        HistoryEntry same =
                new HistoryEntry(
                        "012343",
                        at,
                        "TX-1",
                        null,
                        "K1",
                        null,
                        "JUMINHYO",
                        null,
                        1,
                        null,
                        300,
                        "PRINTED",
                        null,
                        null,
                        null);
        assertThat(HistoryChain.line(same)).isEqualTo(HistoryChain.line(plain));
        assertThat(HistoryChain.line(plain).chars().filter(c -> c == '\t').count()).isEqualTo(12);
        HistoryEntry suspended =
                new HistoryEntry(
                        "012343",
                        at,
                        "COUPLING-1",
                        null,
                        null,
                        null,
                        "COUPLING",
                        null,
                        0,
                        null,
                        0,
                        "SUSPENDED",
                        null,
                        "ops-tanaka",
                        "leak\tfeared");
        assertThat(HistoryChain.line(suspended))
                .endsWith("\tSUSPENDED\t\tops-tanaka\tleak\\tfeared");
        HistoryEntry otherReason =
                new HistoryEntry(
                        "012343",
                        at,
                        "COUPLING-1",
                        null,
                        null,
                        null,
                        "COUPLING",
                        null,
                        0,
                        null,
                        0,
                        "SUSPENDED",
                        null,
                        "ops-tanaka",
                        "leak feared");
        assertThat(HistoryChain.rowHash(HistoryChain.GENESIS, suspended))
                .isNotEqualTo(HistoryChain.rowHash(HistoryChain.GENESIS, otherReason));
    }
}
