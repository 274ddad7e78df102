package jp.kofuhub.settlement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Which settlement files are due, and the claim on one (table {@code settlement_run}, V5): the
 * route {@code daily-settlement} asks {@link #pending()} and writes each day through {@code
 * direct:settle-day}, whose transaction holds {@link #claim}'s run row until the file is written —
 * the row is committed only after the outbox took the file, so a day is written once across
 * restarts and instances, and a failed write is tried again at the next check.
 *
 * <p>A day is finished {@code grace} after its midnight (in the hub's time zone), so a transaction
 * that ended at 23:59:59 and committed a moment later is in its day's file. Days run from {@code
 * kofu.settlement.since}, or else from the first day with history of that municipality, up to the
 * last finished day.
 */
public class DailySettlement {

    private static final Logger LOG = LoggerFactory.getLogger(DailySettlement.class);

    private final JdbcTemplate jdbc;
    private final Settlement settlement;
    private final MunicipalityRegistry municipalities;
    private final Clock clock;
    private final ZoneId zone;
    private final LocalDate since;
    private final Duration grace;

    /**
     * @param since first day to settle for every municipality, or null: each municipality's first
     *     day with history
     * @param grace how long after midnight a day counts as finished
     */
    public DailySettlement(
            JdbcTemplate jdbc,
            Settlement settlement,
            MunicipalityRegistry municipalities,
            Clock clock,
            ZoneId zone,
            LocalDate since,
            Duration grace) {
        this.jdbc = jdbc;
        this.settlement = settlement;
        this.municipalities = municipalities;
        this.clock = clock;
        this.zone = zone;
        this.since = since;
        this.grace = grace;
    }

    private java.util.function.Predicate<String> suspended = m -> false;

    /**
     * The stop switch (jp.kofuhub.ops.CouplingSwitch#suspended(String)): no settlement file leaves
     * for a municipality whose coupling is suspended — {@link #pending} skips it and {@link #claim}
     * refuses it; its days are written after it is resumed. The other municipalities are settled as
     * usual.
     */
    public void setSuspended(java.util.function.Predicate<String> suspended) {
        this.suspended = suspended;
    }

    /** One municipality and day to settle. */
    public record Day(String municipality, LocalDate day) {}

    /** A claimed day: the file to write and its content. */
    public record Settled(
            String municipality, LocalDate day, String fileName, String csv, String sha256) {}

    /** The days due for every municipality this hub serves, by municipality then day. */
    public List<Day> pending() {
        return pending((String) null);
    }

    /**
     * As {@link #pending()}, but only up to {@code until} (ISO date) when it is given and earlier
     * than the last finished day.
     */
    public List<Day> pending(String until) {
        LocalDate last = lastFinishedDay();
        if (until != null && !until.isBlank()) {
            LocalDate u;
            try {
                u = LocalDate.parse(until.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "settlement until must be an ISO date (yyyy-MM-dd)");
            }
            last = u.isBefore(last) ? u : last;
        }
        List<String> codes =
                municipalities.all().stream()
                        .map(MunicipalityProfile::code)
                        .filter(m -> !suspended.test(m))
                        .sorted()
                        .toList();
        return pending(codes, last);
    }

    /**
     * The days from the start day up to {@code lastDay} not written yet, by municipality then day.
     */
    public List<Day> pending(Collection<String> codes, LocalDate lastDay) {
        List<Day> out = new ArrayList<>();
        for (String m : codes) {
            LocalDate first = since != null ? since : firstHistoryDay(m);
            if (first == null || first.isAfter(lastDay)) {
                continue;
            }
            Set<LocalDate> written =
                    new HashSet<>(
                            jdbc.query(
                                    "select settlement_day from settlement_run"
                                            + " where municipality_code = ? and settlement_day >= ? and settlement_day <= ?",
                                    (rs, n) -> rs.getObject(1, LocalDate.class),
                                    m,
                                    first,
                                    lastDay));
            for (LocalDate d = first; !d.isAfter(lastDay); d = d.plusDays(1)) {
                if (!written.contains(d)) {
                    out.add(new Day(m, d));
                }
            }
        }
        return out;
    }

    /**
     * The last day whose settlement may be written now: yesterday, once the grace after midnight is
     * over.
     */
    public LocalDate lastFinishedDay() {
        return clock.instant().atZone(zone).minus(grace).toLocalDate().minusDays(1);
    }

    /**
     * Claims one day inside the caller's transaction (the route's {@code transacted}): inserts its
     * {@code settlement_run} row with the SHA-256 of the CSV and returns the file to write, or null
     * when the day is written already (or by another instance right now, which then commits first).
     * The row commits only with the caller's transaction, after the file was written.
     *
     * @param day ISO date {@code 2024-06-03}
     * @throws IllegalArgumentException bad municipality code or date, or a day not finished yet
     */
    public Settled claim(String municipality, String day) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException(
                    "a settlement day is claimed inside the transaction that writes its file");
        }
        if (municipality == null || !municipality.matches("\\d{6}")) {
            throw new IllegalArgumentException("settlement municipality must be 6 digits");
        }
        LocalDate d;
        try {
            d = LocalDate.parse(day == null ? "" : day.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("settlement day must be an ISO date (yyyy-MM-dd)");
        }
        if (d.isAfter(lastFinishedDay())) {
            throw new IllegalArgumentException("settlement day " + d + " is not finished yet");
        }
        if (suspended.test(municipality)) {
            throw new IllegalStateException(
                    "COUPLING_SUSPENDED: the coupling of municipality "
                            + municipality
                            + " is suspended; its settlement waits");
        }
        String csv = settlement.csv(municipality, d);
        String sha = sha256(csv);
        int claimed =
                jdbc.update(
                        "insert into settlement_run (municipality_code, settlement_day, written_at, sha256)"
                                + " values (?, ?, ?, ?) on conflict do nothing",
                        municipality,
                        d,
                        OffsetDateTime.now(clock),
                        sha);
        if (claimed == 0) {
            LOG.info("settlement {} {} was written already", municipality, d);
            return null;
        }
        return new Settled(municipality, d, Settlement.fileName(municipality, d), csv, sha);
    }

    /** Whether the stop switch holds this municipality's settlement back now. */
    boolean suspended(String municipality) {
        return suspended.test(municipality);
    }

    private LocalDate firstHistoryDay(String municipality) {
        OffsetDateTime first =
                jdbc.queryForObject(
                        "select min(recorded_at) from issuance_history where municipality_code = ?"
                                + " and kind not in (?, ?)", // the operators' rows are not
                        // issuances
                        (rs, n) -> rs.getObject(1, OffsetDateTime.class),
                        municipality,
                        IssuanceHistory.OPERATOR_KINDS.get(0),
                        IssuanceHistory.OPERATOR_KINDS.get(1));
        return first == null ? null : first.atZoneSameInstant(zone).toLocalDate();
    }

    public static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
