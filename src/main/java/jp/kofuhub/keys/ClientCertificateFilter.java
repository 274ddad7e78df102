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
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ClientCertificateFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificateFilter.class);

    static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    static final String REFUSAL = "{\"code\":\"CLIENT_NOT_ALLOWED\","
            + "\"message\":\"this client certificate may not call this path\"}";

    private final boolean tls;
    private final ClientAccess access;

    public ClientCertificateFilter(@Value("${server.ssl.enabled:false}") boolean tls,
                                   @Value("${kofu.issuance.api-path:/api/v1}") String apiPath,
                                   @Value("${kofu.tls.api-clients:}") String apiClients,
                                   @Value("${kofu.tls.management-clients:}") String managementClients) {
        this.tls = tls;
        this.access = new ClientAccess(apiPath, ClientAccess.names(apiClients), ClientAccess.names(managementClients));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !tls;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String cn = commonName(request.getAttribute(CERTIFICATES));
        if (access.allows(cn, request.getMethod(), path)) {
            chain.doFilter(request, response);
            return;
        }
        LOG.warn("client certificate CN={} refused for {}", cn == null ? "(none)" : cn, ClientAccess.normalise(path));
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(REFUSAL);
    }

    /** The subject CN of the first (the client's own) certificate, or null. */
    static String commonName(Object certificates) {
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
