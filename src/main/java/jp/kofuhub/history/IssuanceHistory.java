package jp.kofuhub.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The issuance history: append-only, one hash chain per municipality (tables {@code
 * issuance_history} and {@code issuance_history_head}, migration V4).
 *
 * <ul>
 *   <li>{@link #append} adds a row inside the caller's transaction, under the lock of the
 *       municipality's chain head, so the row commits or rolls back with the caller's state change
 *       and several threads or instances append one after another without forking the chain;
 *   <li>{@link #verify} recomputes a chain and names the first bad row and what is wrong with it;
 *   <li>{@link #find} searches by day (in the hub's time zone).
 * </ul>
 *
 * Row hashes: {@link HistoryChain}. Logs and messages carry municipality codes, sequence numbers,
 * transaction ids and problem codes — never a field value of a row.
 */
public class IssuanceHistory {

    private static final Logger LOG = LoggerFactory.getLogger(IssuanceHistory.class);

    /** The outcomes a row may record. */
    public static final Set<String> OUTCOMES =
            Set.of(
                    "PRINTED",
                    "PRINT_FAILED",
                    "CANCELLED",
                    "ABANDONED",
                    "REFUSED",
                    "VOIDED",
                    "SUSPENDED",
                    "RESUMED",
                    "REMADE");

    /**
     * The kind of the stop switch's rows (outcome SUSPENDED or RESUMED): no fee, no sheets, not
     * settled.
     */
    public static final String COUPLING = "COUPLING";

    /**
     * The kind of the rows that audit a settlement file re-made on demand (outcome {@code REMADE},
     * the operator, the day and the file's SHA-256 in the reason): no fee, no sheets, not settled.
     */
    public static final String SETTLEMENT = "SETTLEMENT";

    /**
     * The operators' kinds: in the chain, but not issuances — a settlement counts none of them
     * ({@code kind not in (?, ?)} with these two).
     */
    public static final java.util.List<String> OPERATOR_KINDS =
            java.util.List.of(COUPLING, SETTLEMENT);

    /** Problems {@link #verify} reports. */
    public static final String ALTERED = "ALTERED";

    public static final String REMOVED = "REMOVED";
    public static final String REORDERED = "REORDERED";
    public static final String HEAD_MISMATCH = "HEAD_MISMATCH";

    private static final int PAGE = 5000;
    private static final String COLUMNS =
            "seq, recorded_at, transaction_id, store_code, terminal, holder_atena, kind,"
                    + " printed_options, sheets, issue_number, fee, outcome, refusal_code, operator, reason, prev_hash, row_hash";

    private final JdbcTemplate jdbc;
    private final ZoneId zone;

    /** Days of {@link #find} in Asia/Tokyo. */
    public IssuanceHistory(JdbcTemplate jdbc) {
        this(jdbc, ZoneId.of("Asia/Tokyo"));
    }

    public IssuanceHistory(JdbcTemplate jdbc, ZoneId zone) {
        this.jdbc = jdbc;
        this.zone = zone;
    }

    /**
     * Chain check of one municipality: {@code ok}, or the first bad sequence number and the problem
     * ({@link #ALTERED}, {@link #REMOVED}, {@link #REORDERED}, {@link #HEAD_MISMATCH}).
     */
    public record VerifyResult(
            String municipality, long rows, boolean ok, Long firstBadSeq, String problem) {}

    /**
     * Appends a row to its municipality's chain and returns its sequence number (1, 2, …). Must run
     * inside the caller's database transaction: the head row stays locked until that transaction
     * ends, and the row commits or rolls back with it.
     *
     * @throws IllegalStateException outside a transaction
     * @throws IllegalArgumentException a missing required field, an unknown outcome, a value too
     *     long for its column (the message names the field, not the value)
     */
    public long append(HistoryEntry e) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException(
                    "IssuanceHistory.append must run inside the caller's database transaction");
        }
        check(e);
        String m = e.municipality();
        Head head = lockHead(m);
        if (head == null) {
            // first row of this municipality: create the head; a concurrent first append waits on
            // the
            // key and then does nothing, on H2 (PostgreSQL mode) as on PostgreSQL
            jdbc.update(
                    "insert into issuance_history_head (municipality_code, seq, row_hash) values (?, 0, ?)"
                            + " on conflict do nothing",
                    m,
                    HistoryChain.GENESIS);
            head = lockHead(m);
            if (head == null) {
                throw new IllegalStateException("history head of " + m + " could not be created");
            }
        }
        long seq = head.seq() + 1;
        OffsetDateTime at = HistoryChain.stored(e.recordedAt());
        String rowHash = HistoryChain.rowHash(head.rowHash(), e);
        jdbc.update(
                "insert into issuance_history (municipality_code, seq, recorded_at, transaction_id, store_code,"
                        + " terminal, holder_atena, kind, printed_options, sheets, issue_number, fee, outcome, refusal_code,"
                        + " operator, reason, prev_hash, row_hash) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                m,
                seq,
                at,
                e.transactionId(),
                e.store(),
                e.terminal(),
                e.holderAtena(),
                e.kind(),
                e.printedOptions(),
                e.sheets(),
                e.issueNumber(),
                e.fee(),
                e.outcome(),
                e.refusalCode(),
                e.operator(),
                e.reason(),
                head.rowHash(),
                rowHash);
        int moved =
                jdbc.update(
                        "update issuance_history_head set seq = ?, row_hash = ? where municipality_code = ?"
                                + " and seq = ?",
                        seq,
                        rowHash,
                        m,
                        head.seq());
        if (moved != 1) {
            throw new IllegalStateException("history head of " + m + " moved while locked");
        }
        LOG.debug("history {} seq {}: transaction {} {}", m, seq, e.transactionId(), e.outcome());
        return seq;
    }

    /**
     * Recomputes the chain of one municipality in sequence order, a page at a time: sequence
     * numbers start at 1 without gaps, every row's hash matches its fields and its previous hash,
     * every previous hash is the hash of the row before, and the head names the last row. Runs
     * outside a transaction while appends go on (rows appended meanwhile are fine).
     */
    public VerifyResult verify(String municipality) {
        Head first = head(municipality); // before the rows: every row it covers is committed
        long expected = 1;
        String prevHash = HistoryChain.GENESIS;
        long lastSeq = 0;
        String lastHash = HistoryChain.GENESIS;
        while (true) {
            List<Row> page =
                    jdbc.query(
                            "select "
                                    + COLUMNS
                                    + " from issuance_history where municipality_code = ?"
                                    + " and seq > ? order by seq limit "
                                    + PAGE,
                            (rs, n) -> row(municipality, rs),
                            municipality,
                            lastSeq);
            for (Row r : page) {
                String problem = null;
                long at = r.seq();
                if (r.seq() != expected) {
                    problem = REMOVED;
                    at = expected;
                } else if (!HistoryChain.rowHash(r.prevHash(), r.entry()).equals(r.rowHash())) {
                    problem = ALTERED;
                } else if (!r.prevHash().equals(prevHash)) {
                    // intact, but not chained to the row before it: moved here, or its predecessor
                    // is
                    // gone (removed and the rest renumbered, or rewritten with a new hash)
                    problem = isInChain(municipality, r.prevHash()) ? REORDERED : REMOVED;
                } else if (first != null
                        && r.seq() == first.seq()
                        && !r.rowHash().equals(first.rowHash())) {
                    problem = HEAD_MISMATCH;
                }
                if (problem != null) {
                    return broken(municipality, at, problem);
                }
                expected = r.seq() + 1;
                prevHash = r.rowHash();
                lastSeq = r.seq();
                lastHash = r.rowHash();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (first != null && first.seq() > lastSeq) {
            // the head covers rows that are not there: the end of the chain was removed (unless the
            // head itself still names the last row and only its number was changed)
            return broken(
                    municipality,
                    lastSeq == 0 || !first.rowHash().equals(lastHash) ? lastSeq + 1 : lastSeq,
                    lastSeq > 0 && first.rowHash().equals(lastHash) ? HEAD_MISMATCH : REMOVED);
        }
        if (lastSeq > 0) {
            Head now =
                    head(municipality); // after the rows: it may be further on (appended meanwhile)
            if (now == null) {
                return broken(municipality, lastSeq, HEAD_MISMATCH);
            }
            if (now.seq() < lastSeq) {
                return broken(municipality, now.seq() + 1, HEAD_MISMATCH);
            }
            if (now.seq() == lastSeq && !now.rowHash().equals(lastHash)) {
                return broken(municipality, lastSeq, HEAD_MISMATCH);
            }
        } else if (first != null && !HistoryChain.GENESIS.equals(first.rowHash())) {
            return broken(municipality, 1, HEAD_MISMATCH);
        }
        return new VerifyResult(municipality, lastSeq, true, null, null);
    }

    /** {@link #verify} of every municipality that has a chain head or history rows, by code. */
    public List<VerifyResult> verifyAll() {
        List<String> codes =
                jdbc.queryForList(
                        "select municipality_code from issuance_history_head"
                                + " union select distinct municipality_code from issuance_history order by 1",
                        String.class);
        List<VerifyResult> out = new ArrayList<>();
        for (String code : codes) {
            out.add(verify(code.trim()));
        }
        return out;
    }

    /**
     * The rows of a municipality recorded from the start of {@code from} to the end of {@code to}
     * (days in the hub's time zone), by time then sequence; times are given in that zone.
     */
    public List<HistoryEntry> find(String municipality, LocalDate from, LocalDate to) {
        return jdbc.query(
                "select "
                        + COLUMNS
                        + " from issuance_history where municipality_code = ?"
                        + " and recorded_at >= ? and recorded_at < ? order by recorded_at, seq",
                (rs, n) -> {
                    HistoryEntry e = row(municipality, rs).entry();
                    return new HistoryEntry(
                            e.municipality(),
                            e.recordedAt().atZoneSameInstant(zone).toOffsetDateTime(),
                            e.transactionId(),
                            e.store(),
                            e.terminal(),
                            e.holderAtena(),
                            e.kind(),
                            e.printedOptions(),
                            e.sheets(),
                            e.issueNumber(),
                            e.fee(),
                            e.outcome(),
                            e.refusalCode(),
                            e.operator(),
                            e.reason());
                },
                municipality,
                startOf(from, zone),
                startOf(to.plusDays(1), zone));
    }

    /** The first instant of {@code day} in {@code zone}, as a UTC time for a query parameter. */
    public static OffsetDateTime startOf(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone)
                .toOffsetDateTime()
                .withOffsetSameInstant(java.time.ZoneOffset.UTC);
    }

    private VerifyResult broken(String municipality, long seq, String problem) {
        long rows = count(municipality);
        LOG.warn("history {} BROKEN at seq {}: {} ({} rows)", municipality, seq, problem, rows);
        return new VerifyResult(municipality, rows, false, seq, problem);
    }

    private long count(String municipality) {
        Long n =
                jdbc.queryForObject(
                        "select count(*) from issuance_history where municipality_code = ?",
                        Long.class,
                        municipality);
        return n == null ? 0 : n;
    }

    /** Whether some row of the chain has this hash (the genesis "previous hash" always counts). */
    private boolean isInChain(String municipality, String hash) {
        if (HistoryChain.GENESIS.equals(hash)) {
            return true;
        }
        Long n =
                jdbc.queryForObject(
                        "select count(*) from issuance_history where municipality_code = ? and row_hash = ?",
                        Long.class,
                        municipality,
                        hash);
        return n != null && n > 0;
    }

    private record Head(long seq, String rowHash) {}

    private record Row(long seq, HistoryEntry entry, String prevHash, String rowHash) {}

    private Head lockHead(String municipality) {
        return jdbc.query(
                "select seq, row_hash from issuance_history_head where municipality_code = ? for update",
                rs -> rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : null,
                municipality);
    }

    private Head head(String municipality) {
        return jdbc.query(
                "select seq, row_hash from issuance_history_head where municipality_code = ?",
                rs -> rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : null,
                municipality);
    }

    private static Row row(String municipality, ResultSet rs) throws SQLException {
        HistoryEntry e =
                new HistoryEntry(
                        municipality,
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
                        rs.getString("operator"),
                        rs.getString("reason"));
        return new Row(rs.getLong("seq"), e, rs.getString("prev_hash"), rs.getString("row_hash"));
    }

    private static void check(HistoryEntry e) {
        if (e == null) {
            throw new IllegalArgumentException("history entry is null");
        }
        if (e.municipality() == null || !e.municipality().matches("\\d{6}")) {
            throw new IllegalArgumentException("history municipality must be 6 digits");
        }
        required("recordedAt", e.recordedAt());
        required("transactionId", e.transactionId());
        required("kind", e.kind());
        required("outcome", e.outcome());
        if (!OUTCOMES.contains(e.outcome())) {
            throw new IllegalArgumentException("history outcome must be one of " + OUTCOMES);
        }
        if (e.sheets() < 0 || e.fee() < 0) {
            throw new IllegalArgumentException("history sheets and fee must not be negative");
        }
        fits("transactionId", e.transactionId(), 64);
        fits("store", e.store(), 12);
        fits("terminal", e.terminal(), 12);
        fits("holderAtena", e.holderAtena(), 15);
        fits("kind", e.kind(), 20);
        fits("printedOptions", e.printedOptions(), 200);
        fits("issueNumber", e.issueNumber(), 40);
        fits("refusalCode", e.refusalCode(), 40);
        fits("operator", e.operator(), 64);
        fits("reason", e.reason(), 400);
        boolean coupling = COUPLING.equals(e.kind());
        boolean switchOutcome = "SUSPENDED".equals(e.outcome()) || "RESUMED".equals(e.outcome());
        if (coupling != switchOutcome) {
            throw new IllegalArgumentException(
                    "history outcomes SUSPENDED and RESUMED belong to kind COUPLING only");
        }
        boolean settlement = SETTLEMENT.equals(e.kind());
        if (settlement != "REMADE".equals(e.outcome())) {
            throw new IllegalArgumentException(
                    "history outcome REMADE belongs to kind SETTLEMENT only");
        }
        if (coupling || settlement) {
            required("operator", e.operator());
            required("reason", e.reason());
            if (e.fee() != 0 || e.sheets() != 0) {
                throw new IllegalArgumentException(
                        "history " + e.kind() + " rows carry no fee and no sheets");
            }
        }
    }

    private static void required(String field, Object v) {
        if (v == null || (v instanceof String s && s.isBlank())) {
            throw new IllegalArgumentException("history " + field + " is required");
        }
    }

    private static void fits(String field, String v, int max) {
        if (v != null && v.length() > max) {
            throw new IllegalArgumentException(
                    "history " + field + " is longer than " + max + " characters");
        }
    }
}
