package jp.kofuhub.keys;

import java.util.Set;

/**
 * What the probe listener ({@code kofu.probe.port}, plain HTTP without client certificates, for the
 * kubelet's httpGet probes; docs/deploy.md "Probes") may answer: only GET or HEAD of the paths in
 * {@code kofu.probe.paths} (by default the two health groups /actuator/health/liveness and
 * /actuator/health/readiness), compared exactly after collapsing repeated slashes. Everything else
 * on that port, the issuance API, the console and every other actuator path, is refused. Plain
 * class, tested on its own.
 */
public final class ProbeAccess {

    /** The paths a probe listener answers when kofu.probe.paths is not set. */
    public static final String DEFAULT_PATHS =
            "/actuator/health/liveness,/actuator/health/readiness";

    private final Set<String> paths;

    public ProbeAccess(Set<String> paths) {
        this.paths = Set.copyOf(paths.stream().map(ClientAccess::normalise).toList());
    }

    public static ProbeAccess of(String commaList) {
        return new ProbeAccess(ClientAccess.names(commaList));
    }

    /** True when {@code method path} may be answered on the probe listener. */
    public boolean allows(String method, String path) {
        if (!"GET".equalsIgnoreCase(method) && !"HEAD".equalsIgnoreCase(method)) {
            return false;
        }
        String p = ClientAccess.normalise(path);
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return paths.contains(p);
    }

    public Set<String> paths() {
        return paths;
    }
}
