package jp.kofuhub.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jp.kofuhub.metrics.HubMetrics;
import jp.kofuhub.ops.IssueBlocker;
import jp.kofuhub.replica.ReplicaFreshness.SourceState;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The decisions of the koseki and issuing indicators and of the replica blocker, without Spring.
 */
class IndicatorsTest {

    private static final HubMetrics.KosekiCall OK_CALL =
            new HubMetrics.KosekiCall("OK", 42, Instant.parse("2025-01-06T01:00:00Z"));

    private static Health koseki(List<String> cities, String state, HubMetrics.KosekiCall last) {
        return new KosekiHealth(() -> cities, () -> Optional.ofNullable(state), () -> last)
                .health();
    }

    @Test
    void kosekiIsUnknownWithoutKosekiCitiesOrCallsUpWhenClosedDownWhenOpen() {
        assertThat(koseki(List.of(), "CLOSED", OK_CALL).getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(koseki(List.of("990006"), "CLOSED", null).getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(koseki(List.of("990006"), null, null).getStatus()).isEqualTo(Status.UNKNOWN);
        Health up = koseki(List.of("990006"), "CLOSED", OK_CALL);
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(up.getDetails())
                .containsEntry("breaker", "CLOSED")
                .containsEntry(
                        "lastCall",
                        Map.of("outcome", "OK", "millis", 42L, "at", "2025-01-06T01:00:00Z"));
        assertThat(koseki(List.of("990006"), "HALF_OPEN", OK_CALL).getStatus())
                .isEqualTo(Status.UP);
        Health down =
                koseki(
                        List.of("990006"),
                        "OPEN",
                        new HubMetrics.KosekiCall("TIMEOUT", 1500, Instant.EPOCH));
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) down.getDetails().get("reason")).contains("circuit breaker open");
        assertThat(koseki(List.of("990006"), "FORCED_OPEN", OK_CALL).getStatus())
                .isEqualTo(Status.DOWN);
    }

    @Test
    void issuingIsDownWithTheReasonOfEveryBlockerThatObjects() {
        IssueBlocker quiet = Optional::empty;
        IssueBlocker stop = () -> Optional.of("SUSPENDED: stop switch");
        IssueBlocker broken =
                () -> {
                    throw new IllegalStateException("boom");
                };
        assertThat(new IssuingHealth(() -> List.of()).health().getStatus()).isEqualTo(Status.UP);
        assertThat(new IssuingHealth(() -> List.of(quiet)).health().getStatus())
                .isEqualTo(Status.UP);
        Health down = new IssuingHealth(() -> List.of(quiet, stop, broken)).health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat((List<String>) down.getDetails().get("blockedBecause"))
                .hasSize(2)
                .contains("SUSPENDED: stop switch")
                .anyMatch(r -> r.endsWith("failed: IllegalStateException"));
    }

    private static SourceState state(String city, String source, Long waiting) {
        return new SourceState(
                city, source, 5, Instant.parse("2025-01-06T00:00:00Z"), waiting, null);
    }

    @Test
    void theReplicaBlocksOnlyWhenNoMunicipalityServedHasAFreshSource() {
        List<SourceState> states =
                List.of(
                        state("012343", "JUKI", null),
                        state("012343", "INKAN", 7L),
                        state("012173", "JUKI", null),
                        state("999999", "JUKI", null));
        Set<String> stale = Set.of("012343/JUKI");
        ReplicaBlocker oneFresh =
                new ReplicaBlocker(
                        () -> states,
                        s -> stale.contains(s.municipality() + "/" + s.source()),
                        () -> List.of("012343", "012173"));
        assertThat(oneFresh.blockedBecause()).isEmpty();
        // 012343: JUKI stale, INKAN stopped by a gap; 999999 is fresh but not served here
        ReplicaBlocker noneFresh =
                new ReplicaBlocker(
                        () -> states,
                        s -> stale.contains(s.municipality() + "/" + s.source()),
                        () -> List.of("012343"));
        assertThat(noneFresh.blockedBecause())
                .hasValueSatisfying(r -> assertThat(r).startsWith("REPLICA_STALE"));
        // nothing loaded yet (a new hub): not held up
        assertThat(
                        new ReplicaBlocker(List::of, s -> false, () -> List.of("012343"))
                                .blockedBecause())
                .isEmpty();
    }
}
