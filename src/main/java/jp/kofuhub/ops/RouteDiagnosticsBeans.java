package jp.kofuhub.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What makes a failing or misspelt route speak (issue #24): {@link RouteFailures} (bean {@code
 * routeFailures}, one log line per failure with route, step, class and message) and {@link
 * EndpointOptionsCheck} (an unknown endpoint option stops the start). Route-level tests import this
 * class too.
 */
@Configuration(proxyBeanMethods = false)
public class RouteDiagnosticsBeans {

    @Bean
    RouteFailures routeFailures() {
        return new RouteFailures();
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
