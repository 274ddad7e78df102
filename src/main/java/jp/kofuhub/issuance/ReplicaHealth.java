package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import jp.kofuhub.replica.ReplicaFreshness;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the replica ({@code /actuator/health}, component {@code replica}): per municipality and
 * source, the last applied sequence, the data's age, and whether the source is stopped waiting for
 * a missing file ({@code waiting}: the sequence that arrived and the one expected; all such sources
 * listed under {@code gaps} as municipality/source). DOWN when any source is stale or waiting. Ids
 * and times only.
 */
@Component("replica")
public class ReplicaHealth implements HealthIndicator {

    private final ReplicaFreshness freshness;
    private final Clock clock;

    public ReplicaHealth(ReplicaFreshness freshness, Clock clock) {
        this.freshness = freshness;
        this.clock = clock;
    }

    @Override
    public Health health() {
        boolean up = true;
        Map<String, Object> sources = new LinkedHashMap<>();
        java.util.List<String> gaps = new java.util.ArrayList<>();
        for (ReplicaFreshness.SourceState s : freshness.all()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("lastSequence", s.lastSequence());
            d.put("dataAsOf", s.dataAsOf().toString());
            d.put("ageSeconds", Duration.between(s.dataAsOf(), clock.instant()).toSeconds());
            boolean stale = freshness.isStale(s);
            d.put("stale", stale);
            if (s.waitingSequence() != null) {
                d.put(
                        "waiting",
                        Map.of(
                                "arrived",
                                s.waitingSequence(),
                                "expected",
                                s.lastSequence() + 1,
                                "since",
                                s.waitingSince() == null ? "" : s.waitingSince().toString()));
                gaps.add(s.municipality() + "/" + s.source());
            }
            up &= !stale && s.waitingSequence() == null;
            sources.put(s.municipality() + "/" + s.source(), d);
        }
        return (up ? Health.up() : Health.down())
                .withDetail("maxAge", freshness.maxAge().toString())
                .withDetail("gaps", gaps)
                .withDetail("sources", sources)
                .build();
    }
}
