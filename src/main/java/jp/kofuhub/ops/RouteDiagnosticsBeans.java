package jp.kofuhub.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What makes a failing or misspelt route speak (issue #24): {@link RouteFailures} (bean {@code
 * routeFailures}, one log line per failure with route, step, class and message) and {@link
 * EndpointOptionsCheck} (an unknown endpoint option stops the start), the health component {@code
 * routes} and, in the dev profile, the live route reload ({@link SafeRouteReload}). Route-level
 * tests import this class too.
 */
@Configuration(proxyBeanMethods = false)
public class RouteDiagnosticsBeans {

    @Bean
    RouteFailures routeFailures() {
        return new RouteFailures();
    }

    /**
     * Test only (issue #22): holds exchanges before the steps named in {@code
     * kofu.faults.delay-steps}, so a fault-injection test can kill or freeze a hub at a known step.
     */
    @Bean
    @ConditionalOnProperty(name = "kofu.faults.delay-steps")
    FaultDelays faultDelays(@Value("${kofu.faults.delay-steps}") String steps) {
        return new FaultDelays(steps);
    }

    /** Health component {@code routes} (readiness): no route gone missing. */
    @Bean
    RoutesHealth routesHealthIndicator(CamelContext camel) {
        return new RoutesHealth(camel);
    }

    /**
     * Live route reload of {@code kofu.routes.reload-directory} (dev profile: {@code
     * kofu.routes.reload=true}); an edit that cannot be built is refused and logged, the previous
     * routes keep serving.
     */
    @Bean
    @ConditionalOnProperty(name = "kofu.routes.reload", havingValue = "true")
    CamelContextConfiguration safeRouteReload(
            @Value("${kofu.routes.reload-directory:routes}") String directory) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                try {
                    camel.addService(new SafeRouteReload(directory));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {}
        };
    }

    @Bean
    CamelContextConfiguration endpointOptionsCheck() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.addLifecycleStrategy(new EndpointOptionsCheck());
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {}
        };
    }
}
