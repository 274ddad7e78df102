package jp.kofuhub.health;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code inbox}: every inbox this instance polls ({@link InboxWatch}), with its
 * last successful poll and last failure (time and kind: REFUSED, AUTH, HOST_KEY, TIMEOUT,
 * UNKNOWN_HOST, OTHER). DOWN while the last poll of any inbox failed; UNKNOWN when this instance
 * has not polled (not the leader of {@code registry-sync}, the coupling suspended, just started);
 * else UP.
 *
 * <p>Not part of readiness (docs/health-and-metrics.md): an unreachable inbox does not make a
 * certificate wrong. The replica keeps serving until its sources turn stale ({@code
 * kofu.sync.max-age}); then component {@code replica} and, when every source of a municipality is
 * stale, {@code issuing} take the hub out — that is the readiness policy.
 */
public class InboxHealth implements HealthIndicator {

    private final InboxWatch watch;

    public InboxHealth(InboxWatch watch) {
        this.watch = watch;
    }

    @Override
    public Health health() {
        Map<String, InboxWatch.State> states = watch.states();
        if (states.isEmpty()) {
            return Health.unknown()
                    .withDetail("reason", "no inbox polled by this instance yet")
                    .build();
        }
        Map<String, Object> inboxes = new LinkedHashMap<>();
        boolean failing = false;
        for (Map.Entry<String, InboxWatch.State> e : states.entrySet()) {
            inboxes.put(e.getKey(), InboxWatch.details(e.getValue()));
            failing |= e.getValue().failing();
        }
        return (failing ? Health.down() : Health.up()).withDetail("inboxes", inboxes).build();
    }
}
