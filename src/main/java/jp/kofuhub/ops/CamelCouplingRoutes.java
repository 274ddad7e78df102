package jp.kofuhub.ops;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CouplingRoutes} over Camel's route controller, for the route ids of {@code
 * kofu.coupling.routes}. A route whose consumer cannot be suspended (platform-http REST routes) is
 * stopped by Camel instead and started again on resume. Only routes this instance suspended are
 * resumed: a route an operator stopped for another reason, or one that never starts (the demo
 * heartbeat outside the demo), stays as it is. Ids that name no route are skipped.
 */
public class CamelCouplingRoutes implements CouplingRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(CamelCouplingRoutes.class);

    private final CamelContext camel;
    private final List<String> routeIds;
    private final long timeoutSeconds;
    private final Set<String> suspendedHere = new LinkedHashSet<>();

    /**
     * @param timeoutSeconds how long a route's exchanges in flight may take to finish when it is
     *     suspended (then Camel forces it)
     */
    public CamelCouplingRoutes(CamelContext camel, List<String> routeIds, long timeoutSeconds) {
        this.camel = camel;
        this.routeIds = List.copyOf(routeIds);
        this.timeoutSeconds = timeoutSeconds;
    }

    public List<String> routeIds() {
        return routeIds;
    }

    @Override
    public synchronized void suspend() {
        RouteController c = camel.getRouteController();
        for (String id : routeIds) {
            ServiceStatus status = c.getRouteStatus(id);
            if (status == null || !status.isStarted()) {
                continue; // no such route, or not running: nothing crosses the boundary through it
            }
            try {
                c.suspendRoute(id, timeoutSeconds, TimeUnit.SECONDS);
                suspendedHere.add(id);
                LOG.info("coupling: route {} {}", id, c.getRouteStatus(id));
            } catch (Exception e) {
                LOG.error(
                        "coupling: route {} could not be suspended ({})",
                        id,
                        e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public synchronized void resume() {
        RouteController c = camel.getRouteController();
        for (String id : List.copyOf(suspendedHere)) {
            ServiceStatus status = c.getRouteStatus(id);
            try {
                if (status != null && (status.isSuspended() || status.isStopped())) {
                    c.resumeRoute(id); // a stopped route (could not be suspended) is started again
                    LOG.info("coupling: route {} {}", id, c.getRouteStatus(id));
                }
                suspendedHere.remove(id);
            } catch (Exception e) {
                LOG.error(
                        "coupling: route {} could not be resumed ({})",
                        id,
                        e.getClass().getSimpleName());
            }
        }
    }
}
