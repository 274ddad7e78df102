package jp.kofuhub.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.util.URISupport;

/**
 * Every endpoint option a route names is an option of its component, checked when the context
 * starts (issue #24). Camel refuses an unknown option of most components by itself, but camel-http
 * passes unknown ones on as query parameters of the request ({@code responseTimout=5000} is sent to
 * the koseki server, and the intended timeout silently stops applying). An unknown option stops the
 * start with route id, step id, file and line.
 *
 * <p>Known options: the endpoint's, and the few a component reads from an endpoint URI itself
 * ({@link #COMPONENT_URI_OPTIONS}: camel-http's timeouts). Checked: the options written in a route
 * ({@code uri} query and {@code parameters}) once placeholders are resolved, on {@code from},
 * {@code to}, {@code toD} (the parts without {@code ${…}}) and {@code wireTap}/{@code enrich}-like
 * sends; a {@code master:} URI's inner endpoint too. Options of a component with no generated
 * option list are not checked.
 */
public class EndpointOptionsCheck extends LifecycleStrategySupport {

    @Override
    public void onContextStarting(CamelContext context) {
        List<String> problems = check(context);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "unknown endpoint options (misspelt?): " + String.join("; ", problems));
        }
    }

    /** The problems of every route of the context, one per unknown option. */
    public static List<String> check(CamelContext context) {
        return check(context, ((ModelCamelContext) context).getRouteDefinitions());
    }

    /**
     * The problems of the given routes (a reloaded file's, before they replace the running ones).
     */
    public static List<String> check(CamelContext context, List<RouteDefinition> routes) {
        List<String> problems = new ArrayList<>();
        for (RouteDefinition route : routes) {
            FromDefinition from = route.getInput();
            if (from != null) {
                check(context, route, from, from.getEndpointUri(), problems);
            }
            for (ProcessorDefinition<?> node :
                    ProcessorDefinitionHelper.filterTypeInOutputs(
                            route.getOutputs(), ProcessorDefinition.class)) {
                if (node instanceof SendDefinition<?> send) {
                    check(context, route, node, send.getEndpointUri(), problems);
                } else if (node instanceof ToDynamicDefinition dyn) {
                    check(context, route, node, dyn.getUri(), problems);
                }
            }
        }
        return problems;
    }

    private static void check(
            CamelContext context,
            RouteDefinition route,
            OptionalIdentifiedDefinition<?> node,
            String uri,
            List<String> problems) {
        if (uri == null) {
            return;
        }
        String resolved;
        try {
            resolved = context.resolvePropertyPlaceholders(uri);
        } catch (RuntimeException e) {
            return; // Camel reports an unresolvable placeholder itself, naming it
        }
        // master:<namespace>:<inner uri>: the inner endpoint's options
        while (resolved.startsWith("master:")) {
            int second = resolved.indexOf(':', "master:".length());
            if (second < 0) {
                return;
            }
            resolved = resolved.substring(second + 1);
        }
        int colon = resolved.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String scheme = resolved.substring(0, colon);
        EndpointUriFactory factory =
                context.getCamelContextExtension().getEndpointUriFactory(scheme);
        if (factory == null) {
            return;
        }
        String query = URISupport.extractQuery(resolved);
        if (query == null || query.isEmpty()) {
            return;
        }
        Map<String, Object> options;
        try {
            options = URISupport.parseQuery(query, true, true);
        } catch (Exception e) {
            return;
        }
        Set<String> known = new java.util.HashSet<>(factory.propertyNames());
        known.addAll(COMPONENT_URI_OPTIONS.getOrDefault(scheme, Set.of()));
        Set<String> prefixes = factory.multiValuePrefixes().keySet();
        for (String option : options.keySet()) {
            if (option.contains("${") || known.contains(option)) {
                continue;
            }
            if (prefixes.stream().anyMatch(option::startsWith)) {
                continue;
            }
            problems.add(
                    "route "
                            + route.getRouteId()
                            + " step "
                            + node.getId()
                            + " ("
                            + where(route, node)
                            + "): "
                            + scheme
                            + " has no option '"
                            + option
                            + "'");
        }
    }

    /**
     * URI parameters a component takes for itself before it sets the endpoint's options, so they
     * are not among the endpoint's: camel-http 4.17 reads these in {@code
     * HttpComponent.createEndpoint} (its timeouts are not endpoint options; {@code socketTimeout}
     * is not one of them, {@code soTimeout} is).
     */
    static final Map<String, Set<String>> COMPONENT_URI_OPTIONS =
            Map.of(
                    "http", httpUriOptions(),
                    "https", httpUriOptions());

    private static Set<String> httpUriOptions() {
        return Set.of(
                "connectTimeout",
                "connectionRequestTimeout",
                "responseTimeout",
                "soTimeout",
                "maxTotalConnections",
                "connectionsPerRoute",
                "httpMethodRestrict",
                "muteException");
    }

    private static String where(RouteDefinition route, OptionalIdentifiedDefinition<?> node) {
        String file = route.getResource() != null ? route.getResource().getLocation() : null;
        if (file == null) {
            file = node.getLocation();
        }
        return (file == null ? "?" : file.replaceFirst("^file:", "")) + ":" + node.getLineNumber();
    }
}
