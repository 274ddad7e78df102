package jp.kofuhub.health;

import java.time.Duration;
import jp.kofuhub.issuance.HubClock;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code clock} (issue #22): this instance's clock compared with the database's at
 * every heartbeat ({@link HubClock}). UP while they agree within {@link HubClock#TOLERANCE}; DOWN
 * while the instance's clock is further off — the hub still issues correctly, on the database's
 * time, but the instance's clock needs mending (NTP); UNKNOWN before the first heartbeat. Details:
 * {@code skewMs} (instance − database) and {@code correctionMs} (what the hub adds to the
 * instance's clock).
 *
 * <p>Not part of readiness: a corrected clock does not make a certificate wrong.
 */
public class ClockHealth implements HealthIndicator {

    private final HubClock clock;

    public ClockHealth(HubClock clock) {
        this.clock = clock;
    }

    @Override
    public Health health() {
        if (clock.skew().isEmpty()) {
            return Health.unknown()
                    .withDetail("reason", "not compared with the database's clock yet")
                    .build();
        }
        Duration skew = clock.skew().get();
        boolean off = skew.abs().compareTo(HubClock.TOLERANCE) > 0;
        Health.Builder h = off ? Health.down() : Health.up();
        h.withDetail("skewMs", skew.toMillis())
                .withDetail("correctionMs", clock.correction().toMillis())
                .withDetail("authority", "database");
        if (off) {
            h.withDetail(
                    "reason",
                    "this instance's clock is off the database's; the hub uses the database's"
                            + " time; mend the instance's clock (NTP)");
        }
        return h.build();
    }
}
