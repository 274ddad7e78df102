package jp.kofuhub.console;

import java.util.function.Supplier;
import javax.management.ObjectName;
import jp.kofuhub.console.JolokiaAccess.Role;
import jp.kofuhub.console.JolokiaAccess.Verdict;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;

/**
 * Jolokia's own access restrictor (a Spring bean, which Jolokia's servlet registration picks up:
 * the log says {@code Using registered restrictor "consoleRestrictor"}), the second line behind
 * {@link JolokiaAccessFilter}: Jolokia asks it about every request type, every MBean it lists or
 * searches, every attribute it reads or writes and every operation it runs — on the request it
 * actually executes, whatever the HTTP request looked like. The answers are {@link
 * JolokiaAccess}'s, for the console user of the current request (Spring Security's context, on the
 * request's thread); no user, no access.
 *
 * <p>CORS: no origin is ever allowed cross-origin ({@code isOriginAllowed(…, false)}), so Jolokia
 * sets no {@code Access-Control-Allow-*} header; the strict origin check ({@code …, true}) is the
 * hub filter's same-origin rule, so it passes here.
 */
public final class ConsoleRestrictor implements Restrictor {

    private final JolokiaAccess access;
    private final Supplier<Role> role;
    private final Supplier<String> httpMethod;

    /**
     * @param role the current console user's role
     * @param httpMethod the current HTTP request's method (null when unknown: then no exec)
     */
    public ConsoleRestrictor(
            JolokiaAccess access, Supplier<Role> role, Supplier<String> httpMethod) {
        this.access = access;
        this.role = role;
        this.httpMethod = httpMethod;
    }

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return role.get() != Role.NONE && (method == HttpMethod.GET || method == HttpMethod.POST);
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        return access.type(role.get(), type, httpMethod.get()) == Verdict.ALLOWED;
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        return access.mayRead(role.get(), name, attribute);
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return access.mayWrite(role.get(), name, attribute);
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        return access.operation(role.get(), name, operation) == Verdict.ALLOWED;
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return true; // mutual TLS (ClientCertificateFilter) and the login decide who reaches
        // Jolokia
    }

    @Override
    public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
        // strict check: the hub's filter refused every foreign Origin already; CORS answer: never
        return onlyWhenStrictCheckingIsEnabled;
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return access.hidden(name);
    }
}
