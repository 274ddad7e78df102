package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Issue #22: the hub's clock follows the database's beyond the tolerance, and only then. */
class HubClockTest {

    static final Instant T = Instant.parse("2026-12-06T14:57:00Z"); // 23:57 in Tokyo

    @Test
    void aSkewBeyondTheToleranceIsTakenOutOfEveryReading() {
        HubClock clock = new HubClock(Clock.fixed(T.plus(Duration.ofMinutes(5)), ZoneOffset.UTC));
        assertThat(clock.skew()).isEmpty();
        assertThat(clock.instant()).isEqualTo(T.plus(Duration.ofMinutes(5)));
        clock.adopt(Duration.ofMinutes(5));
        assertThat(clock.instant()).isEqualTo(T);
        assertThat(clock.correction()).isEqualTo(Duration.ofMinutes(-5));
        // the 発行番号 day in Tokyo is the database's (still the 6th), not the instance's (the 7th)
        assertThat(java.time.LocalDate.now(clock.withZone(ZoneId.of("Asia/Tokyo"))))
                .isEqualTo(java.time.LocalDate.of(2026, 12, 6));
        // a view in another zone shares the correction, also when it changes later
        Clock tokyo = clock.withZone(ZoneId.of("Asia/Tokyo"));
        clock.adopt(Duration.ofMinutes(-5));
        assertThat(tokyo.instant()).isEqualTo(T.plus(Duration.ofMinutes(10)));
    }

    @Test
    void jitterWithinTheToleranceIsLeftAloneAndAMendedClockIsUsedAsItIs() {
        HubClock clock = new HubClock(Clock.fixed(T, ZoneOffset.UTC));
        clock.adopt(Duration.ofMillis(300));
        assertThat(clock.correction()).isZero();
        assertThat(clock.skew()).contains(Duration.ofMillis(300));
        clock.adopt(Duration.ofSeconds(3));
        assertThat(clock.correction()).isEqualTo(Duration.ofSeconds(-3));
        clock.adopt(Duration.ofMillis(3200)); // within the tolerance of the correction: kept
        assertThat(clock.correction()).isEqualTo(Duration.ofSeconds(-3));
        clock.adopt(Duration.ofMillis(20)); // the instance's clock mended (NTP)
        assertThat(clock.correction()).isZero();
        assertThat(clock.instant()).isEqualTo(T);
    }
}
