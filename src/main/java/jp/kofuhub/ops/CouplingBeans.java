package jp.kofuhub.ops;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.keys.ClientCertificateFilter;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The stop switch of the online coupling: {@link CouplingSwitch} (also the JMX MBean {@code
 * jp.kofuhub:type=CouplingSwitch}), the boundary routes it suspends, the filter that refuses API
 * requests while suspended, {@code /actuator/coupling}, and the start-up hook that suspends the
 * routes again when the hub starts suspended.
 */
@Configuration(proxyBeanMethods = false)
public class CouplingBeans {

    @Bean
    CamelCouplingRoutes couplingRoutes(
            CamelContext camel,
            @Value("${kofu.coupling.routes}") String routes,
            @Value("${kofu.coupling.route-timeout-seconds:10}") long timeoutSeconds) {
        return new CamelCouplingRoutes(camel, ids(routes), timeoutSeconds);
    }

    @Bean
    CouplingSwitch couplingSwitch(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            IssuanceHistory history,
            MunicipalityRegistry municipalities,
            Clock clock,
            @Value("${kofu.coupling.deployment:kofu-hub}") String deployment,
            CamelCouplingRoutes routes) {
        CouplingSwitch s =
                new CouplingSwitch(
                        jdbc,
                        tx,
                        history,
                        () -> municipalities.all().stream().map(MunicipalityProfile::code).toList(),
                        clock,
                        deployment,
                        routes,
                        CouplingBeans::consoleUser);
        // the filter refuses from the first request on: read the state before the listener opens
        s.load();
        return s;
    }

    /** The switch's route steps (a bean apart from the managed switch: issue #19). */
    @Bean
    CouplingSteps couplingSteps(CouplingSwitch coupling) {
        return new CouplingSteps(coupling);
    }

    /** After Camel has started the routes: a hub that was suspended suspends them again at once. */
    @Bean
    CamelContextConfiguration couplingAtStart(CouplingSwitch coupling) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                // nothing: the routes are not started yet
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                coupling.align();
            }
        };
    }

    /**
     * After the client-certificate filter (an unknown client learns nothing), before everything
     * else.
     */
    @Bean
    FilterRegistrationBean<CouplingFilter> couplingFilter(
            CouplingSwitch coupling, @Value("${kofu.issuance.api-path:/api/v1}") String apiPath) {
        FilterRegistrationBean<CouplingFilter> r =
                new FilterRegistrationBean<>(new CouplingFilter(coupling, apiPath));
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        r.addUrlPatterns("/*");
        return r;
    }

    @Bean
    CouplingEndpoint couplingEndpoint(
            CouplingSwitch coupling, CamelCouplingRoutes routes, JdbcTemplate jdbc) {
        return new CouplingEndpoint(
                coupling,
                routes.routeIds(),
                CouplingBeans::certificateCaller,
                new CouplingHistory(jdbc));
    }

    /** The console user logged in on this request's thread, as {@code console:<login>}. */
    static Optional<String> consoleUser() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (a == null || !a.isAuthenticated() || a instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        return Optional.of("console:" + a.getName());
    }

    /**
     * The caller of {@code /actuator/coupling}: {@code cert:<CN>} of the client certificate the TLS
     * handshake verified (ClientCertificateFilter let it through as a management client); without
     * TLS (dev profile, test hubs) there is no one to name: {@link CouplingEndpoint#NO_TLS}.
     */
    static String certificateCaller() {
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

    static List<String> ids(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
