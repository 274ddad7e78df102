package jp.kofuhub.settlement;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import jp.kofuhub.history.HistoryEntry;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A day's settlement file re-made on demand (issue #24): {@code ./kofu settle}, {@code
 * /actuator/settlement}, the console's {@code jp.kofuhub:type=Settlement} operation, all through
 * the route {@code remake-settlement-day}. Called inside that route's transaction: the day's CSV is
 * made again from the history as the daily run makes it, its {@code settlement_run} row is written
 * (or its SHA-256 brought up to date), and one history row (kind {@link
 * IssuanceHistory#SETTLEMENT}, outcome {@code REMADE}, the operator, the day and the SHA-256)
 * audits the call; all of it commits only after the outbox took the file, under the same name as
 * the daily run's.
 *
 * <p>Idempotent: the CSV of a finished day depends on the history of that day only, so a second
 * call writes the same bytes under the same name ({@link #REWRITTEN}); {@link #REWRITTEN_CHANGED}
 * says the history of that day changed since the file was first written (a row that committed after
 * the grace), and the run row then holds the new SHA-256.
 */
public class SettlementRemake {

    private static final Logger LOG = LoggerFactory.getLogger(SettlementRemake.class);

    /** The day had no file yet: written now, as the daily run would have. */
    public static final String WRITTEN = "WRITTEN";

    /** Written again, the same content as the file written before. */
    public static final String REWRITTEN = "REWRITTEN";

    /** Written again, with content that differs from the file written before. */
    public static final String REWRITTEN_CHANGED = "REWRITTEN_CHANGED";

    /** A day re-made: the file to write, and what happened to its run row. */
    public record Remade(DailySettlement.Settled settled, String outcome) {}

    private final JdbcTemplate jdbc;
    private final Settlement settlement;
    private final DailySettlement daily;
    private final IssuanceHistory history;
    private final MunicipalityRegistry municipalities;
    private final Clock clock;

    public SettlementRemake(
            JdbcTemplate jdbc,
            Settlement settlement,
            DailySettlement daily,
            IssuanceHistory history,
            MunicipalityRegistry municipalities,
            Clock clock) {
        this.jdbc = jdbc;
        this.settlement = settlement;
        this.daily = daily;
        this.history = history;
        this.municipalities = municipalities;
        this.clock = clock;
    }

    /**
     * Re-makes one day's file inside the caller's transaction.
     *
     * @param day ISO date {@code 2024-06-03}, a finished day
     * @param operator who asked: {@code cert:<CN>} or {@code console:<login>}, never a typed name
     * @throws IllegalArgumentException a municipality this hub does not serve, a bad date, a day
     *     not finished, no operator
     * @throws IllegalStateException the municipality's coupling is suspended (its settlement waits)
     */
    public Remade remake(String municipality, String day, String operator) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException(
                    "a settlement day is re-made inside the transaction that writes its file");
        }
        String m = municipality == null ? "" : municipality.trim();
        if (!m.matches("\\d{6}") || municipalities.find(m).isEmpty()) {
            throw new IllegalArgumentException(
                    "municipality must be the 6-digit code of a municipality this hub serves");
        }
        LocalDate d;
        try {
            d = LocalDate.parse(day == null ? "" : day.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("day must be an ISO date (yyyy-MM-dd)");
        }
        if (d.isAfter(daily.lastFinishedDay())) {
            throw new IllegalArgumentException(
                    "settlement day "
                            + d
                            + " is not finished yet (last finished day "
                            + daily.lastFinishedDay()
                            + ")");
        }
        if (operator == null || operator.isBlank()) {
            throw new IllegalArgumentException("a settlement is re-made by a named operator");
        }
        if (daily.suspended(m)) {
            throw new IllegalStateException(
                    "COUPLING_SUSPENDED: the coupling of municipality "
                            + m
                            + " is suspended; its settlement waits");
        }
        String csv = settlement.csv(m, d);
        String sha = DailySettlement.sha256(csv);
        OffsetDateTime now = OffsetDateTime.now(clock);
        // the row locked (or created) first: two operators re-making one day queue here
        int inserted =
                jdbc.update(
                        "insert into settlement_run (municipality_code, settlement_day, written_at, sha256)"
                                + " values (?, ?, ?, ?) on conflict do nothing",
                        m,
                        d,
                        now,
                        sha);
        String outcome;
        if (inserted == 1) {
            outcome = WRITTEN;
        } else {
            String before =
                    jdbc.queryForObject(
                            "select sha256 from settlement_run where municipality_code = ?"
                                    + " and settlement_day = ? for update",
                            String.class,
                            m,
                            d);
            if (sha.equals(before == null ? null : before.trim())) {
                outcome = REWRITTEN;
            } else {
                outcome = REWRITTEN_CHANGED;
                jdbc.update(
                        "update settlement_run set sha256 = ?, written_at = ?"
                                + " where municipality_code = ? and settlement_day = ?",
                        sha,
                        now,
                        m,
                        d);
            }
        }
        history.append(
                new HistoryEntry(
                        m,
                        now,
                        "SETTLE-" + m + "-" + d.toString().replace("-", "") + "-" + shortId(),
                        null,
                        null,
                        null,
                        IssuanceHistory.SETTLEMENT,
                        null,
                        0,
                        null,
                        0,
                        "REMADE",
                        null,
                        operator.length() > 64 ? operator.substring(0, 64) : operator,
                        "settlement " + d + " " + outcome + " sha256 " + sha));
        if (REWRITTEN_CHANGED.equals(outcome)) {
            LOG.warn(
                    "settlement {} {} re-made by {}: its content differs from the file written before",
                    m,
                    d,
                    operator);
        } else {
            LOG.info("settlement {} {} re-made by {}: {}", m, d, operator, outcome);
        }
        return new Remade(
                new DailySettlement.Settled(m, d, Settlement.fileName(m, d), csv, sha), outcome);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
