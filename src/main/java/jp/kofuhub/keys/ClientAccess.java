package jp.kofuhub.keys;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which client certificate (by its subject CN) may call which path of the hub's mutual-TLS listener
 * (docs/keys.md, "TLS"):
 *
 * <ul>
 *   <li>the issuance API ({@code kofu.issuance.api-path}, e.g. /api/v1) only the API clients
 *       ({@code kofu.tls.api-clients}) — except {@code GET <api-path>/openapi.yaml}, which every
 *       client the listener accepted may read;
 *   <li>{@code /actuator} and below only the management clients ({@code
 *       kofu.tls.management-clients});
 *   <li>any other path the clients of either list (it answers 404 anyway).
 * </ul>
 *
 * A request without a certificate (only possible when TLS is off, where the filter does not ask) is
 * refused. Plain class: no Servlet or Spring types, so the rules are tested on their own.
 */
public final class ClientAccess {

    private final String apiPath;
    private final Set<String> apiClients;
    private final Set<String> managementClients;

    public ClientAccess(String apiPath, Set<String> apiClients, Set<String> managementClients) {
        String p = apiPath == null ? "" : apiPath.trim();
        this.apiPath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.apiClients = Set.copyOf(apiClients);
        this.managementClients = Set.copyOf(managementClients);
    }

    /** A comma list of CNs ("centre, kiosk-2") as a set; blanks dropped. */
    public static Set<String> names(String commaList) {
        if (commaList == null) {
            return Set.of();
        }
        return Arrays.stream(commaList.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * True when the client whose certificate has the subject CN {@code cn} may call {@code method}
     * {@code path} (the decoded, normalised path inside the application, e.g.
     * /api/v1/availability).
     */
    public boolean allows(String cn, String method, String path) {
        if (cn == null || cn.isEmpty()) {
            return false;
        }
        String p = normalise(path);
        if (!apiPath.isEmpty() && under(p, apiPath)) {
            if ("GET".equalsIgnoreCase(method) && p.equals(apiPath + "/openapi.yaml")) {
                return true;
            }
            return apiClients.contains(cn);
        }
        if (under(p, "/actuator")) {
            return managementClients.contains(cn);
        }
        return apiClients.contains(cn) || managementClients.contains(cn);
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** Repeated slashes collapsed (Tomcat keeps "//api/v1"; the handler mappings may not). */
    static String normalise(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        String p = path.replaceAll("/{2,}", "/");
        return p.startsWith("/") ? p : "/" + p;
    }
}
