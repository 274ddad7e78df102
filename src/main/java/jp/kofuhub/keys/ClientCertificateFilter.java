package jp.kofuhub.keys;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authorises every request on the hub's mutual-TLS listener by the subject CN of the client
 * certificate the handshake verified ({@link ClientAccess} holds the rules). A refused request gets
 * 403 with {@code {"code":"CLIENT_NOT_ALLOWED","message":"…"}}; the log names only the CN and the
 * path. With TLS off ({@code server.ssl.enabled=false}: the dev profile and the test hubs) every
 * request passes.
 *
 * <p>A request that arrived on the probe listener ({@code kofu.probe.port}, {@link ProbeListener}:
 * plain HTTP for the kubelet, which has no client certificate) is judged by {@link ProbeAccess}
 * instead: only the probe paths pass, everything else gets the same 403, TLS on or off.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ClientCertificateFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificateFilter.class);

    public static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    static final String REFUSAL =
            "{\"status\":\"ERROR\",\"code\":\"CLIENT_NOT_ALLOWED\","
                    + "\"message\":\"this client certificate may not call this path\"}";

    private final boolean tls;
    private final ClientAccess access;
    private final int probePort;
    private final ProbeAccess probes;

    /** Without a probe listener (unit tests). */
    public ClientCertificateFilter(
            boolean tls, String apiPath, String apiClients, String managementClients) {
        this(tls, apiPath, apiClients, managementClients, 0, ProbeAccess.DEFAULT_PATHS);
    }

    @Autowired
    public ClientCertificateFilter(
            @Value("${server.ssl.enabled:false}") boolean tls,
            @Value("${kofu.issuance.api-path:/api/v1}") String apiPath,
            @Value("${kofu.tls.api-clients:centre}") String apiClients,
            @Value("${kofu.tls.management-clients:operator,operator-aoki,operator-baba}")
                    String managementClients,
            @Value("${kofu.probe.port:0}") int probePort,
            @Value("${kofu.probe.paths:" + ProbeAccess.DEFAULT_PATHS + "}") String probePaths) {
        this.tls = tls;
        this.access =
                new ClientAccess(
                        apiPath,
                        ClientAccess.names(apiClients),
                        ClientAccess.names(managementClients));
        this.probePort = probePort;
        this.probes = ProbeAccess.of(probePaths);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !tls && probePort <= 0;
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path =
                request.getServletPath()
                        + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (probePort > 0 && request.getLocalPort() == probePort) {
            if (probes.allows(request.getMethod(), path)) {
                chain.doFilter(request, response);
            } else {
                LOG.warn("probe listener refused {}", ClientAccess.normalise(path));
                refuse(response);
            }
            return;
        }
        if (!tls) {
            chain.doFilter(request, response);
            return;
        }
        String cn = commonName(request.getAttribute(CERTIFICATES));
        if (access.allows(cn, request.getMethod(), path)) {
            chain.doFilter(request, response);
            return;
        }
        LOG.warn(
                "client certificate CN={} refused for {}",
                cn == null ? "(none)" : cn,
                ClientAccess.normalise(path));
        refuse(response);
    }

    private static void refuse(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(REFUSAL);
    }

    /** The subject CN of the first (the client's own) certificate, or null. */
    public static String commonName(Object certificates) {
        if (!(certificates instanceof X509Certificate[] chain) || chain.length == 0) {
            return null;
        }
        try {
            LdapName name = new LdapName(chain[0].getSubjectX500Principal().getName());
            String cn = null;
            for (Rdn rdn : name.getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
