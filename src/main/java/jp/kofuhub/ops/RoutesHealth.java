package jp.kofuhub.ops;

import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code routes} (in the readiness group): DOWN when a route that ran once is gone
 * from the context — a live reload ({@link SafeRouteReload}) removed it and could not build its new
 * version — so a hub that cannot answer on a route never reports ready. Details: the missing route
 * ids and the last reload failure (file and reason), if any. Routes the stop switch suspends are
 * still there and do not count.
 */
public class RoutesHealth implements HealthIndicator {

    private final CamelContext camel;
    private final Set<String> seen = new TreeSet<>();

    public RoutesHealth(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public Health health() {
        Set<String> now = SafeRouteReload.routeIds(camel);
        Set<String> missing;
        synchronized (seen) {
            seen.addAll(now);
            missing = new TreeSet<>(seen);
        }
        missing.removeAll(now);
        SafeRouteReload reload = camel.hasService(SafeRouteReload.class);
        String failure = reload == null ? null : reload.lastFailure();
        Health.Builder h = missing.isEmpty() ? Health.up() : Health.down();
        h.withDetail("routes", now.size());
        if (!missing.isEmpty()) {
            h.withDetail("missing", missing);
        }
        if (reload != null) {
            h.withDetail("reload", failure == null ? "ok" : "failed: " + failure);
        }
        return h.build();
    }
}
