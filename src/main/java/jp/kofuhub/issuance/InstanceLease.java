package jp.kofuhub.issuance;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * This instance's lease (issue #22, table {@code hub_instance}, V80): a heartbeat in the database
 * that every instance sees, renewed by route {@code instance-heartbeat} every {@code
 * kofu.cluster.lease.heartbeat}. An issue phase claimed by an instance whose heartbeat is older
 * than {@code kofu.cluster.lease.timeout} (killed, frozen, cut off from the database), whose row is
 * gone (stopped), or claimed longer ago than {@code kofu.cluster.lease.claim-limit} (stuck) has
 * lapsed: a retry on a live instance takes it over ({@link CertificatePreparation}). All times are
 * the database's ({@code current_timestamp}), never an instance's clock, so a clock step on one
 * instance neither kills its lease nor keeps a dead one alive.
 */
public class InstanceLease {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLease.class);

    private final JdbcTemplate jdbc;
    private final String instanceId;
    private final Duration timeout;
    private final Duration claimLimit;
    private final HubClock clock;

    public InstanceLease(
            JdbcTemplate jdbc,
            String instanceId,
            Duration timeout,
            Duration claimLimit,
            HubClock clock) {
        this.jdbc = jdbc;
        this.instanceId = instanceId;
        this.timeout = timeout;
        this.claimLimit = claimLimit;
        this.clock = clock;
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * Renews this instance's heartbeat (route {@code instance-heartbeat}), and with it compares the
     * instance's clock with the database's ({@link HubClock#measure}): the difference is corrected
     * in the hub's clock and recorded in {@code hub_instance.clock_skew_ms} (V82), where the
     * operator sees every instance's.
     */
    public void beat() {
        Long skewMs = clock.measure(jdbc).map(Duration::toMillis).orElse(null);
        if (jdbc.update(
                        "update hub_instance set heartbeat_at = current_timestamp,"
                                + " clock_skew_ms = coalesce(?, clock_skew_ms) where instance_id = ?",
                        skewMs,
                        instanceId)
                == 0) {
            jdbc.update(
                    "insert into hub_instance (instance_id, started_at, heartbeat_at, clock_skew_ms)"
                            + " values (?, current_timestamp, current_timestamp, ?)",
                    instanceId,
                    skewMs);
            LOG.info("instance {} holds its lease", instanceId);
        }
    }

    /**
     * Gives the lease up at a normal stop: this instance's claims lapse at once; long-dead
     * instances' rows are removed too.
     */
    public void end() {
        jdbc.update("delete from hub_instance where instance_id = ?", instanceId);
    }

    /**
     * Whether the issue phase of transaction {@code id} (ISSUING) is no longer held: its claimant
     * is not this instance and is dead or unknown, or the claim is older than the claim limit.
     * False when the transaction is not ISSUING.
     */
    public boolean lapsed(String id) {
        List<Boolean> r =
                jdbc.query(
                        "select t.instance_id, t.claimed_at, i.heartbeat_at, current_timestamp as db_now"
                                + " from issuance_transaction t left join hub_instance i on i.instance_id = t.instance_id"
                                + " where t.transaction_id = ? and t.state = 'ISSUING'",
                        (rs, n) ->
                                lapsed(
                                        rs.getString(1),
                                        instant(rs.getTimestamp(2)),
                                        instant(rs.getTimestamp(3)),
                                        instant(rs.getTimestamp(4))),
                        id);
        return !r.isEmpty() && r.get(0);
    }

    boolean lapsed(String claimant, Instant claimedAt, Instant heartbeat, Instant dbNow) {
        if (claimedAt != null && claimedAt.plus(claimLimit).isBefore(dbNow)) {
            return true; // stuck, whoever holds it: past every phase deadline
        }
        if (instanceId.equals(claimant)) {
            return false; // a concurrent retry on the claimant itself: still running here
        }
        return heartbeat == null || heartbeat.plus(timeout).isBefore(dbNow);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
