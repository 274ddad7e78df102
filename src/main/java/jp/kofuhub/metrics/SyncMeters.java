package jp.kofuhub.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.replica.ReplicaFreshness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the replica's sync state per municipality and source, read from {@code
 * sync_source_state} through {@link ReplicaFreshness} at most once per {@link #REFRESH} however
 * often they are scraped: {@code kofu.sync.lag} (seconds from the data as-of of the last applied
 * file to now) and {@code kofu.sync.gap} (1 while the source is stopped waiting for a missing
 * file). A source that appears later gets its gauges at the next scrape ({@code kofu.sync.sources}
 * triggers the look).
 */
public class SyncMeters implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(SyncMeters.class);
    static final Duration REFRESH = Duration.ofSeconds(5);

    private final ReplicaFreshness freshness;
    private final Clock clock;
    private final Set<String> registered = new HashSet<>();
    private MeterRegistry registry;
    private Map<String, ReplicaFreshness.SourceState> states = Map.of();
    private Instant loadedAt = Instant.MIN;

    public SyncMeters(ReplicaFreshness freshness, Clock clock) {
        this.freshness = freshness;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("kofu.sync.sources", this, m -> m.states().size())
                .description("municipality/source pairs the replica has loaded")
                .register(registry);
    }

    /**
     * The sources' states, reloaded when older than {@link #REFRESH}; new sources get their gauges.
     */
    synchronized Map<String, ReplicaFreshness.SourceState> states() {
        Instant now = clock.instant();
        if (loadedAt.plus(REFRESH).isBefore(now)) {
            loadedAt = now;
            try {
                Map<String, ReplicaFreshness.SourceState> fresh = new HashMap<>();
                for (ReplicaFreshness.SourceState s : freshness.all()) {
                    fresh.put(key(s.municipality(), s.source()), s);
                }
                states = fresh;
                fresh.values().forEach(this::register);
            } catch (RuntimeException e) {
                LOG.warn(
                        "sync gauges: the sync state cannot be read ({})",
                        e.getClass().getSimpleName());
            }
        }
        return states;
    }

    private void register(ReplicaFreshness.SourceState s) {
        String key = key(s.municipality(), s.source());
        if (registry == null || !registered.add(key)) {
            return;
        }
        String municipality = HubMetrics.municipality(s.municipality());
        String source = HubMetrics.code(s.source());
        Gauge.builder("kofu.sync.lag", this, m -> m.lagSeconds(key))
                .baseUnit("seconds")
                .description("now minus the data as-of time of the last applied file")
                .tag("municipality", municipality)
                .tag("source", source)
                .register(registry);
        Gauge.builder("kofu.sync.gap", this, m -> m.gap(key))
                .description("1 while the source is stopped waiting for a missing file, else 0")
                .tag("municipality", municipality)
                .tag("source", source)
                .register(registry);
    }

    double lagSeconds(String key) {
        ReplicaFreshness.SourceState s = states().get(key);
        // data dated ahead of this clock (a source system's clock, or an export as of later today)
        // is not late: 0
        return s == null
                ? Double.NaN
                : Math.max(0, Duration.between(s.dataAsOf(), clock.instant()).toMillis()) / 1000.0;
    }

    double gap(String key) {
        ReplicaFreshness.SourceState s = states().get(key);
        return s == null ? Double.NaN : s.waitingSequence() != null ? 1 : 0;
    }

    private static String key(String municipality, String source) {
        return municipality + "/" + source;
    }
}
