package jp.kofuhub.replica;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How old the replica's data is, per municipality and source: the manifest {@code created-at} of
 * the last applied file. The registry sends a file (an empty DELTA if nothing changed) at least
 * every few minutes, so data older than {@code kofu.sync.max-age} means the sync is broken, and a
 * source waiting for a missing file has stopped: either way certificates from it are refused.
 */
public class ReplicaFreshness {

    /** The state of one source of one municipality. */
    public record SourceState(
            String municipality,
            String source,
            long lastSequence,
            Instant dataAsOf,
            Long waitingSequence,
            Instant waitingSince) {}

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration maxAge;

    public ReplicaFreshness(JdbcTemplate jdbc, Clock clock, Duration maxAge) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    public Duration maxAge() {
        return maxAge;
    }

    public List<SourceState> all() {
        return jdbc.query(
                "select municipality_code, source_system, last_sequence, data_as_of, waiting_sequence,"
                        + " waiting_since from sync_source_state where last_sequence > 0 order by municipality_code, source_system",
                (rs, i) ->
                        new SourceState(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getLong(3),
                                rs.getTimestamp(4).toInstant(),
                                (Long) rs.getObject(5, Long.class),
                                rs.getTimestamp(6) == null
                                        ? null
                                        : rs.getTimestamp(6).toInstant()));
    }

    /**
     * The first of {@code sources} that is missing, stale or stopped, with why; empty when all are
     * fresh.
     */
    public Optional<String> problem(String municipality, List<String> sources) {
        Map<String, SourceState> states = new java.util.HashMap<>();
        for (SourceState s :
                jdbc.query(
                        "select municipality_code, source_system, last_sequence, data_as_of,"
                                + " waiting_sequence, waiting_since from sync_source_state where municipality_code = ?",
                        (rs, i) ->
                                new SourceState(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getLong(3),
                                        rs.getTimestamp(4).toInstant(),
                                        (Long) rs.getObject(5, Long.class),
                                        Optional.ofNullable(rs.getTimestamp(6))
                                                .map(Timestamp::toInstant)
                                                .orElse(null)),
                        municipality)) {
            states.put(s.source(), s);
        }
        for (String source : sources) {
            SourceState s = states.get(source);
            if (s == null || s.lastSequence() == 0) {
                return Optional.of(source + " has never been loaded");
            }
            if (s.waitingSequence() != null) {
                return Optional.of(source + " is stopped waiting for a missing file");
            }
            if (isStale(s)) {
                return Optional.of(source + " data is older than " + maxAge);
            }
        }
        return Optional.empty();
    }

    public boolean isStale(SourceState s) {
        return !maxAge.isZero() && s.dataAsOf().plus(maxAge).isBefore(clock.instant());
    }
}
