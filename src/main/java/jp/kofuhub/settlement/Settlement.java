package jp.kofuhub.settlement;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import jp.kofuhub.history.IssuanceHistory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The daily settlement of one municipality: from its issuance history of one day (the day of {@code
 * recorded_at} in the hub's time zone), one CSV row per kind and outcome with the count of rows,
 * the sheets and the fees, sorted by kind then outcome, and a TOTAL row over all of them.
 *
 * <pre>
 * date,municipality,kind,outcome,count,sheets,fee_total
 * 2024-06-03,012343,JUMINHYO,PRINTED,12,15,3600
 * 2024-06-03,012343,JUMINHYO,REFUSED,2,0,0
 * 2024-06-03,012343,TOTAL,,14,15,3600
 * 2024-06-03,012343,CHAIN_HEAD,3f5a…(64 hex),118,0,0
 * </pre>
 *
 * <p>The last row, {@code CHAIN_HEAD}, is the municipality's history chain head at the end of the
 * day (issue #19): in {@code outcome} the row hash, in {@code count} the sequence number of the
 * last history row recorded before midnight (0 and 64 zeros before the first). Finance keeps the
 * signed files, so someone other than the hub holds each day's head: a history rewritten later no
 * longer ends a day in that hash ({@code ./kofu verify-history} recomputes the chain; compare the
 * row of that sequence number with the file).
 *
 * <p>The stop switch's rows (kind {@code COUPLING}: suspended, resumed) are not issuances: not
 * counted. Codes and integers only, no personal data; lines end with CRLF (RFC 4180); a day without
 * history has the header and a TOTAL row of zeros.
 */
public class Settlement {

    static final String HEADER = "date,municipality,kind,outcome,count,sheets,fee_total";
    private static final String EOL = "\r\n";

    private final JdbcTemplate jdbc;
    private final ZoneId zone;

    public Settlement(JdbcTemplate jdbc, ZoneId zone) {
        this.jdbc = jdbc;
        this.zone = zone;
    }

    /** One (kind, outcome) line of a settlement. */
    public record Line(String kind, String outcome, long count, long sheets, long fees) {}

    /**
     * The (kind, outcome) lines of one day, sorted by kind then outcome (ordinal, as in the file).
     */
    public List<Line> lines(String municipality, LocalDate day) {
        List<Line> lines =
                new java.util.ArrayList<>(
                        jdbc.query(
                                "select kind, outcome, count(*), coalesce(sum(sheets), 0),"
                                        + " coalesce(sum(fee), 0) from issuance_history where municipality_code = ? and recorded_at >= ?"
                                        + " and recorded_at < ? and kind <> ? group by kind, outcome",
                                (rs, n) ->
                                        new Line(
                                                rs.getString(1),
                                                rs.getString(2),
                                                rs.getLong(3),
                                                rs.getLong(4),
                                                rs.getLong(5)),
                                municipality,
                                IssuanceHistory.startOf(day, zone),
                                IssuanceHistory.startOf(day.plusDays(1), zone),
                                IssuanceHistory.COUPLING));
        // sorted here, not by the database: PostgreSQL's collation may order "_" differently
        lines.sort(Comparator.comparing(Line::kind).thenComparing(Line::outcome));
        return lines;
    }

    /** The settlement CSV of one municipality and day. */
    public String csv(String municipality, LocalDate day) {
        StringBuilder b = new StringBuilder(HEADER).append(EOL);
        long count = 0;
        long sheets = 0;
        long fees = 0;
        for (Line l : lines(municipality, day)) {
            row(b, day, municipality, l.kind(), l.outcome(), l.count(), l.sheets(), l.fees());
            count += l.count();
            sheets += l.sheets();
            fees += l.fees();
        }
        row(b, day, municipality, "TOTAL", "", count, sheets, fees);
        String[] head = chainHead(municipality, day);
        row(b, day, municipality, "CHAIN_HEAD", head[1], Long.parseLong(head[0]), 0, 0);
        return b.toString();
    }

    /**
     * The sequence number and row hash of the last history row of {@code municipality} recorded
     * before the end of {@code day} (every kind, the stop switch's rows too: they are in the
     * chain).
     */
    public String[] chainHead(String municipality, LocalDate day) {
        List<String[]> head =
                jdbc.query(
                        "select seq, row_hash from issuance_history where municipality_code = ?"
                                + " and recorded_at < ? order by seq desc limit 1",
                        (rs, n) -> new String[] {Long.toString(rs.getLong(1)), rs.getString(2)},
                        municipality,
                        IssuanceHistory.startOf(day.plusDays(1), zone));
        return head.isEmpty()
                ? new String[] {"0", jp.kofuhub.history.HistoryChain.GENESIS}
                : head.get(0);
    }

    /** {@code settlement_<municipality>_<yyyyMMdd>.csv} */
    public static String fileName(String municipality, LocalDate day) {
        return "settlement_"
                + municipality
                + "_"
                + day.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
                + ".csv";
    }

    private static void row(
            StringBuilder b,
            LocalDate day,
            String municipality,
            String kind,
            String outcome,
            long count,
            long sheets,
            long fees) {
        b.append(day)
                .append(',')
                .append(municipality)
                .append(',')
                .append(cell(kind))
                .append(',')
                .append(cell(outcome))
                .append(',')
                .append(count)
                .append(',')
                .append(sheets)
                .append(',')
                .append(fees)
                .append(EOL);
    }

    /** Codes need no quoting; anything with a comma, quote or line break is quoted anyway. */
    private static String cell(String v) {
        if (v.indexOf(',') < 0
                && v.indexOf('"') < 0
                && v.indexOf('\n') < 0
                && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
