package jp.kofuhub.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import jp.kofuhub.replica.ReplicaFreshness;
import org.junit.jupiter.api.Test;

/** The sync gauges: one pair per municipality/source, registered when the source first shows up. */
class SyncMetersTest {

    private static final Instant NOW = Instant.parse("2025-01-06T03:00:00Z");

    @Test
    void lagAndGapPerMunicipalityAndSourceAppearWhenTheSourceDoes() {
        List<ReplicaFreshness.SourceState> states = new ArrayList<>();
        ReplicaFreshness freshness =
                new ReplicaFreshness(
                        null, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30)) {
                    @Override
                    public List<ReplicaFreshness.SourceState> all() {
                        return List.copyOf(states);
                    }
                };
        Clock[] clock = {Clock.fixed(NOW, ZoneOffset.UTC)};
        SyncMeters meters =
                new SyncMeters(
                        freshness,
                        new Clock() {
                            @Override
                            public java.time.ZoneId getZone() {
                                return ZoneOffset.UTC;
                            }

                            @Override
                            public Clock withZone(java.time.ZoneId zone) {
                                return this;
                            }

                            @Override
                            public Instant instant() {
                                return clock[0].instant();
                            }
                        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        meters.bindTo(registry);
        assertThat(registry.get("kofu.sync.sources").gauge().value()).isEqualTo(0.0);
        assertThat(registry.find("kofu.sync.lag").gauges()).isEmpty();

        states.add(
                new ReplicaFreshness.SourceState(
                        "012343", "JUKI", 4, NOW.minusSeconds(90), null, null));
        states.add(
                new ReplicaFreshness.SourceState(
                        "012343", "INKAN", 2, NOW.minusSeconds(600), 4L, NOW.minusSeconds(60)));
        // read at most every few seconds: the next look after the refresh period sees them
        clock[0] = Clock.fixed(NOW.plus(SyncMeters.REFRESH).plusSeconds(1), ZoneOffset.UTC);
        assertThat(registry.get("kofu.sync.sources").gauge().value()).isEqualTo(2.0);
        assertThat(
                        registry.get("kofu.sync.lag")
                                .tags("municipality", "012343", "source", "JUKI")
                                .gauge()
                                .value())
                .isEqualTo(96.0);
        assertThat(
                        registry.get("kofu.sync.gap")
                                .tags("municipality", "012343", "source", "JUKI")
                                .gauge()
                                .value())
                .isZero();
        assertThat(
                        registry.get("kofu.sync.gap")
                                .tags("municipality", "012343", "source", "INKAN")
                                .gauge()
                                .value())
                .isEqualTo(1.0);
    }
}
