package jp.kofuhub.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import jp.kofuhub.metrics.HubMetrics;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health of the koseki certificate server ({@code /actuator/health}, component {@code koseki}),
 * from what the hub already knows — the server is never called from here, so a probe never costs a
 * kiosk request: the state of the circuit breaker {@code koseki-breaker} and the last call's
 * outcome, latency and time. UNKNOWN when no municipality offers a 戸籍 kind, or no call was made
 * since start with the breaker closed; DOWN while the breaker is open (戸籍 are refused
 * KOSEKI_UNAVAILABLE at once); else UP. Not part of readiness: the other kinds are still issued.
 */
public class KosekiHealth implements HealthIndicator {

    private final Supplier<List<String>> kosekiMunicipalities;
    private final Supplier<Optional<String>> breakerState;
    private final Supplier<HubMetrics.KosekiCall> lastCall;
    private final Supplier<Map<String, String>> breakers;

    public KosekiHealth(
            Supplier<List<String>> kosekiMunicipalities,
            Supplier<Optional<String>> breakerState,
            Supplier<HubMetrics.KosekiCall> lastCall) {
        this(kosekiMunicipalities, breakerState, lastCall, Map::of);
    }

    /**
     * @param breakerState the worst of the municipalities' breakers
     * @param breakers each municipality's breaker (issue #24: one koseki server per municipality)
     */
    public KosekiHealth(
            Supplier<List<String>> kosekiMunicipalities,
            Supplier<Optional<String>> breakerState,
            Supplier<HubMetrics.KosekiCall> lastCall,
            Supplier<Map<String, String>> breakers) {
        this.kosekiMunicipalities = kosekiMunicipalities;
        this.breakerState = breakerState;
        this.lastCall = lastCall;
        this.breakers = breakers;
    }

    @Override
    public Health health() {
        List<String> municipalities = kosekiMunicipalities.get();
        if (municipalities.isEmpty()) {
            return Health.unknown()
                    .withDetail("reason", "no municipality served offers a 戸籍 kind")
                    .build();
        }
        Optional<String> state = breakerState.get();
        HubMetrics.KosekiCall last = lastCall.get();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("municipalities", municipalities);
        details.put("breaker", state.orElse("NOT_STARTED"));
        Map<String, String> each = breakers.get();
        if (!each.isEmpty()) {
            details.put("breakers", each);
        }
        if (last != null) {
            details.put(
                    "lastCall",
                    Map.of(
                            "outcome",
                            last.outcome(),
                            "millis",
                            last.millis(),
                            "at",
                            last.at().toString()));
        }
        Health.Builder b;
        if (state.isEmpty()) {
            b = Health.unknown().withDetail("reason", "the koseki route is not started");
        } else if (state.get().equals("OPEN") || state.get().equals("FORCED_OPEN")) {
            b =
                    Health.down()
                            .withDetail(
                                    "reason",
                                    "circuit breaker open: 戸籍 of "
                                            + opened(each)
                                            + " are refused KOSEKI_UNAVAILABLE (in phase 1,"
                                            + " no number taken) until the server answers again");
        } else if (last == null) {
            b = Health.unknown().withDetail("reason", "no call to the koseki server since start");
        } else {
            b = Health.up();
        }
        return b.withDetails(details).build();
    }

    private static String opened(Map<String, String> each) {
        List<String> open =
                each.entrySet().stream()
                        .filter(
                                e ->
                                        e.getValue().contains("OPEN")
                                                && !e.getValue().equals("HALF_OPEN"))
                        .map(Map.Entry::getKey)
                        .toList();
        return open.isEmpty() ? "the municipality" : String.join(", ", open);
    }
}
