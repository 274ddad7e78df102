package jp.kofuhub.ops;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live route reload for the dev profile ({@code kofu.routes.reload}, issue #24): an edited file
 * under {@code routes/} (any folder) replaces only its own routes, within seconds. Camel's own
 * reload ({@code camel.main.routes-reload-enabled}) removes every route and fails on these files
 * ("duplicate route id"), or with {@code remove-all-routes=false} removes a route whose new version
 * cannot be built, while the health stays UP.
 *
 * <p>Here an edit is first built apart from the running routes: the file must parse, every {@code
 * {{placeholder}}} of its endpoints resolve, every bean it names exist and every endpoint option be
 * known ({@link EndpointOptionsCheck}). If not, it is refused: one ERROR line names the file and
 * the reason, and the previous routes keep serving. What only fails when Camel creates the route (a
 * method a bean does not have) can still remove it: then {@link RoutesHealth} reports DOWN
 * (readiness) until a good edit brings the route back. Either way {@link #lastFailure()} says which
 * file and why.
 */
public class SafeRouteReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(SafeRouteReload.class);

    private volatile String lastFailure;

    public SafeRouteReload(String directory) {
        super(directory, true);
        setPattern("*.camel.yaml");
        setRemoveAllRoutes(false);
    }

    /** "file: reason" of the last edit that could not be applied, or null after a good one. */
    public String lastFailure() {
        return lastFailure;
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        List<String> problems = new ArrayList<>();
        for (Resource r : resources) {
            for (String p : check(getCamelContext(), r)) {
                problems.add(r.getLocation() + ": " + p);
            }
        }
        if (!problems.isEmpty()) {
            lastFailure = String.join("; ", problems);
            LOG.error("route reload refused, the previous routes keep serving: {}", lastFailure);
            return;
        }
        long failedBefore = getFailedCounter();
        Set<String> before = routeIds(getCamelContext());
        super.onRouteReload(resources, false);
        Set<String> missing = new TreeSet<>(before);
        missing.removeAll(routeIds(getCamelContext()));
        if (getFailedCounter() > failedBefore || !missing.isEmpty()) {
            Throwable e = getLastError();
            lastFailure =
                    locations(resources)
                            + ": "
                            + (e == null ? "reload failed" : RouteFailures.message(e))
                            + (missing.isEmpty() ? "" : " (routes now missing: " + missing + ")");
            LOG.error("route reload failed: {}", lastFailure);
        } else {
            lastFailure = null;
            LOG.info("routes reloaded from {}", locations(resources));
        }
    }

    /** What would stop the file's routes from being built, without touching the running ones. */
    static List<String> check(CamelContext camel, Resource resource) {
        List<String> problems = new ArrayList<>();
        List<RouteDefinition> routes = new ArrayList<>();
        try {
            for (RoutesBuilder b :
                    PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
                if (b instanceof RouteBuilder rb) {
                    routes.addAll(rb.configureRoutes(camel).getRoutes());
                }
            }
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            problems.add(
                    "does not load: "
                            + root.getClass().getSimpleName()
                            + ": "
                            + RouteFailures.message(root));
            return problems;
        }
        for (RouteDefinition route : routes) {
            String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
            placeholders(camel, route, uri, problems);
            for (ProcessorDefinition<?> node :
                    ProcessorDefinitionHelper.filterTypeInOutputs(
                            route.getOutputs(), ProcessorDefinition.class)) {
                if (node instanceof org.apache.camel.model.SendDefinition<?> send) {
                    placeholders(camel, route, send.getEndpointUri(), problems);
                } else if (node instanceof org.apache.camel.model.ToDynamicDefinition dyn) {
                    placeholders(camel, route, dyn.getUri(), problems);
                } else if (node instanceof BeanDefinition bean
                        && bean.getRef() != null
                        && camel.getRegistry().lookupByName(bean.getRef()) == null) {
                    problems.add(
                            "route "
                                    + route.getRouteId()
                                    + " step "
                                    + bean.getId()
                                    + ": no bean named "
                                    + bean.getRef());
                }
            }
        }
        problems.addAll(EndpointOptionsCheck.check(camel, routes));
        return problems;
    }

    private static void placeholders(
            CamelContext camel, RouteDefinition route, String uri, List<String> problems) {
        if (uri == null) {
            return;
        }
        try {
            camel.resolvePropertyPlaceholders(uri);
        } catch (RuntimeException e) {
            problems.add("route " + route.getRouteId() + ": " + RouteFailures.message(e));
        }
    }

    static Set<String> routeIds(CamelContext camel) {
        Set<String> ids = new TreeSet<>();
        for (Route r : camel.getRoutes()) {
            ids.add(r.getRouteId());
        }
        return ids;
    }

    private static String locations(Collection<Resource> resources) {
        return String.join(", ", resources.stream().map(Resource::getLocation).toList());
    }
}
