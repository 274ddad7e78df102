package jp.kofuhub.ops;

import java.util.Optional;
import jp.kofuhub.keys.ClientCertificateFilter;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who calls an operator's action, as authenticated, never a typed name: the console user ({@code
 * console:<login>}) for a JMX operation, the client certificate ({@code cert:<CN>}) for a
 * management endpoint. Used by the stop switch and the settlement on demand.
 */
public final class Callers {

    private Callers() {}

    /** The console user logged in on this request's thread, as {@code console:<login>}. */
    public static Optional<String> consoleUser() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (a == null || !a.isAuthenticated() || a instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        return Optional.of("console:" + a.getName());
    }

    /**
     * The caller of a management endpoint: {@code cert:<CN>} of the client certificate the TLS
     * handshake verified (ClientCertificateFilter let it through as a management client); without
     * TLS (dev profile, test hubs) there is no one to name: {@link CouplingEndpoint#NO_TLS}.
     */
    public static String certificateCaller() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a) {
            String cn =
                    ClientCertificateFilter.commonName(
                            a.getRequest().getAttribute(ClientCertificateFilter.CERTIFICATES));
            if (cn != null && !cn.isBlank()) {
                return "cert:" + cn;
            }
        }
        return CouplingEndpoint.NO_TLS;
    }
}
