package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hub's clock (issue #22, clock steps): the instance's own clock corrected to the database's.
 * Several instances on one database must agree on the time for what they share — the 発行番号 day (the
 * counter row is per municipality and day), the replay window and the purge of the nonces (table
 * {@code message_nonce}), the issuing hours, a document's time-to-live — so the database's clock is
 * the one authority: every heartbeat ({@code instance-heartbeat}, {@link #measure}) compares the
 * database's {@code current_timestamp} with this instance's clock, and a difference of more than
 * {@link #TOLERANCE} is taken out of every reading. An instance whose clock was stepped (NTP gone,
 * a VM resumed) therefore numbers, checks {@code sentAt} and opens and closes with the others; the
 * difference is reported (health component {@code clock}, meter {@code kofu.clock.skew}, column
 * {@code hub_instance.clock_skew_ms}) and logged once per change, so the operator can mend the
 * clock. Before the first measurement (the first heartbeat, at start) the instance's own clock is
 * used.
 */
public final class HubClock extends Clock {

    private static final Logger LOG = LoggerFactory.getLogger(HubClock.class);

    /**
     * Differences up to this are left alone: the measurement's own error is half a database round
     * trip, and a correction that moved by milliseconds every second would make the time jitter.
     */
    public static final Duration TOLERANCE = Duration.ofMillis(500);

    /** A measurement whose round trip took longer than this says too little: skipped. */
    static final Duration MAX_ROUND_TRIP = Duration.ofSeconds(1);

    /** What every zone's view of this clock shares. */
    private static final class State {
        /** Added to the instance's clock: database − instance, as last adopted. */
        volatile Duration correction = Duration.ZERO;

        /** The instance's clock − the database's, as last measured; null before the first. */
        volatile Duration skew;
    }

    private final Clock local;
    private final State state;

    /**
     * @param local the instance's own clock (the system clock; in the fault tests shifted by {@code
     *     kofu.faults.clock-offset})
     */
    public HubClock(Clock local) {
        this(local, new State());
    }

    private HubClock(Clock local, State state) {
        this.local = Objects.requireNonNull(local);
        this.state = state;
    }

    @Override
    public ZoneId getZone() {
        return local.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(local.getZone()) ? this : new HubClock(local.withZone(zone), state);
    }

    @Override
    public Instant instant() {
        return local.instant().plus(state.correction);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    /** The instance's clock minus the database's, as last measured; empty before the first. */
    public java.util.Optional<Duration> skew() {
        return java.util.Optional.ofNullable(state.skew);
    }

    /** What is added to the instance's clock now (database − instance, or zero). */
    public Duration correction() {
        return state.correction;
    }

    /**
     * Compares the instance's clock with the database's ({@code current_timestamp}) and adopts the
     * difference when it moved by more than {@link #TOLERANCE}; returns the skew measured (instance
     * − database), or empty when the round trip took too long to say.
     */
    public java.util.Optional<Duration> measure(JdbcTemplate jdbc) {
        Instant before = local.instant();
        OffsetDateTime db =
                jdbc.queryForObject(
                        "select current_timestamp",
                        (rs, n) -> rs.getObject(1, OffsetDateTime.class));
        Instant after = local.instant();
        Duration roundTrip = Duration.between(before, after);
        if (db == null || roundTrip.compareTo(MAX_ROUND_TRIP) > 0 || roundTrip.isNegative()) {
            return java.util.Optional.empty();
        }
        Instant mid = before.plus(roundTrip.dividedBy(2));
        return java.util.Optional.of(adopt(Duration.between(db.toInstant(), mid)));
    }

    /** Takes a measured skew (instance − database); adopts it beyond the tolerance. */
    Duration adopt(Duration skew) {
        state.skew = skew;
        Duration wanted = skew.negated();
        Duration change = wanted.minus(state.correction);
        if (change.abs().compareTo(TOLERANCE) > 0) {
            Duration was = state.correction;
            state.correction = skew.abs().compareTo(TOLERANCE) > 0 ? wanted : Duration.ZERO;
            if (state.correction.isZero()) {
                LOG.info(
                        "this instance's clock agrees with the database's again (skew {} ms, was"
                                + " corrected by {} ms): the hub uses its own clock",
                        skew.toMillis(),
                        was.toMillis());
            } else {
                LOG.warn(
                        "this instance's clock is {} ms off the database's: the hub uses the"
                                + " database's time (the 発行番号 day, the replay window and the hours"
                                + " follow it); mend the instance's clock (NTP)",
                        skew.toMillis());
            }
        }
        return skew;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HubClock h && h.local.equals(local) && h.state == state;
    }

    @Override
    public int hashCode() {
        return local.hashCode();
    }

    @Override
    public String toString() {
        return "HubClock[" + local + ", correction " + state.correction + "]";
    }
}
